//! Provider schema in Terraform's own `terraform providers schema -json`
//! format, the providers' [descriptors](descriptor) (what tap knows of a
//! provider beyond its schema), and the checks of a resource body against both.
//!
//! Phase: resolve. Everything here is data plus pure checks, shared by the
//! compile-time checker in `tap-macros` (which maps each [`SchemaIssue`]'s
//! path back to a span) and by validation at synthesis (which reports it
//! with the resource address). Nothing here renders Terraform.

mod check;
pub mod descriptor;
mod suggest;

use std::collections::BTreeMap;

use serde::Deserialize;

pub use check::{check_body, check_reference_path, Expected, IssueKind, IssueTarget, ReferencePathError, SchemaIssue};
pub use descriptor::{provider_of, Descriptor, Descriptors};
pub use suggest::suggest;

/// A block: its attributes and nested block types.
#[derive(Debug, Default, Deserialize)]
pub struct Block {
    #[serde(default)]
    pub attributes: BTreeMap<String, Attribute>,
    #[serde(default)]
    pub block_types: BTreeMap<String, NestedBlock>,
    #[serde(default)]
    pub deprecated: bool,
}

/// An attribute: either a cty type or a nested attribute type.
#[derive(Debug, Deserialize)]
pub struct Attribute {
    #[serde(rename = "type", default)]
    pub ty: Option<CtyType>,
    #[serde(default)]
    pub nested_type: Option<NestedAttributes>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub computed: bool,
    #[serde(default)]
    pub sensitive: bool,
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
    pub attributes: BTreeMap<String, Attribute>,
    pub nesting_mode: NestingMode,
    #[serde(default)]
    pub min_items: u64,
    #[serde(default)]
    pub max_items: u64,
}

/// A nested block type (`block_types` entry).
#[derive(Debug, Deserialize)]
pub struct NestedBlock {
    pub nesting_mode: NestingMode,
    pub block: Block,
    #[serde(default)]
    pub min_items: u64,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NestingMode {
    Single,
    Group,
    List,
    Set,
    Map,
}

/// A cty type as Terraform writes it in JSON: `"string"`, `["list","string"]`,
/// `["object",{...}]`.
#[derive(Clone, Debug, PartialEq)]
pub enum CtyType {
    String,
    Number,
    Bool,
    Dynamic,
    List(Box<CtyType>),
    Set(Box<CtyType>),
    Map(Box<CtyType>),
    Object(BTreeMap<String, CtyType>),
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

    /// All names a reference may read (settable or computed).
    pub fn readable_names(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().map(String::as_str).chain(self.block_types.keys().map(String::as_str))
    }
}
