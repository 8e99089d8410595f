//! Security policy: rules with stable IDs, packs that select them,
//! explicit suppressions, and the report.
//!
//! Phase: policy. Rules are pure functions of a resource and the stack's
//! [`Graph`]; the same rule runs in `tap-macros` on the compile-time view
//! (where run-time values are [`Value::Unknown`](crate::value::Value::Unknown))
//! and at synthesis on the real stack. Nothing here renders or writes.

mod graph_view;
mod packs;
mod report;
pub mod rules;

use crate::graph::{Resource, Stack};
use crate::path::AttrPath;

pub use graph_view::Graph;
pub use packs::{pack, Pack, PACKS};
pub use report::{Report, Row, RowState};

/// How bad a non-compliant finding is. `Error` fails the build or synthesis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

impl Level {
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
    pub path: AttrPath,
    /// What exactly is wrong there, when the rule's message is not enough.
    pub detail: Option<String>,
}

impl Finding {
    pub fn at(path: &str) -> Self {
        Finding { path: AttrPath::parse(path), detail: None }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The result of one rule on one resource.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Compliant,
    NonCompliant(Vec<Finding>),
    NotApplicable,
    /// The rule cannot decide: a value is only known later. At compile time
    /// the check is repeated at synthesis; at synthesis it fails closed.
    Unknown(Finding),
}

/// A security rule. Metadata lives with the rule; packs only select it.
pub struct Rule {
    /// `TAP-<SVC>-<NNN>`, never renumbered or reused.
    pub id: &'static str,
    pub level: Level,
    /// The resource types it looks at.
    pub resource_types: &'static [&'static str],
    /// One sentence about the resource, lowercase, no final period.
    pub message: &'static str,
    pub rationale: &'static str,
    pub fix: &'static str,
    pub check: fn(&Resource, &Graph) -> Outcome,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// An explicit, reasoned exception to a rule, on a resource or on the stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub rule_id: String,
    pub reason: String,
}

impl Suppression {
    pub fn new(rule_id: &str, reason: &str) -> Self {
        Suppression { rule_id: rule_id.to_owned(), reason: reason.to_owned() }
    }
}

/// A reason shorter than this, or one of the words people type to silence a
/// tool, is rejected: a reviewer must learn why the exception is safe.
pub const MIN_REASON_LEN: usize = 10;

/// Why a suppression reason is not acceptable, if it is not.
pub fn check_reason(reason: &str) -> Result<(), String> {
    let trimmed = reason.trim();
    let lowered = trimmed.to_ascii_lowercase();
    const TRIVIAL: &[&str] = &["todo", "fixme", "ignore", "ignored", "n/a", "none", "false positive", "suppress", "suppressed", "ok", "test"];
    if trimmed.chars().count() < MIN_REASON_LEN {
        return Err(format!("the reason must say why the exception is safe, in at least {MIN_REASON_LEN} characters"));
    }
    if TRIVIAL.contains(&lowered.trim_end_matches('.')) {
        return Err(format!("`{trimmed}` does not explain why the exception is safe"));
    }
    Ok(())
}

/// Every rule tap knows, in ID order.
pub fn all_rules() -> &'static [&'static Rule] {
    rules::ALL
}

/// The rule with this ID.
pub fn rule(id: &str) -> Option<&'static Rule> {
    all_rules().iter().copied().find(|r| r.id == id)
}

/// A rule applied to one resource, before suppressions.
#[derive(Clone, Debug)]
pub struct Evaluation<'a> {
    pub rule: &'static Rule,
    pub level: Level,
    pub resource: &'a Resource,
    pub outcome: Outcome,
}

/// Runs the rules of the stack's packs on every resource they apply to.
pub fn evaluate_rules<'a>(stack: &'a Stack, graph: &Graph<'a>) -> Vec<Evaluation<'a>> {
    let selected = selected_rules(&stack.packs);
    let mut out = Vec::new();
    for resource in &stack.resources {
        if resource.address.mode != crate::reference::Mode::Managed {
            continue;
        }
        for (rule, level) in &selected {
            if rule.resource_types.contains(&resource.type_name()) {
                let outcome = (rule.check)(resource, graph);
                out.push(Evaluation { rule, level: *level, resource, outcome });
            }
        }
    }
    out
}

/// The rules the named packs select, each at the strictest level any pack gives it.
pub fn selected_rules(pack_names: &[String]) -> Vec<(&'static Rule, Level)> {
    let mut out: Vec<(&'static Rule, Level)> = Vec::new();
    for name in pack_names {
        let Some(p) = pack(name) else { continue };
        for (id, level) in p.rules {
            let Some(r) = rule(id) else { continue };
            let level = level.unwrap_or(r.level);
            match out.iter_mut().find(|(x, _)| x.id == r.id) {
                Some(existing) => existing.1 = existing.1.max(level),
                None => out.push((r, level)),
            }
        }
    }
    out.sort_by_key(|(r, _)| r.id);
    out
}

/// The rule table for the README, generated from rule metadata.
pub fn rules_markdown() -> String {
    let mut out = String::from("| ID | Level | Resources | Finding | Fix |\n|---|---|---|---|---|\n");
    for r in all_rules() {
        let types: Vec<String> = r.resource_types.iter().map(|t| format!("`{t}`")).collect();
        out.push_str(&format!("| {} | {} | {} | {} | {} |\n", r.id, r.level.as_str(), types.join(", "), r.message, r.fix));
    }
    out
}
