//! Whether a suppression is acceptable: it names a rule tap has, the rule
//! looks at the suppressed resource's type, and its reason tells a reviewer
//! why the exception is safe.
//!
//! Layer: policy. The one place these checks live: `tap-macros` calls
//! [`check_suppression`] at compile time (and points at the user's
//! token), the report calls it at synthesis (and names the address), so a
//! suppression built in code is held to the same rules as one written in
//! an attribute. Whether a suppression matched anything is decided by the
//! report, which sees the findings.

use std::fmt;
use std::sync::Arc;

use super::{all_rules, rule, Rule};
use crate::graph::Suppression;
use crate::reference::Address;
use crate::schema::suggest;

/// A reason shorter than this, or one of the words people type to silence a
/// tool, is rejected: a reviewer must learn why the exception is safe.
pub const MIN_REASON_LEN: usize = 10;

/// What people type to silence a tool without saying why.
const TRIVIAL_REASONS: &[&str] = &["todo", "fixme", "ignore", "ignored", "n/a", "none", "false positive", "suppress", "suppressed", "ok", "test"];

/// Why a reason does not explain the exception.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReasonProblem {
    Missing,
    TooShort,
    Trivial(String),
}

impl fmt::Display for ReasonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReasonProblem::Missing => f.write_str("the suppression has no reason"),
            ReasonProblem::TooShort => {
                write!(f, "the reason must say why the exception is safe, in at least {MIN_REASON_LEN} characters")
            }
            ReasonProblem::Trivial(reason) => write!(f, "`{reason}` does not explain why the exception is safe"),
        }
    }
}

/// Checks a suppression's reason.
pub fn check_reason(reason: &str) -> Result<(), ReasonProblem> {
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        return Err(ReasonProblem::Missing);
    }
    if trimmed.chars().count() < MIN_REASON_LEN {
        return Err(ReasonProblem::TooShort);
    }
    if TRIVIAL_REASONS.contains(&trimmed.to_ascii_lowercase().trim_end_matches('.')) {
        return Err(ReasonProblem::Trivial(trimmed.to_owned()));
    }
    Ok(())
}

/// Why a suppression is rejected. The message names the rule; the report
/// adds where the suppression was written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SuppressionError {
    UnknownRule { rule_id: String, suggestion: Option<&'static str> },
    /// The rule never looks at this type, so the suppression can never match.
    NotApplicable { rule_id: &'static str, checks: &'static [&'static str], type_name: String },
    Reason { rule_id: String, problem: ReasonProblem },
    /// It covers nothing today, and would silently hide a future finding.
    MatchedNothing { rule_id: String, on: SuppressedOn },
}

/// Where a suppression was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuppressedOn {
    /// On the stack: it covers every resource.
    Stack,
    /// On a component instance (described: path, component, call site):
    /// it covers every resource inside it.
    Instance(String),
    Resource(Arc<Address>),
}

impl SuppressionError {
    /// The fix, one line.
    pub fn help(&self) -> String {
        match self {
            SuppressionError::UnknownRule { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            SuppressionError::UnknownRule { suggestion: None, .. } => "see the rule table in the README".to_owned(),
            SuppressionError::NotApplicable { rule_id, checks, .. } => {
                let types: Vec<String> = checks.iter().map(|t| format!("`{t}`")).collect();
                format!("`{rule_id}` checks {}", types.join(", "))
            }
            SuppressionError::Reason { rule_id, problem: ReasonProblem::Missing } => format!(
                "write `suppress(\"{rule_id}\", reason = \"why this exception is safe\")`; reviewers read it in the synthesized output"
            ),
            SuppressionError::Reason { .. } => "say what makes the exception safe, for the reviewer".to_owned(),
            SuppressionError::MatchedNothing { on: SuppressedOn::Resource(_), .. } => "remove it: the resource complies".to_owned(),
            SuppressionError::MatchedNothing { on: SuppressedOn::Instance(_), .. } => "remove it: every resource of the instance complies".to_owned(),
            SuppressionError::MatchedNothing { on: SuppressedOn::Stack, .. } => "remove it: every resource complies".to_owned(),
        }
    }
}

impl fmt::Display for SuppressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuppressionError::UnknownRule { rule_id, .. } => write!(f, "suppression names unknown rule `{rule_id}`"),
            SuppressionError::NotApplicable { rule_id, type_name, .. } => {
                write!(f, "rule `{rule_id}` does not apply to `{type_name}`, so this suppression can never match")
            }
            SuppressionError::Reason { rule_id, problem: ReasonProblem::Missing } => write!(f, "suppression of `{rule_id}` has no reason"),
            SuppressionError::Reason { rule_id, problem } => write!(f, "suppression of `{rule_id}`: {problem}"),
            SuppressionError::MatchedNothing { rule_id, on: SuppressedOn::Resource(address) } => {
                write!(f, "suppression of `{rule_id}` matches no finding on `{address}`")
            }
            SuppressionError::MatchedNothing { rule_id, on: SuppressedOn::Instance(instance) } => {
                write!(f, "suppression of `{rule_id}` matches no finding in {instance}")
            }
            SuppressionError::MatchedNothing { rule_id, on: SuppressedOn::Stack } => write!(f, "suppression of `{rule_id}` matches no finding"),
        }
    }
}

impl std::error::Error for SuppressionError {}

/// Checks a suppression written on a resource of `type_name`, or on the
/// stack (`None`). Returns the rule it names.
pub fn check_suppression(suppression: &Suppression, type_name: Option<&str>) -> Result<&'static Rule, SuppressionError> {
    let id = &suppression.rule_id;
    let Some(found) = rule(id) else {
        let suggestion = suggest(id, all_rules().iter().map(|r| r.id));
        return Err(SuppressionError::UnknownRule { rule_id: id.clone(), suggestion });
    };
    if let Some(t) = type_name {
        if !found.applies_to(t) {
            return Err(SuppressionError::NotApplicable { rule_id: found.id, checks: found.resource_types, type_name: t.to_owned() });
        }
    }
    check_reason(&suppression.reason).map_err(|problem| SuppressionError::Reason { rule_id: id.clone(), problem })?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_must_explain() {
        assert_eq!(check_reason(""), Err(ReasonProblem::Missing));
        assert_eq!(check_reason("too short"), Err(ReasonProblem::TooShort));
        assert_eq!(check_reason("False positive."), Err(ReasonProblem::Trivial("False positive.".into())));
        assert_eq!(check_reason("the bucket hosts a public website"), Ok(()));
    }

    #[test]
    fn unknown_inapplicable_and_unreasoned_suppressions_are_rejected() {
        let reason = "the bucket hosts a public website";
        let err = check_suppression(&Suppression::new("TAP-S3-02", reason), None).unwrap_err();
        assert_eq!(err.to_string(), "suppression names unknown rule `TAP-S3-02`");
        assert_eq!(err.help(), "did you mean `TAP-S3-002`?");
        let err = check_suppression(&Suppression::new("TAP-S3-002", reason), Some("aws_vpc")).unwrap_err();
        assert_eq!(err.to_string(), "rule `TAP-S3-002` does not apply to `aws_vpc`, so this suppression can never match");
        assert_eq!(err.help(), "`TAP-S3-002` checks `aws_s3_bucket`");
        let err = check_suppression(&Suppression::new("TAP-S3-002", "ok"), Some("aws_s3_bucket")).unwrap_err();
        assert!(matches!(err, SuppressionError::Reason { problem: ReasonProblem::TooShort, .. }), "{err:?}");
        assert_eq!(check_suppression(&Suppression::new("TAP-S3-002", reason), Some("aws_s3_bucket")).unwrap().id, "TAP-S3-002");
    }
}
