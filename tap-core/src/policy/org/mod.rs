//! Organisation policy: an organisation's own rules, written as data in a
//! TOML file of the crate, and which rules no suppression may silence.
//!
//! Layer: policy. [`OrgPolicy::parse`] reads the file (every problem is
//! one [`PolicyFileError`] naming the file, the line and the field);
//! [`OrgPolicy::check_types`] checks its resource types against the
//! provider schemas, which only the macros hold; each rule is a
//! [`PolicyRule`] that the engine runs like a built-in rule, at compile
//! time on the values the macro sees and at synthesis on the rest
//! (`eval`). Nothing here reads files: callers pass the text.
//!
//! ```toml
//! unsuppressible = ["TAP-S3-002", "ORG-TAG-001"]
//! rust_rules = ["ACME-NAME-001"]
//!
//! [[rule]]
//! id = "ORG-LOG-001"
//! level = "error"
//! resources = ["aws_cloudwatch_log_group"]
//! message = "the log group keeps its events for less than a year"
//! fix = "set `retention_in_days` to 365 or more"
//!
//! [[rule.require]]
//! attribute = "retention_in_days"
//! op = "in_range"
//! min = 365
//! ```

mod eval;
mod parse;

use std::fmt;
use std::sync::Arc;

use regex::Regex;

use super::{Level, Outcome, PolicyRule};
use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::rule::type_matches;
use crate::schema::{suggest, Block};

/// The operators of a condition, as written in `op`.
pub const OPERATORS: &[&str] = &["present", "absent", "equals", "not_equals", "one_of", "not_one_of", "in_range", "matches", "contains", "not_contains", "references"];

/// A parsed organisation policy file.
#[derive(Clone, Debug)]
pub struct OrgPolicy {
    /// The file as its configuration names it, for messages.
    pub file: String,
    /// Its `[[rule]]` tables, in file order; shared, since each runs as a
    /// [`PolicyRule`] of every stack that uses the file.
    pub rules: Vec<Arc<DeclarativeRule>>,
    /// Rules (built-in, of this file, or written in Rust) that no
    /// suppression may silence.
    pub unsuppressible: Vec<Listed>,
    /// IDs of the rules the crate writes in Rust and registers on its
    /// stacks, so that suppressions of them can be checked at compile time.
    pub rust_rules: Vec<Listed>,
}

/// A string of the file with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The string as written (a rule ID or a resource type).
    pub value: String,
    /// Its 1-based line, so errors about it point at the entry itself.
    pub line: usize,
}

/// One `[[rule]]`: every condition must hold on every resource of its types.
#[derive(Debug)]
pub struct DeclarativeRule {
    /// Its `id` (`ORG-LOG-001`), which findings and suppressions name.
    pub id: String,
    /// The line of its `[[rule]]` header.
    pub line: usize,
    /// `level`: [`Level::Error`] unless the file says `"warning"`.
    pub level: Level,
    /// `message`: one lowercase sentence about the resource, shown on each finding.
    pub message: String,
    /// `rationale`: why the rule exists; empty when the file gives none.
    pub rationale: String,
    /// `fix`: how to comply, in one line.
    pub fix: String,
    /// Type names, or patterns with `*`.
    pub resources: Vec<Listed>,
    /// Its `[[rule.require]]` tables; all must hold for the resource to comply.
    pub conditions: Vec<Condition>,
}

/// One `[[rule.require]]`.
#[derive(Debug)]
pub struct Condition {
    /// The path of the values it decides; `[*]` goes through every
    /// element of a list: `policy.Statement[*].Principal`,
    /// `ingress[*].cidr_blocks`, `tags.owner`.
    pub attribute: AttrPath,
    /// What it requires of each value reached, from `op` and its operands.
    pub op: Op,
    /// The line of its `[[rule.require]]` header, for errors about it.
    pub line: usize,
}

/// What a condition requires of the values its attribute reaches.
#[derive(Debug)]
#[non_exhaustive]
pub enum Op {
    /// `present`: the attribute is set.
    Present,
    /// `absent`: the attribute is not set.
    Absent,
    /// `equals`: the value is `value`; an unset attribute fails.
    Equals(Literal),
    /// `not_equals`: the value is not `value`; an unset attribute passes.
    NotEquals(Literal),
    /// `one_of`: the value is one of `values`; an unset attribute fails.
    OneOf(Vec<Literal>),
    /// `not_one_of`: the value is none of `values`; an unset attribute passes.
    NotOneOf(Vec<Literal>),
    /// Inclusive bounds; at least one is given.
    InRange {
        /// `min`: the smallest number accepted, if any.
        min: Option<f64>,
        /// `max`: the largest number accepted, if any.
        max: Option<f64>,
    },
    /// `matches`: `pattern` finds a match in the value's text, which must be
    /// a single value (anchor it with `^...$` to match the whole text).
    Matches(Regex),
    /// A list (or a single value, a list of one) that contains the value.
    Contains(Literal),
    /// `not_contains`: no element of the list is `value`; an unset
    /// attribute passes, and each offending element is a finding.
    NotContains(Literal),
    /// A reference to a managed resource of this type, declared in the stack.
    References(String),
}

/// A scalar written in the file. Values compare as Terraform converts
/// them to strings: `365` equals `"365"`.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A TOML string.
    Str(String),
    /// A TOML integer; `365` matches `365` and `"365"`.
    Int(i64),
    /// A TOML float.
    Float(f64),
    /// A TOML boolean; `true` matches `true` and `"true"`.
    Bool(bool),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(s) => f.write_str(s),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => write!(f, "{x}"),
            Literal::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// One problem in a policy file: `org-policy.toml:12: rule `ORG-TAG-001`,
/// field `op`: unknown operator `equal`; ...`, then an optional help line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyFileError {
    /// The file as its configuration names it.
    pub file: String,
    /// The 1-based line of the offending key or value.
    pub line: usize,
    /// The rule's ID (or `#n` when it has none yet), for problems inside a rule.
    pub rule: Option<String>,
    /// The key at fault (`op`, `resources`), when the problem is one field's.
    pub field: Option<String>,
    /// What is wrong, lowercase, without the location.
    pub message: String,
    /// How to fix it, printed on its own `help:` line.
    pub help: Option<String>,
}

impl fmt::Display for PolicyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        let rule = match &self.rule {
            Some(r) if r.starts_with('#') => Some(format!("rule {r}")),
            Some(r) => Some(format!("rule `{r}`")),
            None => None,
        };
        // Inside a rule, a message without a field is a predicate of the rule: "rule `X` has no `fix`".
        match (rule, &self.field) {
            (Some(rule), Some(field)) => write!(f, "{rule}, field `{field}`: ")?,
            (Some(rule), None) => write!(f, "{rule} ")?,
            (None, Some(field)) => write!(f, "field `{field}`: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyFileError {}

/// The provider schemas, as the macros hold them: what
/// [`OrgPolicy::check_types`] checks a file's types against.
pub trait SchemaView {
    /// Is there a managed resource type of this name?
    fn has_type(&self, type_name: &str) -> bool;
    /// Every managed resource type.
    fn type_names(&self) -> Vec<&str>;
    /// The schema block of a managed resource type.
    fn block(&self, type_name: &str) -> Option<&Block>;
}

impl OrgPolicy {
    /// Reads a policy file; `file` names it in errors. Every problem is
    /// reported, each once, sorted by line.
    pub fn parse(file: &str, text: &str) -> Result<OrgPolicy, Vec<PolicyFileError>> {
        parse::parse(file, text)
    }

    /// The problems of a parsed file that only the schemas reveal: a
    /// resource type that exists in no schema, a pattern that matches no
    /// type, a condition on an attribute a listed type does not have, a
    /// `references` type that does not exist.
    pub fn check_types(&self, schema: &dyn SchemaView) -> Vec<PolicyFileError> {
        let mut errors = Vec::new();
        let names = schema.type_names();
        let error = |rule: &DeclarativeRule, line: usize, field: &str, message: String, help: Option<String>| PolicyFileError {
            file: self.file.clone(),
            line,
            rule: Some(rule.id.clone()),
            field: Some(field.to_owned()),
            message,
            help,
        };
        for rule in &self.rules {
            for listed in &rule.resources {
                let t = &listed.value;
                if t.contains('*') {
                    if !names.iter().any(|n| type_matches(t, n)) {
                        errors.push(error(rule, listed.line, "resources", format!("pattern `{t}` matches no resource type of the loaded provider schemas"), None));
                    }
                    continue;
                }
                if !schema.has_type(t) {
                    let help = match suggest(t, names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "name a managed resource type of an embedded provider or of a schema listed in `tap.toml`, or a pattern such as `aws_s3_*`".to_owned(),
                    };
                    errors.push(error(rule, listed.line, "resources", format!("unknown resource type `{t}`: no loaded provider schema has it"), Some(help)));
                    continue;
                }
                let Some(block) = schema.block(t) else { continue };
                for condition in &rule.conditions {
                    let Some(root) = condition.attribute.first_name() else { continue };
                    if !block.attributes.contains_key(root) && !block.block_types.contains_key(root) {
                        let help = suggest(root, block.readable_names()).map(|s| format!("did you mean `{s}`?"));
                        errors.push(error(rule, condition.line, "attribute", format!("`{t}` has no attribute or block `{root}`"), help));
                    }
                }
            }
            for condition in &rule.conditions {
                if let Op::References(t) = &condition.op {
                    if !schema.has_type(t) {
                        let help = suggest(t, names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                        errors.push(error(rule, condition.line, "type", format!("unknown resource type `{t}`: no loaded provider schema has it"), help));
                    }
                }
            }
        }
        errors
    }

    /// The rule of this file with this ID.
    pub fn rule(&self, id: &str) -> Option<&DeclarativeRule> {
        self.rules.iter().map(|r| &**r).find(|r| r.id == id)
    }

    /// The line that marks `id` unsuppressible, if one does.
    pub fn unsuppressible_line(&self, id: &str) -> Option<usize> {
        self.unsuppressible.iter().find(|l| l.value == id).map(|l| l.line)
    }
}

impl PolicyRule for DeclarativeRule {
    fn id(&self) -> &str {
        &self.id
    }

    fn level(&self) -> Level {
        self.level
    }

    fn resource_types(&self) -> Vec<&str> {
        self.resources.iter().map(|r| r.value.as_str()).collect()
    }

    fn message(&self) -> &str {
        &self.message
    }

    fn rationale(&self) -> &str {
        &self.rationale
    }

    fn fix(&self) -> &str {
        &self.fix
    }

    fn check(&self, resource: &Resource, graph: &Graph) -> Outcome {
        eval::check(self, resource, graph)
    }
}
