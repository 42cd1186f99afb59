//! Starting a throwaway local stack for tests.

use std::path::{Path, PathBuf};
use tempfile::TempDir;
use wandstore_stack::{Stack, StackOptions, default_devshop_bin};

/// The repository root (this crate lives in `tests/`).
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}

/// A local stack with its own state directory, removed when the stack is dropped.
pub struct TestStack {
    pub stack: Stack,
    state: TempDir,
}

impl TestStack {
    /// Starts a stack on free ports with an empty state directory.
    pub fn start() -> Result<Self, String> {
        Self::start_with(&[])
    }

    /// The same, with extra `[vars]` for the Worker (e.g. `CATALOG_FRESH_SECS`).
    pub fn start_with(vars: &[(&str, &str)]) -> Result<Self, String> {
        let state = tempfile::Builder::new()
            .prefix("wandstore-e2e-")
            .tempdir()
            .map_err(|e| format!("creating a state dir: {e}"))?;
        let stack = Self::start_in(state.path(), vars)?;
        Ok(TestStack { stack, state })
    }

    /// Starts a stack on an existing state directory (to test durability across restarts).
    /// A port is picked free and bound by wrangler a moment later, so a stack started in
    /// parallel can take it first: then this one starts again on new ports (three tries).
    pub fn start_in(state_dir: &Path, vars: &[(&str, &str)]) -> Result<Stack, String> {
        let root = repo_root();
        let devshop = std::env::var_os("WANDSTORE_DEVSHOP_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_devshop_bin(&root));
        let mut tries = 0;
        loop {
            tries += 1;
            let opts = StackOptions::for_tests(
                root.clone(),
                state_dir.to_path_buf(),
                devshop.clone(),
                vars,
            )?;
            match Stack::start(&opts) {
                Err(e) if tries < 3 && port_taken(&e) => {
                    eprintln!("another stack took port {}; starting again: {e}", opts.port);
                }
                started => return started,
            }
        }
    }

    pub fn url(&self) -> String {
        self.stack.url()
    }

    pub fn state_dir(&self) -> PathBuf {
        self.state.path().to_path_buf()
    }

    /// Stops the stack, keeping its state directory, and starts a new one on it.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stack.stop();
        self.stack = Self::start_in(&self.state_dir(), &[])?;
        Ok(())
    }
}

/// Whether a start-up error says another program holds the port chosen for the stack.
fn port_taken(error: &str) -> bool {
    [
        "is already in use",
        "Address already in use",
        "EADDRINUSE",
        "refused this stack's ADMIN_TOKEN",
        "while something else answered on port",
    ]
    .iter()
    .any(|sign| error.contains(sign))
}

#[cfg(test)]
mod tests {
    use super::port_taken;

    #[test]
    fn only_a_port_someone_else_holds_is_worth_another_start() {
        assert!(port_taken(
            "registering demo: http://127.0.0.1:40121 refused this stack's ADMIN_TOKEN (401 …)"
        ));
        assert!(port_taken(
            "127.0.0.1:8787 is already in use (another WandStore …)"
        ));
        assert!(port_taken(
            "wrangler dev exited during start-up: Error: listen EADDRINUSE"
        ));
        assert!(!port_taken(
            "node_modules/node/bin/node is missing: run `cargo xtask bootstrap`"
        ));
        assert!(!port_taken(
            "the stack did not answer /health/live within 60s"
        ));
    }
}
