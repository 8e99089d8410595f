//! The policy report: one row per finding, grouped by rule, with
//! suppressed findings and their reasons kept visible to reviewers.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

use super::{check_suppression, evaluate_rules, Level, Outcome, SuppressedOn, SuppressionError, UnknownPack};
use crate::graph::{Graph, InstanceId, Origin, Resource, Stack, Suppression};
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
    /// Where the resource was declared in Rust.
    pub origin: Origin,
    /// The component instance the resource belongs to, described
    /// (path, component, call site).
    pub instance: Option<String>,
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

    /// ` (in instance `orders` of component `encrypted_table`, called at src/stack.rs:42)`, or nothing.
    pub fn context(&self) -> String {
        self.instance.as_ref().map(|i| format!(" (in {i})")).unwrap_or_default()
    }
}

/// A rejected suppression and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionProblem {
    pub on: SuppressedOn,
    pub error: SuppressionError,
}

impl SuppressionProblem {
    /// One line naming where the suppression was written and what is wrong.
    pub fn message(&self) -> String {
        match &self.on {
            SuppressedOn::Resource(address) => format!("`{address}`: {}", self.error),
            SuppressedOn::Instance(instance) => format!("{instance}: {}", self.error),
            SuppressedOn::Stack => format!("stack-wide {}", self.error),
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
        // (where it was written, rule ID) of every suppression that matched.
        let mut used: HashSet<(Written, &str)> = HashSet::new();

        for eval in &evaluations {
            let (findings, state) = match &eval.outcome {
                Outcome::NonCompliant(f) => (f.clone(), RowState::NonCompliant),
                Outcome::Unknown(f) => (vec![f.clone()], RowState::Unknown),
                _ => continue,
            };
            let resource = eval.resource;
            let suppression = covering_suppression(stack, resource, eval.rule.id);
            let instance = resource.instance.map(|i| stack.instance(i).describe());
            for finding in findings {
                let mut message = eval.rule.message.to_owned();
                if let Some(d) = &finding.detail {
                    message = format!("{message}: {d}");
                }
                let state = match suppression {
                    Some((written, s)) => {
                        used.insert((written, eval.rule.id));
                        RowState::Suppressed { reason: s.reason.clone() }
                    }
                    None => state.clone(),
                };
                report.rows.push(Row {
                    rule_id: eval.rule.id,
                    address: resource.address.clone(),
                    path: finding.path,
                    state,
                    level: eval.level,
                    message,
                    fix: eval.rule.fix,
                    origin: resource.origin,
                    instance: instance.clone(),
                });
            }
        }
        report.rows.sort_by(|a, b| (a.rule_id, &a.address, &a.path).cmp(&(b.rule_id, &b.address, &b.path)));

        for (i, r) in stack.resources.iter().enumerate() {
            for s in &r.suppressions {
                let matched = used.contains(&(Written::Resource(i), s.rule_id.as_str()));
                if let Some(error) = suppression_error(s, Some(r.type_name()), SuppressedOn::Resource(r.address.clone()), matched) {
                    report.suppression_errors.push(SuppressionProblem { on: SuppressedOn::Resource(r.address.clone()), error });
                }
            }
        }
        for (i, instance) in stack.instances.iter().enumerate() {
            for s in &instance.suppressions {
                let matched = used.contains(&(Written::Instance(i), s.rule_id.as_str()));
                let on = SuppressedOn::Instance(instance.describe());
                if let Some(error) = suppression_error(s, None, on.clone(), matched) {
                    report.suppression_errors.push(SuppressionProblem { on, error });
                }
            }
        }
        for s in &stack.suppressions {
            let matched = used.contains(&(Written::Stack, s.rule_id.as_str()));
            if let Some(error) = suppression_error(s, None, SuppressedOn::Stack, matched) {
                report.suppression_errors.push(SuppressionProblem { on: SuppressedOn::Stack, error });
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
            if row.origin.line != 0 {
                obj["source"] = serde_json::json!({ "file": row.origin.file, "line": row.origin.line });
            }
            if let Some(instance) = &row.instance {
                obj["instance"] = serde_json::Value::String(instance.clone());
            }
            by_rule.entry(row.rule_id).or_default().push(obj);
        }
        let mut doc = serde_json::json!({
            "evaluated": self.evaluated,
            "findings": by_rule,
            "failures": self.failures().count(),
            "suppressed": self.suppressed().count(),
        });
        // Only a report-only synthesis writes a report with rejected
        // suppressions (otherwise they stop it), so the key is absent when
        // there are none and reports of passing stacks keep their bytes.
        if !self.suppression_errors.is_empty() {
            let errors: Vec<serde_json::Value> =
                self.suppression_errors.iter().map(|p| serde_json::json!({ "message": p.message(), "help": p.error.help() })).collect();
            doc["suppression_errors"] = serde_json::Value::Array(errors);
        }
        doc
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
            out.push_str(&format!("[{}] {} {at}: {}{state}{}\n", row.rule_id, row.level.as_str(), row.message, row.context()));
        }
        out
    }
}

/// Where a suppression was written, by index: the key of the "did it
/// match anything" bookkeeping.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Written {
    Resource(usize),
    Instance(usize),
    Stack,
}

/// The suppression of `rule_id` that covers `resource`: its own first,
/// then its instance's and those of the instances around it, then the
/// stack's. The nearest one is the one that answers for the finding.
fn covering_suppression<'s>(stack: &'s Stack, resource: &Resource, rule_id: &str) -> Option<(Written, &'s Suppression)> {
    let index = stack.resources.iter().position(|r| std::ptr::eq(r, resource));
    let own = index.and_then(|i| stack.resources[i].suppressions.iter().find(|s| s.rule_id == rule_id).map(|s| (Written::Resource(i), s)));
    own.or_else(|| {
        stack
            .instance_chain(resource.instance)
            .find_map(|(InstanceId(i), instance)| instance.suppressions.iter().find(|s| s.rule_id == rule_id).map(|s| (Written::Instance(i), s)))
    })
    .or_else(|| stack.suppressions.iter().find(|s| s.rule_id == rule_id).map(|s| (Written::Stack, s)))
}

/// What is wrong with one suppression written on a resource of
/// `type_name` (or on an instance or the stack, `None`), if anything: the
/// checks every suppression passes, then whether it matched a finding.
fn suppression_error(suppression: &Suppression, type_name: Option<&str>, on: SuppressedOn, matched: bool) -> Option<SuppressionError> {
    match check_suppression(suppression, type_name) {
        Err(e) => Some(e),
        Ok(_) if !matched => Some(SuppressionError::MatchedNothing { rule_id: suppression.rule_id.clone(), on }),
        Ok(_) => None,
    }
}
