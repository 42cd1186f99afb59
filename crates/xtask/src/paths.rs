//! Where things are: the repository, the tool cache, the Node toolchain.

use std::path::PathBuf;

/// The repository root (the parent of crates/).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map(PathBuf::from).unwrap_or(here)
}

/// Where cargo-installed tools are cached between runs and clones:
/// `$WANDSTORE_TOOLS_DIR`, else `$XDG_CACHE_HOME/wandstore/tools`, else `~/.cache/wandstore/tools`.
pub fn tools_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("WANDSTORE_TOOLS_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    cache.join("wandstore").join("tools")
}

/// The Node 22 binary installed by the `node` npm package.
pub fn node() -> PathBuf {
    root().join("node_modules/node/bin/node")
}

/// wrangler's entry script, run with [`node`].
pub fn wrangler_js() -> PathBuf {
    root().join("node_modules/wrangler/bin/wrangler.js")
}

/// The built worker's module (what wrangler.toml's `main` points at).
pub fn worker_output() -> PathBuf {
    root().join("crates/worker/build/index.js")
}
