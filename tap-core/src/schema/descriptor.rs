//! Provider descriptors: whatever tap knows about a provider beyond its
//! schema, as data. One descriptor per provider says which values its
//! string and number arguments accept, what kind of identifier an
//! attribute holds or expects (so a KMS key's ARN is rejected where a VPC
//! id is wanted), its local name, source and version constraint, the rule
//! packs written for it, what its default tags mean and how the macros
//! label its types in messages.
//!
//! Phase: resolve (data). AWS's descriptor is embedded
//! (`providers/aws.json`, parsed once per process); a crate supplies one
//! for another provider with `descriptor = "..."` on a `[[schema]]` entry
//! of its `tap.toml`. [`provider_of`] is the one function from a type name
//! to its provider. Nothing here checks a body or renders Terraform.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

/// The descriptors tap ships, as `(file name, JSON)`.
const EMBEDDED: &[(&str, &str)] = &[("aws.json", include_str!("../../providers/aws.json"))];

static EMBEDDED_DESCRIPTORS: LazyLock<Vec<Descriptor>> = LazyLock::new(|| {
    EMBEDDED
        .iter()
        .map(|(name, text)| Descriptor::from_json(text).unwrap_or_else(|e| panic!("BUG: embedded descriptor `{name}`: {e}")))
        .collect()
});

/// The local name of the provider a resource or data source type belongs
/// to: the prefix before the first `_` (`aws` for `aws_vpc`), Terraform's
/// own rule for a type's implied provider. The one place tap computes it.
pub fn provider_of(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// Everything tap knows about one provider beyond its schema.
#[derive(Debug)]
pub struct Descriptor {
    /// Where the data comes from (a document, a date), for readers and messages.
    pub origin: String,
    /// `aws`: the provider's local name, the prefix of its type names.
    pub local_name: String,
    /// `hashicorp/aws`; empty when the descriptor does not say.
    pub source: String,
    /// The version constraint its data was written for (`~> 6.25`); may be empty.
    pub version: String,
    /// The rule packs written for this provider's types.
    pub packs: Vec<String>,
    /// What the provider's default tags mean, if it has any.
    pub default_tags: Option<DefaultTags>,
    label_prefix: String,
    accepted: Vec<Accepted>,
    /// Type name -> argument path -> position in `accepted`.
    accepted_index: HashMap<String, HashMap<String, usize>>,
    kinds: BTreeMap<String, KindText>,
    expects: Vec<KindRule>,
    holds: Vec<KindRule>,
}

/// What a provider's default tags mean: the configuration block
/// `block { attribute = {...} }` is merged by the provider into the
/// `merged_into` argument of every taggable resource (for AWS,
/// `default_tags { tags }` into `tags`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultTags {
    /// The configuration block: `default_tags`.
    pub block: String,
    /// The map inside it: `tags`.
    pub attribute: String,
    /// The resources' argument the provider merges it into: `tags`.
    pub merged_into: String,
}

/// The accepted values of one argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Accepted strings, and strings once accepted with the reason they no longer are.
    Strings {
        /// The accepted strings, in the order messages list them.
        values: Vec<String>,
        /// Strings no longer accepted.
        deprecated: Vec<String>,
        /// Why the `deprecated` strings are not accepted.
        deprecated_reason: String,
    },
    /// One of these integers.
    Ints(Vec<i64>),
    /// An integer in this inclusive range.
    IntRange(i64, i64),
}

/// What kind of identifier a reference-valued attribute is: `vpc_id`, an
/// IAM role's ARN. Two kinds are the same when their names are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefKind<'d> {
    /// The kind's name in its descriptor: `vpc_id`.
    pub name: &'d str,
    text: &'d KindText,
}

impl<'d> RefKind<'d> {
    /// For messages: `a VPC id`.
    pub fn describe(self) -> &'d str {
        &self.text.describe
    }

    /// What holds one, for the help: an `aws_vpc`'s `id`.
    pub fn example(self) -> &'d str {
        &self.text.example
    }
}

#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindText {
    describe: String,
    example: String,
}

/// Attributes of some types (of every type when `types` is empty) that
/// hold or expect one kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindRule {
    #[serde(default)]
    types: Vec<String>,
    attributes: Vec<String>,
    kind: String,
}

impl KindRule {
    fn matches(&self, type_name: &str, attr: &str) -> bool {
        (self.types.is_empty() || self.types.iter().any(|t| t == type_name)) && self.attributes.iter().any(|a| a == attr)
    }
}

/// The descriptor file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    origin: String,
    local_name: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    label_prefix: String,
    #[serde(default)]
    packs: Vec<String>,
    #[serde(default)]
    default_tags: Option<DefaultTags>,
    #[serde(default)]
    accepted: Vec<AcceptedEntry>,
    #[serde(default)]
    reference_kinds: BTreeMap<String, KindText>,
    #[serde(default)]
    expects: Vec<KindRule>,
    #[serde(default)]
    holds: Vec<KindRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptedEntry {
    types: Vec<String>,
    path: String,
    #[serde(default)]
    strings: Option<Vec<String>>,
    #[serde(default)]
    deprecated: Option<Deprecated>,
    #[serde(default)]
    ints: Option<Vec<i64>>,
    #[serde(default)]
    range: Option<(i64, i64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deprecated {
    reason: String,
    values: Vec<String>,
}

impl Descriptor {
    /// Parses a descriptor; the error names the field at fault
    /// (`accepted[3]`, `expects[0].kind`) or serde's line and column.
    pub fn from_json(text: &str) -> Result<Descriptor, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.local_name.is_empty() || file.local_name.contains('_') {
            return Err(format!("`local_name` is `{}`: give the provider's local name, the prefix of its type names (`aws`)", file.local_name));
        }
        let mut accepted = Vec::with_capacity(file.accepted.len());
        let mut accepted_index: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for (i, entry) in file.accepted.into_iter().enumerate() {
            let field = format!("accepted[{i}]");
            let values = match (entry.strings, entry.deprecated, entry.ints, entry.range) {
                (Some(values), deprecated, None, None) if !values.is_empty() => {
                    let (deprecated, deprecated_reason) = deprecated.map_or((Vec::new(), String::new()), |d| (d.values, d.reason));
                    Accepted::Strings { values, deprecated, deprecated_reason }
                }
                (None, None, Some(ints), None) if !ints.is_empty() => Accepted::Ints(ints),
                (None, None, None, Some((lo, hi))) if lo <= hi => Accepted::IntRange(lo, hi),
                _ => {
                    return Err(format!(
                        "`{field}` (`{}`) must give exactly one non-empty `strings` (optionally with `deprecated`), `ints` or `range` [low, high]",
                        entry.path
                    ))
                }
            };
            if entry.types.is_empty() {
                return Err(format!("`{field}` (`{}`) names no `types`", entry.path));
            }
            for t in entry.types {
                if provider_of(&t) != file.local_name {
                    return Err(format!("`{field}` names the type `{t}`, which is not a type of provider `{}`", file.local_name));
                }
                if accepted_index.entry(t.clone()).or_default().insert(entry.path.clone(), accepted.len()).is_some() {
                    return Err(format!("`{field}`: the accepted values of `{}` of `{t}` are given twice", entry.path));
                }
            }
            accepted.push(values);
        }
        for (list, rules) in [("expects", &file.expects), ("holds", &file.holds)] {
            for (i, rule) in rules.iter().enumerate() {
                if !file.reference_kinds.contains_key(&rule.kind) {
                    let known: Vec<&str> = file.reference_kinds.keys().map(String::as_str).collect();
                    return Err(format!("`{list}[{i}].kind` is `{}`, which `reference_kinds` does not define (defined: {})", rule.kind, known.join(", ")));
                }
                if rule.attributes.is_empty() {
                    return Err(format!("`{list}[{i}]` names no `attributes`"));
                }
            }
        }
        Ok(Descriptor {
            origin: file.origin,
            local_name: file.local_name,
            source: file.source,
            version: file.version,
            packs: file.packs,
            default_tags: file.default_tags,
            label_prefix: file.label_prefix,
            accepted,
            accepted_index,
            kinds: file.reference_kinds,
            expects: file.expects,
            holds: file.holds,
        })
    }

    /// The descriptor tap ships for a provider, by local name.
    pub fn embedded(local_name: &str) -> Option<&'static Descriptor> {
        EMBEDDED_DESCRIPTORS.iter().find(|d| d.local_name == local_name)
    }

    /// Every descriptor tap ships.
    pub fn all_embedded() -> &'static [Descriptor] {
        &EMBEDDED_DESCRIPTORS
    }

    /// The accepted values of `path` (names joined by dots, no indices) in `type_name`.
    pub fn accepted(&self, type_name: &str, path: &str) -> Option<&Accepted> {
        self.accepted_index.get(type_name)?.get(path).map(|&i| &self.accepted[i])
    }

    /// The kind of identifier that argument `attr` of `type_name` expects, if known.
    pub fn expected_kind(&self, type_name: &str, attr: &str) -> Option<RefKind<'_>> {
        self.kind_of(&self.expects, type_name, attr)
    }

    /// The kind of identifier that attribute `attr` of `type_name` holds, if known.
    pub fn held_kind(&self, type_name: &str, attr: &str) -> Option<RefKind<'_>> {
        self.kind_of(&self.holds, type_name, attr)
    }

    /// The first rule that matches: a specific rule listed before a general one wins.
    fn kind_of<'d>(&'d self, rules: &'d [KindRule], type_name: &str, attr: &str) -> Option<RefKind<'d>> {
        let rule = rules.iter().find(|r| r.matches(type_name, attr))?;
        let (name, text) = self.kinds.get_key_value(&rule.kind).expect("BUG: parsing checked that every rule's kind is defined");
        Some(RefKind { name, text })
    }

    /// How messages name a type of this provider: `lambda function` for
    /// `aws_lambda_function` (the label prefix removed, `_` as spaces).
    pub fn kind_label(&self, type_name: &str) -> String {
        type_name.strip_prefix(self.label_prefix.as_str()).unwrap_or(type_name).replace('_', " ")
    }
}

/// The descriptors a check consults: those given (a crate's own, from
/// `tap.toml`, or those a stack's provider facts carry), then the embedded ones.
#[derive(Clone, Debug, Default)]
pub struct Descriptors<'a> {
    given: Vec<&'a Descriptor>,
}

impl<'a> Descriptors<'a> {
    /// The embedded descriptors, and `given` before them.
    pub fn new(given: impl IntoIterator<Item = &'a Descriptor>) -> Self {
        Descriptors { given: given.into_iter().collect() }
    }

    /// The descriptor of a provider, by local name.
    pub fn get(&self, local_name: &str) -> Option<&'a Descriptor> {
        self.given.iter().copied().find(|d| d.local_name == local_name).or_else(|| Descriptor::embedded(local_name))
    }

    /// The descriptor of the provider a type belongs to.
    pub fn for_type(&self, type_name: &str) -> Option<&'a Descriptor> {
        self.get(provider_of(type_name))
    }

    /// How messages name a type: its descriptor's label, or the type name
    /// with spaces for a provider without a descriptor.
    pub fn kind_label(&self, type_name: &str) -> String {
        match self.for_type(type_name) {
            Some(d) => d.kind_label(type_name),
            None => type_name.replace('_', " "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws() -> &'static Descriptor {
        Descriptor::embedded("aws").unwrap()
    }

    #[test]
    fn the_provider_of_a_type_is_its_prefix() {
        assert_eq!(provider_of("aws_lambda_function"), "aws");
        assert_eq!(provider_of("random_password"), "random");
        assert_eq!(provider_of("null"), "null");
    }

    #[test]
    fn the_embedded_aws_descriptor() {
        let d = aws();
        assert_eq!((d.source.as_str(), d.version.as_str()), ("hashicorp/aws", "~> 6.25"));
        assert!(d.origin.contains("AWS API references"));
        assert_eq!(d.default_tags, Some(DefaultTags { block: "default_tags".into(), attribute: "tags".into(), merged_into: "tags".into() }));
        assert_eq!(d.kind_label("aws_lambda_function"), "lambda function");
        assert_eq!(Descriptors::default().kind_label("random_password"), "random password");
        match d.accepted("aws_lambda_function", "runtime") {
            Some(Accepted::Strings { values, deprecated, .. }) => {
                assert!(values.iter().any(|v| v == "python3.13") && deprecated.iter().any(|v| v == "go1.x"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(d.accepted("aws_kms_key", "deletion_window_in_days"), Some(&Accepted::IntRange(7, 30)));
        assert_eq!(d.accepted("aws_api_gateway_integration", "integration_http_method"), d.accepted("aws_api_gateway_method", "http_method"));
        assert!(d.accepted("aws_vpc", "cidr_block").is_none());
        assert_eq!(d.expected_kind("aws_lambda_function", "role").map(|k| k.name), Some("iam_role_arn"));
        assert_eq!(d.expected_kind("aws_instance", "subnet_id").map(|k| k.describe()), Some("a subnet id"));
        assert_eq!(d.held_kind("aws_kms_key", "arn").map(|k| k.example()), Some("an `aws_kms_key`'s `arn`"));
        assert!(d.held_kind("aws_kms_key", "key_id").is_none());
    }

    #[test]
    fn a_bad_descriptor_names_the_field() {
        let base = |extra: &str| format!(r#"{{"origin": "test", "local_name": "pet"{extra}}}"#);
        let err = |extra: &str| Descriptor::from_json(&base(extra)).unwrap_err();
        assert!(err(r#", "accepted": [{"types": ["pet_dog"], "path": "size", "strings": ["S"], "ints": [1]}]"#).starts_with("`accepted[0]` (`size`) must give exactly one"));
        assert!(err(r#", "accepted": [{"types": ["aws_vpc"], "path": "x", "strings": ["S"]}]"#).contains("`accepted[0]` names the type `aws_vpc`, which is not a type of provider `pet`"));
        assert!(err(r#", "expects": [{"attributes": ["owner_id"], "kind": "owner"}]"#).starts_with("`expects[0].kind` is `owner`, which `reference_kinds` does not define"));
        assert!(err(r#", "colour": "brown""#).contains("unknown field `colour`"));
        assert!(Descriptor::from_json(r#"{"origin": "test", "local_name": "pet_shop"}"#).unwrap_err().starts_with("`local_name` is `pet_shop`"));
        assert!(Descriptor::from_json(&base("")).is_ok());
    }

    #[test]
    fn given_descriptors_come_before_the_embedded_ones() {
        let pet = Descriptor::from_json(r#"{"origin": "test", "local_name": "pet", "label_prefix": "pet_"}"#).unwrap();
        let all = Descriptors::new([&pet]);
        assert_eq!(all.kind_label("pet_dog"), "dog");
        assert!(std::ptr::eq(all.for_type("aws_vpc").unwrap(), aws()));
        assert!(Descriptors::default().for_type("pet_dog").is_none());
    }
}
