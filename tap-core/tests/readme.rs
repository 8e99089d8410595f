//! The README's rule table is generated from rule metadata, and its copy of
//! tap-stack's organisation policy is the file itself; these keep both current.

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

#[test]
fn readme_shows_the_organisation_policy_of_tap_stack() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let policy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tap-stack/org-policy.toml")).unwrap();
    let start = readme.find("<!-- org-policy:start -->\n```toml\n").expect("README has an org-policy:start marker") + "<!-- org-policy:start -->\n```toml\n".len();
    let end = readme.find("```\n<!-- org-policy:end -->").expect("README has an org-policy:end marker");
    assert_eq!(&readme[start..end], policy, "the README's copy of tap-stack/org-policy.toml is out of date");
    // And the file it shows parses.
    tap_core::policy::OrgPolicy::parse("org-policy.toml", &policy).unwrap();
}
