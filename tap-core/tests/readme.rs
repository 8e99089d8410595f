//! The README's rule table is generated from rule metadata; this keeps it current.

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find("<!-- rules:start -->\n").expect("README has a rules:start marker") + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("README has a rules:end marker");
    assert_eq!(
        &readme[start..end],
        tap_core::policy::rules_markdown(),
        "the README's rule table is out of date: replace it with the output of tap_core::policy::rules_markdown()"
    );
}
