//! The policy report: one row per finding, grouped by rule, with
//! suppressed findings and their reasons kept visible to reviewers.

use std::collections::BTreeMap;

use super::{check_reason, evaluate_rules, rule, Graph, Level, Outcome};
use crate::graph::Stack;
use crate::path::AttrPath;
use crate::schema::suggest;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowState {
    NonCompliant,
    /// A value the rule needs is only known when Terraform applies: fails closed.
    Unknown,
    Suppressed { reason: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub rule_id: &'static str,
    pub address: String,
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
}

/// The outcome of the policy phase for one stack.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Sorted by rule ID, then address, then path.
    pub rows: Vec<Row>,
    /// Invalid suppressions: unknown rule ID, missing or trivial reason, or one that matched nothing.
    pub suppression_errors: Vec<String>,
    /// How many (rule, resource) pairs were evaluated.
    pub evaluated: usize,
}

impl Report {
    /// Evaluates the stack's packs, applies suppressions and checks them.
    pub fn build(stack: &Stack, graph: &Graph) -> Report {
        let evaluations = evaluate_rules(stack, graph);
        let mut report = Report { evaluated: evaluations.len(), ..Report::default() };
        // (resource address, or None for the stack; rule ID) of every suppression that matched.
        let mut used: Vec<(Option<String>, &str)> = Vec::new();

        for eval in &evaluations {
            let (findings, state) = match &eval.outcome {
                Outcome::NonCompliant(f) => (f.clone(), RowState::NonCompliant),
                Outcome::Unknown(f) => (vec![f.clone()], RowState::Unknown),
                Outcome::Compliant | Outcome::NotApplicable => continue,
            };
            let address = eval.resource.address.to_string();
            let suppression = eval
                .resource
                .suppressions
                .iter()
                .find(|s| s.rule_id == eval.rule.id)
                .map(|s| (Some(address.as_str()), s))
                .or_else(|| stack.suppressions.iter().find(|s| s.rule_id == eval.rule.id).map(|s| (None, s)));
            for finding in findings {
                let mut message = eval.rule.message.to_owned();
                if let Some(d) = &finding.detail {
                    message = format!("{message}: {d}");
                }
                let state = match suppression {
                    Some((scope, s)) => {
                        used.push((scope.map(str::to_owned), eval.rule.id));
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

        let ids: Vec<&str> = super::all_rules().iter().map(|r| r.id).collect();
        let mut check = |scope: String, s: &crate::policy::Suppression, matched: bool| {
            if rule(&s.rule_id).is_none() {
                let hint = suggest(&s.rule_id, ids.iter().copied()).map(|h| format!("; did you mean `{h}`?")).unwrap_or_default();
                report.suppression_errors.push(format!("{scope}: suppression names unknown rule `{}`{hint}", s.rule_id));
            } else if let Err(why) = check_reason(&s.reason) {
                report.suppression_errors.push(format!("{scope}: suppression of `{}`: {why}", s.rule_id));
            } else if !matched {
                report.suppression_errors.push(format!(
                    "{scope}: suppression of `{}` matched no finding; remove it so it cannot hide a future one",
                    s.rule_id
                ));
            }
        };
        for r in &stack.resources {
            for s in &r.suppressions {
                let address = r.address.to_string();
                let matched = used.iter().any(|(a, id)| a.as_deref() == Some(address.as_str()) && *id == s.rule_id);
                check(r.address.to_string(), s, matched);
            }
        }
        for s in &stack.suppressions {
            let matched = used.iter().any(|(n, id)| n.is_none() && *id == s.rule_id);
            check(format!("stack `{}`", stack.name), s, matched);
        }
        report
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
                "address": row.address,
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
            let at = if row.path.is_root() { row.address.clone() } else { format!("{}.{}", row.address, row.path) };
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
