//! Reading what wrangler prints: `secret list --format json`, the version id of
//! `versions upload`, and the serving version of `deployments status --json`. Pure.

use serde::Deserialize;

/// The secret names of `wrangler secret list --format json`
/// (`[{"name":"ADMIN_TOKEN","type":"secret_text"}, …]`).
pub fn secret_names(stdout: &str) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    struct Entry {
        name: String,
    }
    let json = json_part(stdout, '[')
        .ok_or_else(|| format!("no JSON list in `wrangler secret list` output: {stdout:?}"))?;
    let entries: Vec<Entry> = serde_json::from_str(json)
        .map_err(|e| format!("`wrangler secret list` output is not a list of secrets: {e}"))?;
    Ok(entries.into_iter().map(|e| e.name).collect())
}

/// The new version's id from `wrangler versions upload` (`Worker Version ID: <uuid>`).
pub fn uploaded_version(stdout: &str) -> Result<String, String> {
    stdout
        .lines()
        .find_map(|line| {
            let (_, rest) = line.split_once("Version ID:")?;
            let id = rest.trim();
            let ok = id.len() >= 8 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            ok.then(|| id.to_owned())
        })
        .ok_or_else(|| {
            format!("no \"Worker Version ID:\" in `wrangler versions upload` output: {stdout:?}")
        })
}

/// The version serving all traffic now, from `wrangler deployments status --json`
/// (`{"versions":[{"version_id":"…","percentage":100}], …}`); `None` when nothing is
/// deployed. A deployment split between versions (a rollout in progress or left half done)
/// is an error: finish or undo it first.
pub fn serving_version(stdout: &str) -> Result<Option<String>, String> {
    #[derive(Deserialize)]
    struct Version {
        version_id: String,
        percentage: f64,
    }
    #[derive(Deserialize)]
    struct Deployment {
        #[serde(default)]
        versions: Vec<Version>,
    }
    let Some(json) = json_part(stdout, '{') else {
        return if stdout.trim().is_empty() || stdout.contains("no deployments") {
            Ok(None)
        } else {
            Err(format!(
                "no JSON in `wrangler deployments status` output: {stdout:?}"
            ))
        };
    };
    let d: Deployment = serde_json::from_str(json)
        .map_err(|e| format!("`wrangler deployments status` output: {e}"))?;
    match d.versions.as_slice() {
        [] => Ok(None),
        [only] if only.percentage >= 100.0 => Ok(Some(only.version_id.clone())),
        split => Err(format!(
            "the deployment is split between versions ({}): finish or undo that rollout first \
             (`wrangler versions deploy <id>@100%`)",
            split
                .iter()
                .map(|v| format!("{}@{}%", v.version_id, v.percentage))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The JSON value in `text` starting at the first `open` (wrangler may print a banner
/// before it).
fn json_part(text: &str, open: char) -> Option<&str> {
    let start = text.find(open)?;
    Some(text[start..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_read_past_a_banner() {
        let out = "\n ⛅️ wrangler 4.50.0\n[{\"name\":\"ADMIN_TOKEN\",\"type\":\"secret_text\"},{\"name\":\"SHOPPER_COOKIE_SECRET\",\"type\":\"secret_text\"}]\n";
        assert_eq!(
            secret_names(out).unwrap(),
            ["ADMIN_TOKEN", "SHOPPER_COOKIE_SECRET"]
        );
        assert_eq!(secret_names("[]").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn hostile_secret_lists_are_errors() {
        for bad in [
            "",
            "Not logged in",
            "[{\"nom\":\"X\"}]",
            "[{\"name\":3}]",
            "[{\"name\":\"X\"}",
        ] {
            assert!(secret_names(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_uploaded_version_id_is_found() {
        let out = "Total Upload: 812.33 KiB / gzip: 301.02 KiB\nWorker Startup Time: 12 ms\nUploaded wandstore-staging (4.20 sec)\nWorker Version ID: 5b1a2f6e-33a4-4b1c-9d2e-0c9a7f1e2b3c\nVersion Preview URL: https://x.workers.dev\n";
        assert_eq!(
            uploaded_version(out).unwrap(),
            "5b1a2f6e-33a4-4b1c-9d2e-0c9a7f1e2b3c"
        );
        for bad in [
            "",
            "Worker Version ID:",
            "Worker Version ID: ; rm -rf /",
            "Worker Version ID: abc",
        ] {
            assert!(uploaded_version(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_serving_version_is_the_one_at_100_percent() {
        let out = r#"{"id":"d1","source":"api","strategy":"percentage","versions":[{"version_id":"v-old","percentage":100}]}"#;
        assert_eq!(serving_version(out).unwrap().as_deref(), Some("v-old"));
        assert_eq!(serving_version("").unwrap(), None);
        assert_eq!(serving_version(r#"{"versions":[]}"#).unwrap(), None);
    }

    #[test]
    fn a_split_or_garbled_deployment_is_an_error() {
        let split = r#"{"versions":[{"version_id":"a","percentage":10},{"version_id":"b","percentage":90}]}"#;
        let e = serving_version(split).unwrap_err();
        assert!(e.contains("a@10%") && e.contains("b@90%"), "{e}");
        assert!(serving_version(r#"{"versions":[{"version_id":"a","percentage":50}]}"#).is_err());
        assert!(serving_version("Authentication error [code: 10000]").is_err());
        assert!(serving_version("{\"versions\": 3}").is_err());
    }
}
