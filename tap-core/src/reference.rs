//! Addresses of resources and data sources, and typed references to their
//! attributes.
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

/// A reference to an attribute of a declared resource or data source.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The resource or data source read; validation checks it is declared
    /// in the stack.
    pub target: Arc<Address>,
    /// What is read inside the target, from its top-level attribute down
    /// (`names[1]`); checked against the target's schema.
    pub path: AttrPath,
}

impl Reference {
    /// A reference to `path` of `target`.
    pub fn new(target: Arc<Address>, path: impl Into<AttrPath>) -> Self {
        Reference { target, path: path.into() }
    }

    /// The top-level attribute the reference reads (`id` in `aws_vpc.main.id`).
    pub fn attribute(&self) -> Option<&str> {
        self.path.first_name()
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
        write!(f, "{}", self.target)?;
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
