//! NDJSON files built line by line with their SHA-256, and read back strictly.

use crate::keys::FileKind;
use crate::manifest::FileEntry;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A data file being built: append lines, then [`NdjsonWriter::finish`].
pub struct NdjsonWriter {
    kind: FileKind,
    bytes: Vec<u8>,
    hasher: Sha256,
    lines: u64,
}

/// A finished file: what to put in R2 and what the manifest says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub kind: FileKind,
    pub bytes: Vec<u8>,
    pub entry: FileEntry,
}

impl NdjsonWriter {
    pub fn new(kind: FileKind) -> NdjsonWriter {
        NdjsonWriter {
            kind,
            bytes: Vec::new(),
            hasher: Sha256::new(),
            lines: 0,
        }
    }

    /// Appends one value as one line.
    pub fn push<T: Serialize>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        let mut line = serde_json::to_vec(value)?;
        line.push(b'\n');
        self.hasher.update(&line);
        self.bytes.extend_from_slice(&line);
        self.lines += 1;
        Ok(())
    }

    /// Lines appended so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    pub fn finish(self) -> WrittenFile {
        let entry = FileEntry {
            name: self.kind.file_name(),
            lines: self.lines,
            bytes: self.bytes.len() as u64,
            sha256: hex::encode(self.hasher.finalize()),
        };
        WrittenFile {
            kind: self.kind,
            bytes: self.bytes,
            entry,
        }
    }
}

/// Lowercase hex of the SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Why a line could not be read: its 1-based number and the parser's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

/// Reads every line of `bytes` as a `T`. Every line, the last included, must end with `\n`;
/// empty lines and invalid UTF-8 are errors.
pub fn read_lines<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, LineError> {
    let mut out = Vec::new();
    if bytes.is_empty() {
        return Ok(out);
    }
    let Some(body) = bytes.strip_suffix(b"\n") else {
        return Err(LineError {
            line: bytes.split(|b| *b == b'\n').count() as u64,
            message: "the last line does not end with a newline (truncated file?)".into(),
        });
    };
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        let number = i as u64 + 1;
        if line.is_empty() {
            return Err(LineError {
                line: number,
                message: "empty line".into(),
            });
        }
        let value = serde_json::from_slice(line).map_err(|e| LineError {
            line: number,
            message: e.to_string(),
        })?;
        out.push(value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_built_line_by_line_with_its_checksum_and_size() {
        let mut w = NdjsonWriter::new(FileKind::Carts(2));
        w.push(&serde_json::json!({"a": 1})).expect("json");
        w.push(&"two").expect("json");
        assert_eq!(w.lines(), 2);
        let file = w.finish();
        assert_eq!(file.bytes, b"{\"a\":1}\n\"two\"\n");
        assert_eq!(file.entry.name, "carts-0002.ndjson");
        assert_eq!(file.entry.lines, 2);
        assert_eq!(file.entry.bytes, 14);
        assert_eq!(file.entry.sha256, sha256_hex(&file.bytes));
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let back: Vec<serde_json::Value> = read_lines(&file.bytes).expect("readable");
        assert_eq!(
            back,
            vec![serde_json::json!({"a": 1}), serde_json::json!("two")]
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = read_lines::<u32>(b"1\n2\nthree\n4\n").expect_err("line 3");
        assert_eq!(err.line, 3);
        let err = read_lines::<u32>(b"1\n\n2\n").expect_err("empty line");
        assert_eq!(err.line, 2);
        let err = read_lines::<u32>(b"1\n2").expect_err("truncated");
        assert_eq!(err.line, 2);
        let err = read_lines::<String>(b"\"a\"\n\"\xff\"\n").expect_err("not utf-8");
        assert_eq!(err.line, 2);
        assert_eq!(read_lines::<u32>(b""), Ok(vec![]));
    }
}
