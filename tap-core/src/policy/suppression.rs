//! Whether a suppression is acceptable: it names a rule in force, the
//! organisation policy allows suppressing that rule, the rule looks at the
//! suppressed resource's type, a precise suppression sits on a resource,
//! and its reason tells a reviewer why the exception is safe.
//!
//! Layer: policy. The one place these checks live: `tap-macros` calls
//! [`check_suppression`] at compile time (and points at the user's
//! token), the report calls it at synthesis (and names the address), so a
//! suppression built in code is held to the same rules as one written in
//! an attribute. Whether a suppression matched anything is decided by the
//! report, which sees the findings.

use std::fmt;
use std::sync::Arc;

use super::{Row, RowState, RuleSet};
use crate::graph::Suppression;
use crate::path::AttrPath;
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
    /// The reason is empty or only whitespace.
    Missing,
    /// The reason is shorter than [`MIN_REASON_LEN`] characters.
    TooShort,
    /// The reason is a word that silences without explaining (`todo`,
    /// `false positive`, `ok`); holds the reason as written.
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
    /// It names no rule tap knows: not a built-in rule, a rule of the
    /// organisation policy, nor a Rust rule it declares or the stack registers.
    UnknownRule {
        /// The ID as written.
        rule_id: String,
        /// The closest known rule ID, if one is close.
        suggestion: Option<String>,
    },
    /// The organisation policy (`forbidden_by`, its file) marks the rule
    /// unsuppressible: the finding must be fixed.
    Unsuppressible {
        /// The rule the suppression names.
        rule_id: String,
        /// The policy file that marks the rule unsuppressible.
        forbidden_by: String,
    },
    /// The rule never looks at this type, so the suppression can never match.
    NotApplicable {
        /// The rule the suppression names.
        rule_id: String,
        /// The resource types (or patterns) the rule does look at, for the help.
        checks: Vec<String>,
        /// The type of the resource the suppression is written on.
        type_name: String,
    },
    /// A precise suppression (`finding = "..."`) written on the stack: a
    /// finding's path starts inside one resource, so it needs a resource or
    /// a component instance to start from.
    FindingNeedsResource {
        /// The rule the suppression names.
        rule_id: String,
    },
    /// Its reason does not tell a reviewer why the exception is safe.
    Reason {
        /// The rule the suppression names.
        rule_id: String,
        /// What is wrong with the reason.
        problem: ReasonProblem,
    },
    /// It covers nothing today, and would silently hide a future finding.
    MatchedNothing {
        /// The rule the suppression names.
        rule_id: String,
        /// Where it was written, which decides the message and the help.
        on: SuppressionSite,
    },
    /// A precise suppression whose path covers none of the rule's findings
    /// on the resource; `found` are the paths of those findings.
    FindingNotFound {
        /// The rule the suppression names.
        rule_id: String,
        /// The resource the suppression is written on.
        address: Arc<Address>,
        /// The path the suppression names.
        finding: AttrPath,
        /// The paths of the rule's findings on the resource, for the help.
        found: Vec<AttrPath>,
    },
}

/// Where a suppression is written: what its checks, its report entry and
/// the report's bookkeeping of what it covered all go by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SuppressionSite {
    /// On a resource: the rule must look at its type, and a `finding` is a
    /// path in it.
    Resource(Arc<Address>),
    /// On a component instance: it covers every resource inside it, and a
    /// `finding` starts with the name of a resource of the instance
    /// (`endpoint_dynamodb.policy.Statement[0]`). Described (path,
    /// component, call site) once the stack runs; `None` at compile time.
    Instance(Option<String>),
    /// On the stack: it covers every finding of the rule.
    Stack,
}

impl SuppressionSite {
    /// Where it is written, for the start of a message: `` `aws_s3_bucket.b` ``,
    /// the instance, or `stack-wide`.
    pub fn describe(&self) -> String {
        match self {
            SuppressionSite::Resource(address) => format!("`{address}`"),
            SuppressionSite::Instance(Some(instance)) => instance.clone(),
            SuppressionSite::Instance(None) => "a component instance".to_owned(),
            SuppressionSite::Stack => "stack-wide".to_owned(),
        }
    }
}

/// Whether a suppression matched nothing, decided once for the macros and
/// the report: `covered` says whether it covered a finding; `here` are the
/// rows of its rule on the resource it is written on. With
/// `undecided_later` (at compile time), a precise suppression under a
/// finding that is undecided may still match once synthesis decides it.
pub fn unmatched(suppression: &Suppression, site: &SuppressionSite, covered: bool, here: &[&Row], undecided_later: bool) -> Option<SuppressionError> {
    if covered {
        return None;
    }
    let rule_id = suppression.rule_id.clone();
    if let Some(finding) = &suppression.finding {
        if undecided_later && here.iter().any(|r| r.state == RowState::Unknown && finding.starts_with(&r.path)) {
            return None;
        }
        if let SuppressionSite::Resource(address) = site {
            let found = here.iter().map(|r| r.path.clone()).collect();
            return Some(SuppressionError::FindingNotFound { rule_id, address: address.clone(), finding: finding.clone(), found });
        }
    }
    Some(SuppressionError::MatchedNothing { rule_id, on: site.clone() })
}

impl SuppressionError {
    /// The fix, one line.
    pub fn help(&self) -> String {
        match self {
            SuppressionError::UnknownRule { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            SuppressionError::UnknownRule { suggestion: None, .. } => {
                "see the rule table in the README; a rule written in Rust is named in the organisation policy's `rust_rules`".to_owned()
            }
            SuppressionError::Unsuppressible { .. } => "fix the finding: the organisation policy allows no exception to this rule".to_owned(),
            SuppressionError::NotApplicable { rule_id, checks, .. } => {
                let types: Vec<String> = checks.iter().map(|t| format!("`{t}`")).collect();
                format!("`{rule_id}` checks {}", types.join(", "))
            }
            SuppressionError::FindingNeedsResource { rule_id } => {
                format!("write `#[suppress(\"{rule_id}\", reason = \"...\", finding = \"...\")]` on the resource or on the component instance, or leave out `finding` to cover every resource")
            }
            SuppressionError::FindingNotFound { found, .. } if found.is_empty() => "remove it: the resource has no finding of this rule".to_owned(),
            SuppressionError::FindingNotFound { found, .. } => {
                let paths: Vec<String> = found.iter().map(|p| format!("`{p}`")).collect();
                format!("the rule's findings on this resource are at {}", paths.join(", "))
            }
            SuppressionError::Reason { rule_id, problem: ReasonProblem::Missing } => format!(
                "write `suppress(\"{rule_id}\", reason = \"why this exception is safe\")`; reviewers read it in the synthesized output"
            ),
            SuppressionError::Reason { .. } => "say what makes the exception safe, for the reviewer".to_owned(),
            SuppressionError::MatchedNothing { on: SuppressionSite::Resource(_), .. } => "remove it: the resource complies".to_owned(),
            SuppressionError::MatchedNothing { on: SuppressionSite::Instance(_), .. } => "remove it: every resource of the instance complies".to_owned(),
            SuppressionError::MatchedNothing { on: SuppressionSite::Stack, .. } => "remove it: every resource complies".to_owned(),
        }
    }
}

impl fmt::Display for SuppressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuppressionError::UnknownRule { rule_id, .. } => write!(f, "suppression names unknown rule `{rule_id}`"),
            SuppressionError::Unsuppressible { rule_id, forbidden_by } => {
                write!(f, "suppression of `{rule_id}`: `{forbidden_by}` marks the rule unsuppressible")
            }
            SuppressionError::FindingNeedsResource { rule_id } => {
                write!(f, "suppression of `{rule_id}` names a `finding`, which only a suppression on a resource or a component instance can")
            }
            SuppressionError::FindingNotFound { rule_id, address, finding, .. } => {
                write!(f, "suppression of `{rule_id}` at `{finding}` matches no finding on `{address}`")
            }
            SuppressionError::NotApplicable { rule_id, type_name, .. } => {
                write!(f, "rule `{rule_id}` does not apply to `{type_name}`, so this suppression can never match")
            }
            SuppressionError::Reason { rule_id, problem: ReasonProblem::Missing } => write!(f, "suppression of `{rule_id}` has no reason"),
            SuppressionError::Reason { rule_id, problem } => write!(f, "suppression of `{rule_id}`: {problem}"),
            SuppressionError::MatchedNothing { rule_id, on: SuppressionSite::Resource(address) } => {
                write!(f, "suppression of `{rule_id}` matches no finding on `{address}`")
            }
            SuppressionError::MatchedNothing { rule_id, on: on @ SuppressionSite::Instance(_) } => {
                write!(f, "suppression of `{rule_id}` matches no finding in {}", on.describe())
            }
            SuppressionError::MatchedNothing { rule_id, on: SuppressionSite::Stack } => write!(f, "suppression of `{rule_id}` matches no finding"),
        }
    }
}

impl std::error::Error for SuppressionError {}

/// Checks a suppression against the rules in force, for where it is written.
pub fn check_suppression(rules: &RuleSet, suppression: &Suppression, site: &SuppressionSite) -> Result<(), SuppressionError> {
    let type_name = match site {
        SuppressionSite::Resource(address) => Some(address.type_name.as_str()),
        SuppressionSite::Instance(_) | SuppressionSite::Stack => None,
    };
    let id = &suppression.rule_id;
    if !rules.is_known(id) {
        let suggestion = suggest(id, rules.ids()).map(str::to_owned);
        return Err(SuppressionError::UnknownRule { rule_id: id.clone(), suggestion });
    }
    if let Some(file) = rules.forbidden_by(id) {
        return Err(SuppressionError::Unsuppressible { rule_id: id.clone(), forbidden_by: file.to_owned() });
    }
    // A declared Rust rule that is not registered here (the compile-time
    // view) says nothing of the types it checks.
    if let (Some(t), Some(found)) = (type_name, rules.rule(id)) {
        if !found.applies_to(t) {
            let checks = found.resource_types().into_iter().map(str::to_owned).collect();
            return Err(SuppressionError::NotApplicable { rule_id: id.clone(), checks, type_name: t.to_owned() });
        }
    }
    if *site == SuppressionSite::Stack && suppression.finding.is_some() {
        return Err(SuppressionError::FindingNeedsResource { rule_id: id.clone() });
    }
    check_reason(&suppression.reason).map_err(|problem| SuppressionError::Reason { rule_id: id.clone(), problem })
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

    fn on(type_name: &str) -> SuppressionSite {
        SuppressionSite::Resource(Arc::new(Address::resource(type_name, "x")))
    }

    fn built_in() -> RuleSet {
        RuleSet::new(&["security".to_owned()], None, &[]).unwrap()
    }

    #[test]
    fn unknown_inapplicable_and_unreasoned_suppressions_are_rejected() {
        let rules = built_in();
        let reason = "the bucket hosts a public website";
        let err = check_suppression(&rules, &Suppression::new("TAP-S3-02", reason), &SuppressionSite::Stack).unwrap_err();
        assert_eq!(err.to_string(), "suppression names unknown rule `TAP-S3-02`");
        assert_eq!(err.help(), "did you mean `TAP-S3-002`?");
        let err = check_suppression(&rules, &Suppression::new("TAP-S3-002", reason), &on("aws_vpc")).unwrap_err();
        assert_eq!(err.to_string(), "rule `TAP-S3-002` does not apply to `aws_vpc`, so this suppression can never match");
        assert_eq!(err.help(), "`TAP-S3-002` checks `aws_s3_bucket`");
        let err = check_suppression(&rules, &Suppression::new("TAP-S3-002", "ok"), &on("aws_s3_bucket")).unwrap_err();
        assert!(matches!(err, SuppressionError::Reason { problem: ReasonProblem::TooShort, .. }), "{err:?}");
        assert_eq!(check_suppression(&rules, &Suppression::new("TAP-S3-002", reason), &on("aws_s3_bucket")), Ok(()));
    }

    #[test]
    fn precise_suppressions_belong_on_resources() {
        let rules = built_in();
        let s = Suppression::new("TAP-EC2-001", "the load balancer is public by design").for_finding(AttrPath::parse("ingress[0]").unwrap());
        assert_eq!(check_suppression(&rules, &s, &on("aws_security_group")), Ok(()));
        let err = check_suppression(&rules, &s, &SuppressionSite::Stack).unwrap_err();
        // On an instance, the finding names a resource of the instance first.
        assert_eq!(check_suppression(&rules, &s, &SuppressionSite::Instance(None)), Ok(()));
        assert_eq!(err, SuppressionError::FindingNeedsResource { rule_id: "TAP-EC2-001".into() });
    }

    #[test]
    fn an_unsuppressible_rule_names_the_file_that_forbids_it() {
        let org = crate::policy::OrgPolicy::parse("org.toml", "unsuppressible = [\"TAP-S3-002\"]\n").unwrap();
        let rules = RuleSet::new(&["security".to_owned()], Some(&org), &[]).unwrap();
        let err = check_suppression(&rules, &Suppression::new("TAP-S3-002", "the bucket hosts a public website"), &on("aws_s3_bucket")).unwrap_err();
        assert_eq!(err.to_string(), "suppression of `TAP-S3-002`: `org.toml` marks the rule unsuppressible");
        assert_eq!(err.help(), "fix the finding: the organisation policy allows no exception to this rule");
    }
}
