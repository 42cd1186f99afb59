//! One blocking JSON request with a bearer token (the admin API, for the bench and
//! `cargo xtask restore|backups`): its status and body, whatever the status.

use ureq::Agent;

/// `method url` with `body` as JSON and `Authorization: Bearer {token}`: (status, body).
/// POST without a body sends an empty one; any other method than POST or PUT is a GET.
pub fn send_json(
    http: &Agent,
    method: &str,
    url: &str,
    token: &str,
    body: Option<&str>,
) -> Result<(u16, String), String> {
    let auth = format!("Bearer {token}");
    let result = match method {
        "POST" => {
            let req = http
                .post(url)
                .header("authorization", &auth)
                .header("content-type", "application/json");
            match body {
                Some(b) => req.send(b),
                None => req.send_empty(),
            }
        }
        "PUT" => http
            .put(url)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .send(body.unwrap_or("")),
        _ => http.get(url).header("authorization", &auth).call(),
    };
    let mut resp = result.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{method} {url}: reading the answer: {e}"))?;
    Ok((status, text))
}
