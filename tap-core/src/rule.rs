//! The interface every policy rule implements: built-in rules, the rules of
//! an organisation's policy file, and rules a crate writes in Rust.
//!
//! Layer: rule, just above the model: a rule reads a resource and the
//! stack's [`Graph`]; the model knows nothing of rules (a stack's policy
//! is built beside it, [`crate::policy::StackPolicy`]). The engine that
//! selects, runs and reports rules is [`crate::policy`]. Nothing here
//! evaluates anything.

use std::fmt;

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;

/// How bad a non-compliant finding is. `Error` fails the build or synthesis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Reported, never blocking: advice, or a rule an organisation is
    /// still adopting.
    Warning,
    /// Fails the build (for the rules the compiler runs) and synthesis,
    /// unless suppressed; report-only mode records it instead.
    Error,
}

impl Level {
    /// The level as the reports write it: `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One offending place in a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The attribute at fault; the root path when something is missing.
    /// A precise suppression names a finding by this path.
    pub path: AttrPath,
    /// What exactly is wrong there, when the rule's message is not enough.
    pub detail: Option<String>,
}

impl Finding {
    /// A finding at `path` (`vpc_config[0].subnet_ids`); `""` for the
    /// resource itself. A rule names its paths literally, so a path that
    /// does not parse is the rule's bug.
    pub fn at(path: &str) -> Self {
        let path = if path.is_empty() { AttrPath::root() } else { AttrPath::parse(path).unwrap_or_else(|e| panic!("BUG: a rule's finding path does not parse: {e}")) };
        Finding { path, detail: None }
    }

    /// The same finding, saying what exactly is wrong there:
    /// `` `enabled` is false ``, appended to the rule's message.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The result of one rule on one resource.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// The resource satisfies the rule: nothing to report.
    Compliant,
    /// The resource breaks the rule at each of these places: one report
    /// row per finding, which a suppression may cover.
    NonCompliant(Vec<Finding>),
    /// The rule turns out not to concern the resource (a VPC rule on a
    /// Lambda function outside any VPC): nothing to report.
    NotApplicable,
    /// The rule cannot decide: a value is only known later. At compile time
    /// the check is repeated at synthesis; at synthesis it fails closed.
    Unknown(Finding),
}

/// A policy rule, as the engine runs it.
///
/// Implement it to write a rule in Rust, for what a policy file cannot
/// express, and register it on a stack with
/// [`StackPolicy::rule`](crate::policy::StackPolicy::rule). Such a rule runs at
/// synthesis only: the compiler never runs a crate's own code while it
/// checks a stack. Its findings, suppressions and report rows are those of
/// every other rule.
///
/// ```
/// use tap_core::graph::{Graph, Resource};
/// use tap_core::rule::{Finding, Outcome, PolicyRule};
/// use tap_core::value::Value;
///
/// /// Every bucket name starts with the company prefix.
/// struct BucketPrefix;
///
/// impl PolicyRule for BucketPrefix {
///     fn id(&self) -> &str { "ACME-S3-001" }
///     fn resource_types(&self) -> Vec<&str> { vec!["aws_s3_bucket"] }
///     fn message(&self) -> &str { "the bucket name does not start with `acme-`" }
///     fn fix(&self) -> &str { "name the bucket `acme-<what>`" }
///     fn check(&self, resource: &Resource, _graph: &Graph) -> Outcome {
///         match resource.body.get("bucket") {
///             Some(Value::Str(name)) if name.starts_with("acme-") => Outcome::Compliant,
///             Some(Value::Str(_)) => Outcome::NonCompliant(vec![Finding::at("bucket")]),
///             _ => Outcome::Unknown(Finding::at("bucket")),
///         }
///     }
/// }
/// ```
pub trait PolicyRule: Send + Sync {
    /// A stable ID such as `ACME-S3-001`; never renumber or reuse one.
    fn id(&self) -> &str;

    /// How bad a finding of the rule is: [`Level::Error`] unless the rule
    /// says otherwise.
    fn level(&self) -> Level {
        Level::Error
    }

    /// The resource types it looks at: type names, or patterns in which
    /// `*` stands for any run of characters (`aws_s3_*`).
    fn resource_types(&self) -> Vec<&str>;

    /// Does the rule look at resources of this type?
    fn applies_to(&self, type_name: &str) -> bool {
        self.resource_types().iter().any(|pattern| type_matches(pattern, type_name))
    }

    /// One sentence about the resource, lowercase, no final period.
    fn message(&self) -> &str;

    /// Why the rule exists.
    fn rationale(&self) -> &str {
        ""
    }

    /// How to comply, one line.
    fn fix(&self) -> &str;

    /// The rule on one resource of a type it applies to. `graph` is the
    /// whole stack, for rules that look at neighbours.
    fn check(&self, resource: &Resource, graph: &Graph) -> Outcome;
}

impl fmt::Debug for dyn PolicyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Does `type_name` match `pattern`, where `*` stands for any run of
/// characters (`aws_*`, `aws_s3_bucket_*`, `*_policy`)?
pub fn type_matches(pattern: &str, type_name: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return pattern == type_name };
    let Some(mut rest) = type_name.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::type_matches;

    #[test]
    fn patterns_match_any_run_of_characters() {
        assert!(type_matches("aws_s3_bucket", "aws_s3_bucket"));
        assert!(!type_matches("aws_s3_bucket", "aws_s3_bucket_policy"));
        assert!(type_matches("aws_*", "aws_vpc"));
        assert!(type_matches("aws_s3_*", "aws_s3_bucket_policy"));
        assert!(!type_matches("aws_s3_*", "aws_sqs_queue"));
        assert!(type_matches("*_policy", "aws_s3_bucket_policy"));
        assert!(type_matches("aws_*_policy", "aws_sqs_queue_policy"));
        assert!(!type_matches("aws_*_policy", "aws_policy"));
        assert!(type_matches("*", "random_id"));
    }
}
