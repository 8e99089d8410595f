//! Compile-fail and compile-pass tests of the `#[stack]` DSL: every error
//! class and every security rule, with the exact messages users see, and
//! (`api/`) what the public API must not allow.
//! Regenerate with `TRYBUILD=overwrite cargo test -p tap-tests --test ui`
//! and review the diff. The toolchain is pinned in rust-toolchain.toml, so
//! rustc's own formatting of these messages is stable.
//!
//! `org/` tests name their organisation policy file with `#[stack(policy =
//! "org/<test>.toml")]`. trybuild compiles them in a project of its own,
//! so the driver points `TAP_POLICY_DIR` (where such paths are resolved)
//! at this directory's `ui/`.

#[test]
fn ui() {
    // Edition 2021: `set_var` is safe; this test is the only one in its binary.
    std::env::set_var("TAP_POLICY_DIR", std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui"));
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    for theme in ["syntax", "schema", "policy", "suppress", "component", "handles", "org", "api", "values", "backend", "iteration", "lifecycle", "blocks"] {
        t.compile_fail(format!("ui/{theme}/*.rs"));
    }
}
