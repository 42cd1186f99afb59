//! Splitting the console's upload body (`multipart/form-data`: the CSRF token and one file)
//! into its parts with `multer`, the maintained multipart parser (pure Rust, works on
//! wasm32). The body was already read within the asset limit and its type checked; here it
//! is only split, and [`UploadParts`] accepts or refuses what it holds. The body is in memory,
//! so the parser never waits: it is polled once, never run on an executor.

use bytes::Bytes;
use futures::FutureExt;
use wandstore_core::console::actions::{
    ConsoleRefusal, UPLOAD_FIELDS, UploadForm, UploadPart, UploadParts,
};

/// The upload form in a body of type `content_type`; 400 for a body that is not it.
pub fn split(content_type: &str, body: Vec<u8>) -> Result<UploadForm, ConsoleRefusal> {
    let waited = || UploadParts::unreadable("the upload form could not be read");
    read(content_type, body).now_or_never().ok_or_else(waited)?
}

async fn read(content_type: &str, body: Vec<u8>) -> Result<UploadForm, ConsoleRefusal> {
    let unreadable = UploadParts::unreadable;
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| unreadable("the upload form has no boundary"))?;
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(body)) });
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
                let text = field.text().await;
                parts.csrf(text.map_err(|_| unreadable("the form's token could not be read"))?);
            }
            UploadPart::File => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let content_type = field.content_type().map(|m| m.essence_str().to_owned());
                let bytes = field.bytes().await;
                let bytes = bytes.map_err(|_| unreadable("the file could not be read"))?;
                parts.file(file_name, content_type, bytes.to_vec());
            }
        }
    }
    parts.finish()
}

#[cfg(test)]
#[path = "upload_form_tests.rs"]
mod tests;
