//! Compile-fail and compile-pass tests of the `#[stack]` DSL: every error
//! class and every security rule, with the exact messages users see, and
//! (`api/`) what the public API must not allow.
//! Regenerate with `TRYBUILD=overwrite cargo test -p tap-tests --test ui`
//! and review the diff. The toolchain is pinned in rust-toolchain.toml, so
//! rustc's own formatting of these messages is stable.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    for theme in ["syntax", "schema", "policy", "suppress", "component", "api"] {
        t.compile_fail(format!("ui/{theme}/*.rs"));
    }
}
