//! `.dev.vars`-style files: `NAME=value` lines, `#` comments.

use std::path::Path;

/// The `NAME=value` pairs of a vars file.
pub fn read_env_file(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect())
}

/// Writes `NAME=value` pairs (values must not contain newlines).
pub fn write_env_file(path: &Path, vars: &[(&str, &str)]) -> Result<(), String> {
    let mut text = String::from("# Generated for a local WandStore stack. Never commit.\n");
    for (k, v) in vars {
        text.push_str(&format!("{k}={v}\n"));
    }
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}
