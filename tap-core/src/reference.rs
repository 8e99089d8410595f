//! Addresses of resources and data sources, and typed references to what
//! a configuration can read: a resource's attributes, an input variable,
//! a local value, or a name a `for` expression binds.
//!
//! Layer: values. Rendering here produces the bare Terraform traversal
//! (`aws_vpc.main.id`); wrapping it in `${...}` belongs to synthesis.

use std::fmt;
use std::sync::Arc;

use crate::path::{AttrPath, Step};

/// Whether a block is a managed resource or a data source: the one
/// distinction the macros, the schema lookups, validation, the rules and
/// synthesis all make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// A managed resource (`resource!`): Terraform creates, updates and
    /// destroys it.
    Managed,
    /// A data source (`data!`): Terraform only reads it; its address starts
    /// with `data.`.
    Data,
}

impl Mode {
    /// What users call it in messages: `resource type` or `data source`.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Managed => "resource type",
            Mode::Data => "data source",
        }
    }

    /// The macro that declares it: `resource` or `data`.
    pub fn macro_name(self) -> &'static str {
        match self {
            Mode::Managed => "resource",
            Mode::Data => "data",
        }
    }
}

/// `aws_vpc.main` or `data.aws_region.current`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    /// Resource or data source: decides the `data.` prefix and which schema
    /// the type is looked up in.
    pub mode: Mode,
    /// The Terraform type (`aws_vpc`); its prefix up to the first `_` names
    /// the provider.
    pub type_name: String,
    /// The local name, unique per type and mode in the stack (`main`);
    /// inside a component, prefixed with the instance path
    /// (`orders_table`).
    pub name: String,
}

impl Address {
    /// The address of a resource or data source, by `mode`.
    pub fn new(mode: Mode, type_name: &str, name: impl Into<String>) -> Self {
        Address { mode, type_name: type_name.to_owned(), name: name.into() }
    }

    /// The address of a managed resource: `aws_vpc.main`.
    pub fn resource(type_name: &str, name: impl Into<String>) -> Self {
        Address { mode: Mode::Managed, type_name: type_name.to_owned(), name: name.into() }
    }

    /// The address of a data source: `data.aws_region.current`.
    pub fn data(type_name: &str, name: impl Into<String>) -> Self {
        Address { mode: Mode::Data, type_name: type_name.to_owned(), name: name.into() }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.type_name, self.name)
    }
}

/// What a reference starts from: the one distinction between
/// `aws_vpc.main.id`, `var.retention` and `local.tags`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Root {
    /// A resource or data source; validation checks it is declared.
    Resource(Arc<Address>),
    /// An input variable: `var.<name>`.
    Variable(Arc<str>),
    /// A local value: `local.<name>`.
    Local(Arc<str>),
    /// A name bound by the construct around the reference, valid only
    /// inside it: `s` in `[for s in var.subnets : s.id]`; `count` in a
    /// resource with `count` (`count.index`); `each` in one with
    /// `for_each` (`each.key`, `each.value`); a `dynamic` block's iterator.
    Bound(Arc<str>),
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Root::Resource(address) => address.fmt(f),
            Root::Variable(name) => write!(f, "var.{name}"),
            Root::Local(name) => write!(f, "local.{name}"),
            Root::Bound(name) => f.write_str(name),
        }
    }
}

/// The name `count` binds in a resource with `count`.
pub const COUNT: &str = "count";
/// The name `for_each` binds in a resource with `for_each`.
pub const EACH: &str = "each";

/// Which instance of a resource with `count` or `for_each`: Terraform's
/// instance key, `[0]` or `["a"]`. A reference selects one with the first
/// step of its path (`aws_subnet.private[0].id`), a state address with this.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    /// `[0]`: an instance of a resource with `count`.
    Index(u64),
    /// `["a"]`: an instance of a resource with `for_each`.
    Key(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Index(i) => write!(f, "[{i}]"),
            InstanceKey::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone())),
        }
    }
}

/// A reference: a root and what is read inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// What is read: a resource or data source, a variable, a local value.
    pub root: Root,
    /// What is read inside the root, from its top-level attribute down
    /// (`names[1]`); checked against the target's schema, the variable's
    /// type or the local's value. On a resource with `count` or
    /// `for_each`, the first step selects the instance: `[0]`, `["a"]`,
    /// or `[*]` for all of them.
    pub path: AttrPath,
}

impl Reference {
    /// A reference to `path` of the resource or data source `target`.
    pub fn new(target: Arc<Address>, path: impl Into<AttrPath>) -> Self {
        Reference { root: Root::Resource(target), path: path.into() }
    }

    /// `var.<name>`.
    pub fn variable(name: &str) -> Self {
        Reference { root: Root::Variable(name.into()), path: AttrPath::root() }
    }

    /// `local.<name>`.
    pub fn local(name: &str) -> Self {
        Reference { root: Root::Local(name.into()), path: AttrPath::root() }
    }

    /// A name a `for` expression binds.
    pub fn bound(name: &str) -> Self {
        Reference { root: Root::Bound(name.into()), path: AttrPath::root() }
    }

    /// `count.index`: the instance's index in a resource with `count`.
    pub fn count_index() -> Self {
        Reference::bound(COUNT).attr("index")
    }

    /// `each.key`: the instance's key in a resource with `for_each`.
    pub fn each_key() -> Self {
        Reference::bound(EACH).attr("key")
    }

    /// `each.value`: the instance's element in a resource with `for_each`.
    pub fn each_value() -> Self {
        Reference::bound(EACH).attr("value")
    }

    /// The resource or data source read, when the root is one.
    pub fn target(&self) -> Option<&Arc<Address>> {
        match &self.root {
            Root::Resource(address) => Some(address),
            _ => None,
        }
    }

    /// The top-level attribute the reference reads (`id` in
    /// `aws_vpc.main.id`, and in `aws_subnet.private[0].id`).
    pub fn attribute(&self) -> Option<&str> {
        match self.attribute_steps().first() {
            Some(Step::Attr(name)) => Some(name),
            _ => None,
        }
    }

    /// The instance a reference to a resource with `count` or `for_each`
    /// selects: its path's first step, `[0]`, `["a"]` or `[*]`.
    pub fn instance_step(&self) -> Option<&Step> {
        match (&self.root, self.path.steps().first()) {
            (Root::Resource(_), Some(step @ (Step::Index(_) | Step::Key(_) | Step::Each))) => Some(step),
            _ => None,
        }
    }

    /// What is read inside the resource (or the instance), after any
    /// instance step: the path the target's schema is checked against.
    pub fn attribute_steps(&self) -> &[Step] {
        let skip = usize::from(self.instance_step().is_some());
        &self.path.steps()[skip..]
    }

    /// Appends a list index: `data.aws_availability_zones.available.names[1]`.
    pub fn index(mut self, i: usize) -> Self {
        self.path.push(Step::Index(i));
        self
    }

    /// Appends an attribute step.
    pub fn attr(mut self, name: &str) -> Self {
        self.path.push(Step::Attr(name.to_owned()));
        self
    }

    /// Appends a map key: `aws_instance.web.tags["Name"]`.
    pub fn key(mut self, key: &str) -> Self {
        self.path.push(Step::Key(key.to_owned()));
        self
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.root)?;
        self.path.write_steps(f, true)
    }
}

/// Is `name` a valid Terraform identifier (a letter or underscore, then
/// letters, digits, underscores and dashes)?
pub fn is_valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_resource_data_index_and_key_references() {
        let vpc = Arc::new(Address::resource("aws_vpc", "main"));
        assert_eq!(Reference::new(vpc, vec![Step::Attr("id".into())]).to_string(), "aws_vpc.main.id");
        let azs = Arc::new(Address::data("aws_availability_zones", "available"));
        let r = Reference::new(azs, vec![]).attr("names").index(1);
        assert_eq!(r.to_string(), "data.aws_availability_zones.available.names[1]");
        let web = Arc::new(Address::resource("aws_instance", "web"));
        let r = Reference::new(web, vec![]).attr("tags").key("Name");
        assert_eq!(r.to_string(), "aws_instance.web.tags[\"Name\"]");
        assert_eq!(Reference::variable("subnets").index(0).attr("cidr").to_string(), "var.subnets[0].cidr");
        assert_eq!(Reference::local("tags").key("Name").to_string(), "local.tags[\"Name\"]");
        let subnets = Arc::new(Address::resource("aws_subnet", "private"));
        let one = Reference::new(subnets.clone(), vec![Step::Key("a".into()), Step::Attr("id".into())]);
        assert_eq!(one.to_string(), "aws_subnet.private[\"a\"].id");
        assert_eq!((one.attribute(), one.instance_step()), (Some("id"), Some(&Step::Key("a".into()))));
        let all = Reference::new(subnets, vec![Step::Each, Step::Attr("id".into())]);
        assert_eq!(all.to_string(), "aws_subnet.private[*].id");
        assert_eq!(Reference::each_value().attr("cidr").to_string(), "each.value.cidr");
        assert_eq!(Reference::count_index().to_string(), "count.index");
        assert_eq!(Reference::variable("zones").index(0).instance_step(), None, "only a resource has instances");
    }

    #[test]
    fn identifiers() {
        assert!(is_valid_identifier("private_0"));
        assert!(is_valid_identifier("_x-y"));
        assert!(!is_valid_identifier("0abc"));
        assert!(!is_valid_identifier("a.b"));
        assert!(!is_valid_identifier(""));
    }
}
