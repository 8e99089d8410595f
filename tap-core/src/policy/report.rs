//! The policy report: one row per finding, grouped by rule, with
//! suppressed findings and their reasons kept visible to reviewers.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

use super::{check_suppression, evaluate_rules, Level, Outcome, SuppressionError, UnknownPack};
use crate::graph::{Graph, Resource, Stack, Suppression};
use crate::path::AttrPath;
use crate::reference::Address;

#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowState {
    NonCompliant,
    /// A value the rule needs is only known when Terraform applies: fails closed.
    Unknown,
    Suppressed { reason: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub rule_id: &'static str,
    pub address: Arc<Address>,
    pub path: AttrPath,
    pub state: RowState,
    pub level: Level,
    pub message: String,
    pub fix: &'static str,
}

impl Row {
    /// Does this row fail synthesis?
    pub fn is_failure(&self) -> bool {
        self.level == Level::Error && !matches!(self.state, RowState::Suppressed { .. })
    }

    /// `aws_lambda_function.api`, or `aws_lambda_function.api.vpc_config[0]` for an attribute.
    pub fn location(&self) -> String {
        if self.path.is_root() {
            self.address.to_string()
        } else {
            format!("{}.{}", self.address, self.path)
        }
    }
}

/// A rejected suppression and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionProblem {
    /// The resource it was written on, or `None` for the stack.
    pub on: Option<Arc<Address>>,
    pub error: SuppressionError,
}

impl SuppressionProblem {
    /// One line naming where the suppression was written and what is wrong.
    pub fn message(&self) -> String {
        match &self.on {
            Some(address) => format!("`{address}`: {}", self.error),
            None => format!("stack-wide {}", self.error),
        }
    }
}

impl fmt::Display for SuppressionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  help: {}", self.message(), self.error.help())
    }
}

/// The outcome of the policy phase for one stack.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Sorted by rule ID, then address, then path.
    pub rows: Vec<Row>,
    /// Rejected suppressions: unknown rule ID, a rule that does not apply
    /// to the resource's type, a missing or trivial reason, or one that
    /// matched nothing.
    pub suppression_errors: Vec<SuppressionProblem>,
    /// How many (rule, resource) pairs were evaluated.
    pub evaluated: usize,
}

impl Report {
    /// Evaluates the stack's packs, applies suppressions and checks them.
    pub fn build(stack: &Stack, graph: &Graph) -> Result<Report, UnknownPack> {
        let evaluations = evaluate_rules(stack, graph)?;
        let mut report = Report { evaluated: evaluations.len(), ..Report::default() };
        // (resource, or None for the stack; rule ID) of every suppression that matched.
        let mut used: HashSet<(Option<&Address>, &str)> = HashSet::new();

        for eval in &evaluations {
            let (findings, state) = match &eval.outcome {
                Outcome::NonCompliant(f) => (f.clone(), RowState::NonCompliant),
                Outcome::Unknown(f) => (vec![f.clone()], RowState::Unknown),
                _ => continue,
            };
            let address = &eval.resource.address;
            let suppression = eval
                .resource
                .suppressions
                .iter()
                .find(|s| s.rule_id == eval.rule.id)
                .map(|s| (Some(&**address), s))
                .or_else(|| stack.suppressions.iter().find(|s| s.rule_id == eval.rule.id).map(|s| (None, s)));
            for finding in findings {
                let mut message = eval.rule.message.to_owned();
                if let Some(d) = &finding.detail {
                    message = format!("{message}: {d}");
                }
                let state = match suppression {
                    Some((scope, s)) => {
                        used.insert((scope, eval.rule.id));
                        RowState::Suppressed { reason: s.reason.clone() }
                    }
                    None => state.clone(),
                };
                report.rows.push(Row {
                    rule_id: eval.rule.id,
                    address: address.clone(),
                    path: finding.path,
                    state,
                    level: eval.level,
                    message,
                    fix: eval.rule.fix,
                });
            }
        }
        report.rows.sort_by(|a, b| (a.rule_id, &a.address, &a.path).cmp(&(b.rule_id, &b.address, &b.path)));

        for r in &stack.resources {
            for s in &r.suppressions {
                let matched = used.contains(&(Some(&*r.address), s.rule_id.as_str()));
                if let Some(error) = suppression_error(s, Some(r), matched) {
                    report.suppression_errors.push(SuppressionProblem { on: Some(r.address.clone()), error });
                }
            }
        }
        for s in &stack.suppressions {
            let matched = used.contains(&(None, s.rule_id.as_str()));
            if let Some(error) = suppression_error(s, None, matched) {
                report.suppression_errors.push(SuppressionProblem { on: None, error });
            }
        }
        Ok(report)
    }

    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.is_failure())
    }

    pub fn suppressed(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| matches!(r.state, RowState::Suppressed { .. }))
    }

    /// The report as JSON, grouped by rule; deterministic.
    pub fn to_json(&self) -> serde_json::Value {
        let mut by_rule: BTreeMap<&str, Vec<serde_json::Value>> = BTreeMap::new();
        for row in &self.rows {
            let (state, reason) = match &row.state {
                RowState::NonCompliant => ("non_compliant", None),
                RowState::Unknown => ("unknown", None),
                RowState::Suppressed { reason } => ("suppressed", Some(reason.clone())),
            };
            let mut obj = serde_json::json!({
                "address": row.address.to_string(),
                "attribute": row.path.to_string(),
                "state": state,
                "level": row.level.as_str(),
                "message": row.message,
            });
            if let Some(reason) = reason {
                obj["reason"] = serde_json::Value::String(reason);
            }
            by_rule.entry(row.rule_id).or_default().push(obj);
        }
        serde_json::json!({
            "evaluated": self.evaluated,
            "findings": by_rule,
            "failures": self.failures().count(),
            "suppressed": self.suppressed().count(),
        })
    }

    /// One line per row, for terminals: `TAP-LMB-001 error aws_lambda_function.api: ... (suppressed: reason)`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let at = row.location();
            let state = match &row.state {
                RowState::NonCompliant => String::new(),
                RowState::Unknown => " (unknown until apply: failing closed)".to_owned(),
                RowState::Suppressed { reason } => format!(" (suppressed: {reason})"),
            };
            out.push_str(&format!("[{}] {} {at}: {}{state}\n", row.rule_id, row.level.as_str(), row.message));
        }
        out
    }
}

/// What is wrong with one suppression written on resource `on` (or on the
/// stack), if anything: the checks every suppression passes, then whether
/// it matched a finding.
fn suppression_error(suppression: &Suppression, on: Option<&Resource>, matched: bool) -> Option<SuppressionError> {
    match check_suppression(suppression, on.map(Resource::type_name)) {
        Err(e) => Some(e),
        Ok(_) if !matched => {
            Some(SuppressionError::MatchedNothing { rule_id: suppression.rule_id.clone(), on: on.map(|r| r.address.clone()) })
        }
        Ok(_) => None,
    }
}
