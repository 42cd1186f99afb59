//! Reading the console's upload form (`multipart/form-data`: the CSRF token and one file)
//! with `multer`, the maintained multipart parser (pure Rust, works on wasm32). The body was
//! already read within the asset limit and its type checked; here it is only split into its
//! parts, which `core::console::actions::UploadParts` accepts or refuses.

use bytes::Bytes;
use wandstore_core::console::actions::{UPLOAD_FIELDS, UploadForm, UploadPart, UploadParts};
use wandstore_protocol::EdgeError;

/// The fields of a `multipart/form-data` body; 400 for a body that is not the upload form.
pub async fn read(ct: &str, body: Vec<u8>) -> Result<UploadForm, EdgeError> {
    let unreadable = |what: &str| EdgeError::from(UploadParts::unreadable(what));
    let boundary =
        multer::parse_boundary(ct).map_err(|_| unreadable("the upload form has no boundary"))?;
    let stream =
        futures::stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(body)) });
    let constraints = multer::Constraints::new().allowed_fields(UPLOAD_FIELDS.to_vec());
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut parts = UploadParts::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(unreadable("the upload form could not be read")),
        };
        match parts.next(field.name())? {
            UploadPart::Csrf => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| unreadable("the form's token could not be read"))?;
                parts.csrf(text);
            }
            UploadPart::File => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let content_type = field.content_type().map(|m| m.essence_str().to_owned());
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| unreadable("the file could not be read"))?;
                parts.file(file_name, content_type, bytes.to_vec());
            }
        }
    }
    Ok(parts.finish()?)
}
