//! The environment variables the macros read, each through [`env_opt`].
//!
//! Phase: configuration. Stable cargo does not rebuild a crate when a
//! variable a proc macro reads changes; the files the variables lead to are
//! tracked by the expansion instead (`include_bytes!`, `include_str!`).

use std::path::PathBuf;

/// Where `#[stack(policy = "...")]` and `#[component(policy = "...")]`
/// paths are resolved, instead of the crate's directory: for a workspace
/// that keeps its policy files in one place (and for tap's own UI tests,
/// which trybuild builds outside the test crate).
pub const POLICY_DIR: &str = "TAP_POLICY_DIR";

/// A variable's value; unset and blank are the same.
pub fn env_opt(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The directory of the crate being compiled.
pub fn manifest_dir() -> Result<PathBuf, String> {
    env_opt("CARGO_MANIFEST_DIR").map(PathBuf::from).ok_or_else(|| "CARGO_MANIFEST_DIR is not set; build with cargo".to_owned())
}
