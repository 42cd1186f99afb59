//! Reading the console's upload form (`multipart/form-data`: the CSRF token and one file)
//! with `multer`, the maintained multipart parser (pure Rust, works on wasm32). The body was
//! already read within the asset limit; here it is only split into its parts.

use bytes::Bytes;
use wandstore_protocol::EdgeError;

/// The upload form's fields.
pub struct UploadForm {
    pub csrf: String,
    /// The file's name as the browser sent it.
    pub file_name: String,
    /// The part's declared content type.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

fn bad(message: &str) -> EdgeError {
    EdgeError::bad_request("bad_upload", message.to_owned())
}

/// The fields of a `multipart/form-data` body (its type already checked,
/// `actions::require_multipart`); 400 for a body that is not the upload form.
pub async fn read(ct: &str, body: Vec<u8>) -> Result<UploadForm, EdgeError> {
    let boundary =
        multer::parse_boundary(ct).map_err(|_| bad("the upload form has no boundary"))?;
    let stream =
        futures::stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(body)) });
    let constraints = multer::Constraints::new().allowed_fields(vec!["csrf", "file"]);
    let mut parts = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut csrf = None;
    let mut file = None;
    loop {
        let field = match parts.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(bad("the upload form could not be read")),
        };
        match field.name() {
            Some("csrf") if csrf.is_none() => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| bad("the form's token could not be read"))?;
                csrf = Some(text);
            }
            Some("file") if file.is_none() => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let content_type = field.content_type().map(|m| m.essence_str().to_owned());
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| bad("the file could not be read"))?;
                file = Some((file_name, content_type, bytes.to_vec()));
            }
            _ => return Err(bad("the upload form has an unexpected or repeated field")),
        }
    }
    let (file_name, content_type, bytes) = file.ok_or_else(|| bad("choose a file to upload"))?;
    if file_name.is_empty() || bytes.is_empty() {
        return Err(bad("choose a file to upload"));
    }
    Ok(UploadForm {
        csrf: csrf.unwrap_or_default(),
        file_name,
        content_type,
        bytes,
    })
}
