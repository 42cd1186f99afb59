//! Whether a command left the git work tree as it found it: the README's commands must
//! never change a tracked file (package-lock.json was the usual suspect) or leave a new file
//! that git does not ignore.

use crate::{paths, step};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The state of every changed, deleted or untracked (not ignored) file: path → status and
/// content hash. `None` outside a git work tree (a source archive), where there is nothing
/// to compare.
pub struct Snapshot(Option<BTreeMap<String, String>>);

/// The work tree's state now.
pub fn snapshot() -> Result<Snapshot, String> {
    let root = paths::root();
    let inside = Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(&root)
        .stderr(Stdio::null())
        .output();
    if !matches!(inside, Ok(out) if out.status.success()) {
        return Ok(Snapshot(None));
    }
    let status = step::output(
        Command::new("git")
            .args(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
            .current_dir(&root),
    )?;
    let entries = parse_porcelain(&status);
    let present: Vec<&str> = entries
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|p| root.join(p).is_file())
        .collect();
    let hashes = hash_files(&root, &present)?;
    let mut state = BTreeMap::new();
    for (path, code) in entries {
        let hash = hashes
            .get(&path)
            .cloned()
            .unwrap_or_else(|| "absent".into());
        state.insert(path, format!("{code} {hash}"));
    }
    Ok(Snapshot(Some(state)))
}

impl Snapshot {
    /// The files whose state differs between `self` (earlier) and `now`, as `git status`
    /// would show them now (`M package-lock.json`, `?? debug.txt`). Empty when either is
    /// outside git.
    pub fn changed(&self, now: &Snapshot) -> Vec<String> {
        let (Some(before), Some(after)) = (&self.0, &now.0) else {
            return Vec::new();
        };
        let mut changed = Vec::new();
        for (path, state) in after {
            if before.get(path) != Some(state) {
                let code = state.split(' ').next().unwrap_or("");
                changed.push(format!("{code} {path}"));
            }
        }
        for path in before.keys() {
            if !after.contains_key(path) {
                changed.push(format!("reverted or removed: {path}"));
            }
        }
        changed
    }

    pub fn is_git(&self) -> bool {
        self.0.is_some()
    }
}

/// `(path, two-letter status)` pairs of `git status --porcelain=v1 -z`. A rename's entry
/// carries the new path; the old path that follows it is skipped.
fn parse_porcelain(out: &str) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    let mut fields = out.split('\0').filter(|f| !f.is_empty());
    while let Some(field) = fields.next() {
        let (Some(code), Some(path)) = (field.get(..2), field.get(3..)) else {
            continue;
        };
        if code.starts_with('R') || code.starts_with('C') {
            fields.next();
        }
        entries.push((path.to_owned(), code.replace(' ', ".")));
    }
    entries
}

/// Git's object hash of each file's current content.
fn hash_files(root: &Path, paths: &[&str]) -> Result<BTreeMap<String, String>, String> {
    if paths.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut child = Command::new("git")
        .args(["hash-object", "--stdin-paths"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start git hash-object: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let list: String = paths.iter().map(|p| format!("{p}\n")).collect();
        stdin
            .write_all(list.as_bytes())
            .map_err(|e| format!("writing to git hash-object: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("waiting for git hash-object: {e}"))?;
    if !out.status.success() {
        return Err(format!("git hash-object failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(paths
        .iter()
        .map(|p| (*p).to_owned())
        .zip(text.lines().map(str::to_owned))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(entries: &[(&str, &str)]) -> Snapshot {
        Snapshot(Some(
            entries
                .iter()
                .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
                .collect(),
        ))
    }

    #[test]
    fn porcelain_entries_keep_the_new_path_of_a_rename() {
        let out = " M package-lock.json\0R  new.rs\0old.rs\0?? notes.txt\0";
        assert_eq!(
            parse_porcelain(out),
            vec![
                ("package-lock.json".to_owned(), ".M".to_owned()),
                ("new.rs".to_owned(), "R.".to_owned()),
                ("notes.txt".to_owned(), "??".to_owned()),
            ]
        );
    }

    #[test]
    fn only_what_changed_during_the_run_is_reported() {
        let before = snap(&[("README.md", ".M aaa"), ("gone.txt", "?? bbb")]);
        let after = snap(&[
            ("README.md", ".M aaa"),
            ("package-lock.json", ".M ccc"),
            ("notes.txt", "?? ddd"),
        ]);
        assert_eq!(
            before.changed(&after),
            vec![
                "?? notes.txt".to_owned(),
                ".M package-lock.json".to_owned(),
                "reverted or removed: gone.txt".to_owned(),
            ]
        );
    }

    #[test]
    fn a_file_edited_again_counts_even_if_it_was_already_modified() {
        let before = snap(&[("package-lock.json", ".M aaa")]);
        let after = snap(&[("package-lock.json", ".M bbb")]);
        assert_eq!(
            before.changed(&after),
            vec![".M package-lock.json".to_owned()]
        );
    }

    #[test]
    fn outside_git_nothing_is_compared() {
        let before = Snapshot(None);
        let after = snap(&[("x", "?? a")]);
        assert!(before.changed(&after).is_empty());
        assert!(!before.is_git());
    }

    #[test]
    fn a_snapshot_of_this_checkout_compares_equal_to_itself() {
        let a = snapshot().expect("git status");
        let b = snapshot().expect("git status");
        assert!(a.changed(&b).is_empty());
    }
}
