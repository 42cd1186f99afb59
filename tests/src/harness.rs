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
    pub fn start_in(state_dir: &Path, vars: &[(&str, &str)]) -> Result<Stack, String> {
        let root = repo_root();
        let devshop = std::env::var_os("WANDSTORE_DEVSHOP_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_devshop_bin(&root));
        let opts = StackOptions::for_tests(root, state_dir.to_path_buf(), devshop, vars)?;
        Stack::start(&opts)
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
