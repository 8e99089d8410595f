//! Which arguments and attributes hold secrets: Terraform's `sensitive`
//! and `write_only` flags.
//!
//! Phase: resolve (data). A user's `terraform providers schema -json` file
//! carries the flags itself; the embedded schemas come from bindings that
//! drop them, so tap ships them separately (`providers/sensitive/<name>.json`,
//! made by `tools/tap-sensitive.py` from each provider's Go source, with
//! its origin), and the macros [`mark`](Block::mark) each embedded block
//! when they parse it. [`is_sensitive`] is the one place that answers
//! "does this attribute hold a secret?"; the rule against secret literals
//! and the redaction of values in messages both ask it. Nothing here
//! checks a body.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

use super::{Attribute, Block};
use crate::path::{AttrPath, Step};
use crate::reference::Mode;

/// The data tap ships, by provider local name.
const EMBEDDED: &[(&str, &str)] = &[
    ("archive", include_str!("../../providers/sensitive/archive.json")),
    ("aws", include_str!("../../providers/sensitive/aws.json")),
    ("null", include_str!("../../providers/sensitive/null.json")),
    ("random", include_str!("../../providers/sensitive/random.json")),
    ("time", include_str!("../../providers/sensitive/time.json")),
    ("tls", include_str!("../../providers/sensitive/tls.json")),
];

/// The flagged attribute paths of one block (a type, or a provider's
/// configuration), dotted through nested blocks and nested attributes:
/// `user.password`.
#[derive(Debug, Default, Deserialize)]
pub struct Marks {
    /// Paths Terraform redacts in plan output and the provider treats as secret.
    #[serde(default)]
    pub sensitive: Vec<String>,
    /// Paths that are never stored in the state (Terraform 1.11+).
    #[serde(default)]
    pub write_only: Vec<String>,
}

/// One provider's file in `providers/sensitive/`.
#[derive(Debug, Deserialize)]
pub struct ProviderMarks {
    /// Where the data comes from: repository, ref, commit, date, licence,
    /// the command that regenerates it, and `status` (`extracted`, or
    /// `unreachable` when the source could not be read).
    pub origin: BTreeMap<String, String>,
    /// `registry.terraform.io/hashicorp/tls`.
    pub provider: String,
    /// The provider version the data was checked against.
    pub version: String,
    /// The provider configuration's own flags.
    #[serde(default)]
    pub provider_config: Marks,
    /// Resource types by name.
    #[serde(default)]
    pub resources: HashMap<String, Marks>,
    /// Data sources by name.
    #[serde(default)]
    pub data_sources: HashMap<String, Marks>,
}

static PARSED: LazyLock<HashMap<&'static str, ProviderMarks>> = LazyLock::new(|| {
    EMBEDDED
        .iter()
        .map(|(name, text)| (*name, serde_json::from_str(text).unwrap_or_else(|e| panic!("BUG: embedded sensitivity data `{name}.json`: {e}"))))
        .collect()
});

/// The shipped data of an embedded provider, by local name.
pub fn embedded(local_name: &str) -> Option<&'static ProviderMarks> {
    PARSED.get(local_name)
}

/// The shipped flags of one embedded type (`None`: nothing flagged, or not an embedded provider).
pub fn embedded_marks(local_name: &str, mode: Mode, type_name: &str) -> Option<&'static Marks> {
    let p = embedded(local_name)?;
    match mode {
        Mode::Managed => p.resources.get(type_name),
        Mode::Data => p.data_sources.get(type_name),
    }
}

impl Attribute {
    /// Does it hold a secret? Sensitive, or write-only (a write-only
    /// argument exists to take a secret without storing it).
    pub fn is_sensitive(&self) -> bool {
        self.sensitive || self.write_only
    }
}

impl Block {
    /// Sets the flags `marks` names. A path the block does not have is
    /// skipped: the data was checked against the schema it belongs to.
    pub fn mark(&mut self, marks: &Marks) {
        for (paths, write_only) in [(&marks.sensitive, false), (&marks.write_only, true)] {
            for path in paths {
                if let Some(a) = self.attribute_mut(path) {
                    if write_only {
                        a.write_only = true;
                    } else {
                        a.sensitive = true;
                    }
                }
            }
        }
    }

    fn attribute_mut(&mut self, dotted: &str) -> Option<&mut Attribute> {
        let mut names = dotted.split('.');
        let mut attrs = {
            let mut block = self;
            loop {
                let name = names.next()?;
                if block.attributes.contains_key(name) {
                    break block.attributes.get_mut(name)?;
                }
                block = &mut block.block_types.get_mut(name)?.block;
            }
        };
        for name in names {
            attrs = attrs.nested_type.as_mut()?.attributes.get_mut(name)?;
        }
        Some(attrs)
    }

    /// The attribute a body path names (`user[0].password`: indexes and
    /// keys of blocks and lists are skipped), through nested blocks and
    /// nested attribute types.
    pub fn attribute_at(&self, path: &AttrPath) -> Option<&Attribute> {
        let mut block = self;
        let mut steps = path.steps().iter().filter_map(|s| match s {
            Step::Attr(n) => Some(n.as_str()),
            _ => None,
        });
        let mut attr = loop {
            let name = steps.next()?;
            match block.attributes.get(name) {
                Some(a) => break a,
                None => block = &block.block_types.get(name)?.block,
            }
        };
        for name in steps {
            match attr.nested_type.as_ref() {
                Some(nested) => attr = nested.attributes.get(name)?,
                // A map or object attribute: its entries share its flags.
                None => return Some(attr),
            }
        }
        Some(attr)
    }
}

/// Adds the flags `marks` names to a block's JSON (`{"attributes": ...,
/// "block_types": ...}`): the schema facts the expansion embeds for an
/// embedded provider's type, so synthesis sees what the macros saw.
pub fn mark_json(block: &mut serde_json::Value, marks: &Marks) {
    for (paths, flag) in [(&marks.sensitive, "sensitive"), (&marks.write_only, "write_only")] {
        for path in paths {
            if let Some(serde_json::Value::Object(a)) = attribute_json(block, path) {
                a.insert(flag.to_owned(), serde_json::Value::Bool(true));
            }
        }
    }
}

fn attribute_json<'v>(block: &'v mut serde_json::Value, dotted: &str) -> Option<&'v mut serde_json::Value> {
    let mut names = dotted.split('.');
    let mut current = block;
    let mut attr = loop {
        let name = names.next()?;
        if current.get("attributes").and_then(|a| a.get(name)).is_some() {
            break current.get_mut("attributes")?.get_mut(name)?;
        }
        current = current.get_mut("block_types")?.get_mut(name)?.get_mut("block")?;
    };
    for name in names {
        attr = attr.get_mut("nested_type")?.get_mut("attributes")?.get_mut(name)?;
    }
    Some(attr)
}

/// Is the value at `path` of a `type_name` body sensitive? The one place
/// that decides. From the type's schema block when there is one (the
/// embedded data already applied to it, or the flags of a user's schema
/// file), else from the embedded data alone (a resource built without
/// schema facts). `mode` tells a resource from a data source of the same name.
pub fn is_sensitive(block: Option<&Block>, mode: Mode, type_name: &str, path: &AttrPath) -> bool {
    match block {
        Some(block) => block.attribute_at(path).is_some_and(Attribute::is_sensitive) || write_only_by_name(block, path),
        None => {
            let Some(marks) = embedded_marks(super::provider_of(type_name), mode, type_name) else { return false };
            let dotted = path.names_only();
            let listed = |paths: &[String]| paths.iter().any(|p| dotted == *p || dotted.starts_with(&format!("{p}.")));
            listed(&marks.sensitive) || listed(&marks.write_only)
        }
    }
}

/// Is the argument at `path` write-only (Terraform 1.11): the only kind
/// of resource argument an ephemeral value may go to?
pub fn is_write_only(block: &Block, path: &AttrPath) -> bool {
    block.attribute_at(path).is_some_and(|a| a.write_only) || write_only_by_name(block, path)
}

/// `password_wo` beside `password_wo_version`: the provider's convention
/// for a write-only argument and its trigger. The embedded aws data was
/// read from a source older than write-only arguments (see its origin), so
/// the convention, read off the 6.25.0 schema itself, marks them.
fn write_only_by_name(block: &Block, path: &AttrPath) -> bool {
    let (Some(last), Some(container)) = (path.last_name(), containing_block(block, path)) else { return false };
    last.ends_with("_wo") && container.attributes.contains_key(last) && container.attributes.contains_key(&format!("{last}_version"))
}

/// The block whose attribute `path` names (the type's own for a top-level
/// argument), through nested blocks; instance indexes are skipped.
pub fn containing_block<'b>(block: &'b Block, path: &AttrPath) -> Option<&'b Block> {
    let names: Vec<&str> = path.steps().iter().filter_map(|s| if let Step::Attr(n) = s { Some(n.as_str()) } else { None }).collect();
    let (_, parents) = names.split_last()?;
    let mut current = block;
    for name in parents {
        current = &current.block_types.get(*name)?.block;
    }
    Some(current)
}

/// The write-only counterpart of argument `name` in `block`, if the type
/// has one: `password_wo` for `password` (with its `password_wo_version`
/// trigger when the schema has it).
pub fn write_only_counterpart<'b>(block: &'b Block, name: &str) -> Option<(&'b str, Option<&'b str>)> {
    let (key, _) = block.attributes.get_key_value(&format!("{name}_wo"))?;
    let version = block.attributes.get_key_value(&format!("{name}_wo_version")).map(|(k, _)| k.as_str());
    Some((key.as_str(), version))
}

/// A managed-secret switch of the type (`manage_master_user_password`,
/// `manage_admin_password`): the service creates and rotates the secret,
/// so none is written anywhere.
pub fn managed_secret_argument(block: &Block) -> Option<&str> {
    block.attributes.iter().find(|(k, a)| k.starts_with("manage_") && k.ends_with("_password") && !a.is_read_only()).map(|(k, _)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        Block::from_json(
            r#"{"attributes":{"password":{"type":"string","optional":true},"password_wo":{"type":"string","optional":true},
                "password_wo_version":{"type":"number","optional":true},"manage_master_user_password":{"type":"bool","optional":true},
                "opts":{"nested_type":{"nesting_mode":"single","attributes":{"key":{"type":"string","optional":true}}},"optional":true}},
              "block_types":{"user":{"nesting_mode":"list","block":{"attributes":{"secret":{"type":"string","optional":true},"name":{"type":"string","optional":true}}}}}}"#,
        )
        .unwrap()
    }

    fn marks() -> Marks {
        Marks { sensitive: vec!["password".into(), "user.secret".into(), "opts.key".into(), "missing.path".into()], write_only: vec!["password_wo".into()] }
    }

    fn path(p: &str) -> AttrPath {
        AttrPath::parse(p).unwrap()
    }

    #[test]
    fn marks_reach_nested_blocks_and_nested_attributes() {
        let mut b = block();
        assert!(!is_sensitive(Some(&b), Mode::Managed, "demo_db", &path("password")), "unmarked: nothing is sensitive");
        b.mark(&marks());
        for p in ["password", "password_wo", "user[0].secret", "user.secret", "opts.key"] {
            assert!(is_sensitive(Some(&b), Mode::Managed, "demo_db", &path(p)), "{p}");
        }
        for p in ["user[0].name", "manage_master_user_password", "nowhere"] {
            assert!(!is_sensitive(Some(&b), Mode::Managed, "demo_db", &path(p)), "{p}");
        }
    }

    #[test]
    fn json_marks_agree_with_block_marks() {
        let text = r#"{"attributes":{"password":{"type":"string","optional":true}},"block_types":{"user":{"nesting_mode":"list","block":{"attributes":{"secret":{"type":"string","optional":true}}}}}}"#;
        let mut json: serde_json::Value = serde_json::from_str(text).unwrap();
        mark_json(&mut json, &marks());
        let b = Block::from_json(&json.to_string()).unwrap();
        assert!(b.attributes["password"].sensitive && b.block_types["user"].block.attributes["secret"].sensitive);
    }

    #[test]
    fn counterparts_and_managed_secrets_come_from_the_schema() {
        let b = block();
        assert_eq!(write_only_counterpart(&b, "password"), Some(("password_wo", Some("password_wo_version"))));
        assert_eq!(write_only_counterpart(&b, "opts"), None);
        assert_eq!(managed_secret_argument(&b), Some("manage_master_user_password"));
    }

    #[test]
    fn schema_messages_never_show_a_sensitive_value() {
        let mut b = Block::from_json(r#"{"attributes":{"pin":{"type":"number","optional":true},"count":{"type":"number","optional":true}}}"#).unwrap();
        b.mark(&Marks { sensitive: vec!["pin".into()], write_only: vec![] });
        let body = [("pin".to_owned(), crate::value::Value::from("982451")), ("count".to_owned(), crate::value::Value::from("3"))].into();
        let issues = super::super::check_body(&super::super::Descriptors::new(std::iter::empty()), "demo_lock", &b, &body);
        let text: Vec<String> = issues.iter().map(|i| format!("{} / {}", i.message, i.help.clone().unwrap_or_default())).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text.iter().all(|t| !t.contains("982451")) && text.iter().any(|t| t.contains("(sensitive value)")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("`3`")), "other values are still shown: {text:?}");
    }

    #[test]
    fn shipped_data_is_read_with_its_origin() {
        let tls = embedded("tls").unwrap();
        assert_eq!(tls.origin["licence"], "MPL-2.0");
        assert_eq!(tls.origin["repository"], "hashicorp/terraform-provider-tls");
        assert!(embedded_marks("tls", Mode::Managed, "tls_self_signed_cert").unwrap().sensitive.contains(&"private_key_pem".to_owned()));
        assert!(is_sensitive(None, Mode::Managed, "random_password", &path("result")));
        assert!(!is_sensitive(None, Mode::Managed, "random_password", &path("length")));
        assert!(!is_sensitive(None, Mode::Data, "random_password", &path("result")), "a data source is not the resource");
        for name in ["archive", "aws", "null", "random", "time", "tls"] {
            let p = embedded(name).unwrap();
            assert!(p.provider.ends_with(&format!("/{name}")), "{name}: {}", p.provider);
            assert!(["extracted", "unreachable"].contains(&p.origin["status"].as_str()));
        }
    }
}
