use super::*;

const TYPE: &str = "multipart/form-data; boundary=XyZ";

/// A part: its name, file name, content type and bytes.
type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A multipart body of `parts` with boundary `XyZ`.
fn body(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, file_name, content_type, bytes) in parts {
        out.extend_from_slice(b"--XyZ\r\n");
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = file_name {
            disposition.push_str(&format!("; filename=\"{f}\""));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = content_type {
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"--XyZ--\r\n");
    out
}

#[test]
fn the_token_and_the_file_are_read_in_any_order() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n-bytes";
    let token = ("csrf", None, None, b"the-token".as_slice());
    let file = ("file", Some("logo.png"), Some("image/png; charset=x"), png);
    for parts in [[token, file], [file, token]] {
        let form = split(TYPE, body(&parts)).unwrap();
        assert_eq!(
            form,
            UploadForm {
                csrf: "the-token".into(),
                file_name: "logo.png".into(),
                content_type: Some("image/png".into()),
                bytes: png.to_vec(),
            }
        );
    }
}

#[test]
fn a_body_that_is_not_the_upload_form_is_a_400() {
    let file = ("file", Some("a.png"), None, b"x".as_slice());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("multipart/form-data", body(&[file]), "no boundary"),
        ("text/plain", body(&[file]), "no boundary"),
        (TYPE, b"garbage".to_vec(), "could not be read"),
        (TYPE, Vec::new(), "could not be read"),
        (
            TYPE,
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"".to_vec(),
            "",
        ),
        (TYPE, body(&[("extra", None, None, b"1")]), ""),
        (TYPE, body(&[file, file]), ""),
        (TYPE, body(&[("csrf", None, None, b"t")]), "choose a file"),
        (
            TYPE,
            body(&[("file", Some(""), None, b"x")]),
            "choose a file",
        ),
        (
            TYPE,
            body(&[("file", Some("a.png"), None, b"")]),
            "choose a file",
        ),
    ];
    for (content_type, bytes, says) in cases {
        let e = split(content_type, bytes.clone()).unwrap_err();
        assert_eq!(
            (e.status, e.code),
            (400, "bad_upload"),
            "{content_type} {bytes:?}"
        );
        assert!(e.message.contains(says), "{}: {says}", e.message);
    }
}

#[test]
fn a_token_that_is_not_utf8_is_read_lossily_or_refused_never_a_panic() {
    let parts = [
        ("csrf", None, None, b"\xff\xfe".as_slice()),
        ("file", Some("a.png"), None, b"x".as_slice()),
    ];
    // Either way the CSRF check that follows refuses it.
    if let Ok(form) = split(TYPE, body(&parts)) {
        assert_ne!(form.csrf, "the-token");
    }
}
