//! The `devshop` binary: one stdout line with the address, serves, exits cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;

#[tokio::test]
async fn binary_prints_its_address_serves_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_devshop"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--quiet",
            "--public-token",
            "demo=cli-public-token",
            "--private-token=outlet=cli-outlet-private",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("devshop listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(!url.ends_with(":0"));

    let client = crate::common::client(None);
    let graphql = format!("{url}/api/2025-07/graphql.json");
    let query = json!({ "query": "{ products(first: 1) { nodes { featuredImage { url } } } }" });
    let v: serde_json::Value = client
        .post(&graphql)
        .header(crate::common::PUBLIC, "cli-public-token")
        .json(&query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let image = v["data"]["products"]["nodes"][0]["featuredImage"]["url"]
        .as_str()
        .unwrap();
    assert!(
        image.starts_with(&format!("{url}/images/")),
        "base URL uses the real port: {image}"
    );
    // The overridden default token no longer works.
    let old = client
        .post(&graphql)
        .header(crate::common::PUBLIC, devshop::DEMO_PUBLIC_TOKEN)
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), reqwest::StatusCode::UNAUTHORIZED);

    let outlet = client
        .post(&graphql)
        .header(crate::common::PRIVATE, "cli-outlet-private")
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(outlet.status(), reqwest::StatusCode::OK);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
}

#[test]
fn binary_rejects_unknown_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_devshop"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage"));
}
