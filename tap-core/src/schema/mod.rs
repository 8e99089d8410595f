//! Provider schema in Terraform's own `terraform providers schema -json`
//! format, the providers' [descriptors](descriptor) (what tap knows of a
//! provider beyond its schema), and the checks of a resource body against both.
//!
//! Phase: resolve. Everything here is data plus pure checks, shared by the
//! compile-time checker in `tap-macros` (which maps each [`SchemaIssue`]'s
//! path back to a span) and by validation at synthesis (which reports it
//! with the resource address). Nothing here renders Terraform.

pub mod backends;
mod check;
mod constraint;
pub mod descriptor;
pub mod functions;
pub mod iteration;
pub mod provisioners;
pub mod sensitive;
mod suggest;

use std::collections::BTreeMap;

use serde::Deserialize;

pub use check::{check_body, check_ignore_changes_path, check_reference_path, Expected, IssueKind, IssueTarget, ReferencePathError, SchemaIssue, REDACTED};
pub use constraint::{ObjectField, TypeConstraint};
pub use descriptor::{provider_of, Descriptor, Descriptors};
pub use sensitive::is_sensitive;
pub use suggest::suggest;

/// A block: its attributes and nested block types.
#[derive(Debug, Default, Deserialize)]
pub struct Block {
    /// Arguments and attributes by name: what a body may set with
    /// `name: value`, and what a reference may read.
    #[serde(default)]
    pub attributes: BTreeMap<String, Attribute>,
    /// Nested block types by name: what a body writes as `name { ... }`.
    #[serde(default)]
    pub block_types: BTreeMap<String, NestedBlock>,
    /// The provider marks the whole block deprecated. Read from the schema;
    /// no check acts on it yet.
    #[serde(default)]
    pub deprecated: bool,
}

/// An attribute: either a cty type or a nested attribute type.
#[derive(Debug, Deserialize)]
pub struct Attribute {
    /// The schema's `type`: the cty type a value must fit. `None` when the
    /// attribute has a `nested_type` instead.
    #[serde(rename = "type", default)]
    pub ty: Option<CtyType>,
    /// The schema's `nested_type`: object attributes with their own nesting
    /// mode, checked field by field. `None` for a plain `type`.
    #[serde(default)]
    pub nested_type: Option<NestedAttributes>,
    /// The body must set it (and not to `null`), or the check reports a
    /// missing required argument.
    #[serde(default)]
    pub required: bool,
    /// The body may set it; with `computed`, the provider fills it in when
    /// the body does not.
    #[serde(default)]
    pub optional: bool,
    /// The provider sets the value. Alone (neither `optional` nor
    /// `required`) it makes the attribute read-only: see
    /// [`is_read_only`](Attribute::is_read_only).
    #[serde(default)]
    pub computed: bool,
    /// Terraform redacts the value in plan output. From the schema file, or
    /// for an embedded provider from tap's own data ([`sensitive`]); ask
    /// [`Attribute::is_sensitive`] rather than reading it.
    #[serde(default)]
    pub sensitive: bool,
    /// Terraform 1.11's write-only argument: sent to the provider, never
    /// stored in the plan or the state. Sourced like `sensitive`.
    #[serde(default)]
    pub write_only: bool,
    /// The provider marks the attribute deprecated. Read from the schema;
    /// no check acts on it yet.
    #[serde(default)]
    pub deprecated: bool,
    /// Contents typed `any` in the source of the data: not checked.
    #[serde(default)]
    pub x_cdktf_any: bool,
}

impl Attribute {
    /// Computed by the provider and not settable by the user.
    pub fn is_read_only(&self) -> bool {
        self.computed && !self.optional && !self.required
    }
}

/// A nested attribute type (`nested_type`): object attributes with a nesting mode.
#[derive(Debug, Deserialize)]
pub struct NestedAttributes {
    /// The fields of each object, by name, each checked like a top-level
    /// attribute.
    pub attributes: BTreeMap<String, Attribute>,
    /// `nesting_mode` of the attribute: one object (`single`), a list or set
    /// of objects, or a map of them keyed by string.
    pub nesting_mode: NestingMode,
    /// The schema's `min_items` (`0` when absent). Read from the schema; the
    /// check does not count nested attribute objects.
    #[serde(default)]
    pub min_items: u64,
    /// The schema's `max_items` (`0` when absent, meaning no limit). Read
    /// from the schema; the check does not count nested attribute objects.
    #[serde(default)]
    pub max_items: u64,
}

/// A nested block type (`block_types` entry).
#[derive(Debug, Deserialize)]
pub struct NestedBlock {
    /// `nesting_mode` of the nested block: how many instances Terraform
    /// accepts and how they are keyed.
    pub nesting_mode: NestingMode,
    /// The schema of each instance's body.
    pub block: Block,
    /// The schema's `min_items` (`0` when absent): fewer `list` or `set`
    /// instances is an item-count issue, and any positive value makes the
    /// block required.
    #[serde(default)]
    pub min_items: u64,
    /// The schema's `max_items` (`0` when absent, meaning no limit): more
    /// `list` or `set` instances is an item-count issue.
    #[serde(default)]
    pub max_items: u64,
    /// Set on `single` blocks that the provider requires.
    #[serde(default)]
    pub x_required: bool,
}

impl NestedBlock {
    /// Must the user write at least one instance?
    pub fn is_required(&self) -> bool {
        self.min_items > 0 || self.x_required
    }

    /// Does the block hold a list of instances (rendered as a JSON array)?
    pub fn is_multi(&self) -> bool {
        matches!(self.nesting_mode, NestingMode::List | NestingMode::Set)
    }
}

/// Terraform's `nesting_mode` of a nested block or nested attribute type:
/// how many instances a body may write and how they are keyed, which
/// decides the value kind the check expects and how the JSON is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NestingMode {
    /// At most one instance: a block written once, or one object.
    Single,
    /// Exactly one instance that always exists: like `single`, but
    /// Terraform fills in an absent one with its defaults.
    Group,
    /// An ordered list of instances, rendered as a JSON array; `min_items`
    /// and `max_items` bound how many.
    List,
    /// An unordered set of instances, written and rendered like a `list`.
    Set,
    /// Instances keyed by string, written as a map: `name: { key: { ... } }`.
    Map,
}

/// A cty type as Terraform writes it in JSON: `"string"`, `["list","string"]`,
/// `["object",{...}]`.
#[derive(Clone, Debug, PartialEq)]
pub enum CtyType {
    /// `"string"`.
    String,
    /// `"number"`: integers and floats alike.
    Number,
    /// `"bool"`.
    Bool,
    /// `"dynamic"` (`any` to Terraform users): any value, not checked.
    Dynamic,
    /// `["list", T]`: an ordered list of `T`, indexable by a reference.
    List(Box<CtyType>),
    /// `["set", T]`: an unordered set of `T`; a reference cannot index it.
    Set(Box<CtyType>),
    /// `["map", T]`: string keys to `T`.
    Map(Box<CtyType>),
    /// `["object", {...}]`: fixed fields, each of its own type.
    Object(BTreeMap<String, CtyType>),
    /// `["tuple", [...]]`: a fixed-length list whose elements have their
    /// own types.
    Tuple(Vec<CtyType>),
}

impl CtyType {
    /// How Terraform users write the type: `list(string)`.
    pub fn describe(&self) -> String {
        match self {
            CtyType::String => "string".into(),
            CtyType::Number => "number".into(),
            CtyType::Bool => "bool".into(),
            CtyType::Dynamic => "any".into(),
            CtyType::List(t) => format!("list({})", t.describe()),
            CtyType::Set(t) => format!("set({})", t.describe()),
            CtyType::Map(t) => format!("map({})", t.describe()),
            CtyType::Object(_) => "object".into(),
            CtyType::Tuple(_) => "tuple".into(),
        }
    }
}

impl<'de> Deserialize<'de> for CtyType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(d)?;
        CtyType::from_json(&json).map_err(serde::de::Error::custom)
    }
}

impl CtyType {
    /// Parses a cty type from its JSON form (`"string"`,
    /// `["map","string"]`, `["object",{...}]`). Errs with a one-line message
    /// on an unknown primitive or type constructor, or a malformed one.
    pub fn from_json(json: &serde_json::Value) -> Result<CtyType, String> {
        use serde_json::Value as J;
        match json {
            J::String(s) => match s.as_str() {
                "string" => Ok(CtyType::String),
                "number" => Ok(CtyType::Number),
                "bool" => Ok(CtyType::Bool),
                "dynamic" => Ok(CtyType::Dynamic),
                other => Err(format!("unknown primitive type `{other}`")),
            },
            J::Array(parts) if parts.len() == 2 => {
                let kind = parts[0].as_str().unwrap_or_default();
                match kind {
                    "list" => Ok(CtyType::List(Box::new(CtyType::from_json(&parts[1])?))),
                    "set" => Ok(CtyType::Set(Box::new(CtyType::from_json(&parts[1])?))),
                    "map" => Ok(CtyType::Map(Box::new(CtyType::from_json(&parts[1])?))),
                    "object" => {
                        let fields = parts[1].as_object().ok_or("object type without fields")?;
                        let mut out = BTreeMap::new();
                        for (k, v) in fields {
                            out.insert(k.clone(), CtyType::from_json(v)?);
                        }
                        Ok(CtyType::Object(out))
                    }
                    "tuple" => {
                        let items = parts[1].as_array().ok_or("tuple type without items")?;
                        Ok(CtyType::Tuple(items.iter().map(CtyType::from_json).collect::<Result<_, _>>()?))
                    }
                    other => Err(format!("unknown type constructor `{other}`")),
                }
            }
            other => Err(format!("not a cty type: {other}")),
        }
    }
}

impl Block {
    /// Parses a single block from JSON (`{"attributes": ..., "block_types": ...}`).
    pub fn from_json(text: &str) -> Result<Block, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid block schema JSON: {e}"))
    }

    /// All names a user may write in this block, for suggestions.
    pub fn settable_names(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .filter(|(_, a)| !a.is_read_only())
            .map(|(k, _)| k.as_str())
            .chain(self.block_types.keys().map(String::as_str))
    }


    /// The type of the attribute at a body path (`tags`, `vpc_config.subnet_ids`),
    /// nested blocks followed and their instance indexes skipped; `None`
    /// for a block, a nested attribute type or an unknown name.
    pub fn attribute_type(&self, path: &crate::path::AttrPath) -> Option<&CtyType> {
        use crate::path::Step;
        let mut block = self;
        let mut steps = path.steps().iter();
        while let Some(step) = steps.next() {
            let (Step::Attr(name) | Step::Key(name)) = step else { continue };
            if let Some(attr) = block.attributes.get(name) {
                // Inside the attribute's own type: what the rest of the path reaches.
                return steps.as_slice().is_empty().then_some(attr.ty.as_ref()).flatten();
            }
            block = &block.block_types.get(name)?.block;
        }
        None
    }

    /// All names a reference may read (settable or computed).
    pub fn readable_names(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().map(String::as_str).chain(self.block_types.keys().map(String::as_str))
    }
}
