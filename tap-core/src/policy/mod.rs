//! Security policy: rules with stable IDs, packs that select them, the
//! checks of suppressions, and the report.
//!
//! Layer: policy. Rules are pure functions of a resource and the stack's
//! [`Graph`]; the same rule runs in `tap-macros` on the compile-time view
//! (where run-time values are unknown) and at synthesis on the real
//! stack. Nothing here renders or writes.

mod packs;
mod report;
pub mod rules;
mod sarif;
mod suppression;

use crate::graph::{Graph, Resource, Stack};
use crate::path::AttrPath;
use crate::reference::Mode;

pub use packs::{pack, Pack, UnknownPack, PACKS};
pub use report::{Report, Row, RowState, SuppressionProblem};
pub use sarif::{SARIF_SCHEMA, SRCROOT};
pub use suppression::{check_reason, check_suppression, ReasonProblem, SuppressedOn, SuppressionError, MIN_REASON_LEN};

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
#[non_exhaustive]
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

impl Rule {
    /// Does the rule look at resources of this type?
    pub fn applies_to(&self, type_name: &str) -> bool {
        self.resource_types.contains(&type_name)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
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
pub fn evaluate_rules<'a>(stack: &'a Stack, graph: &Graph<'a>) -> Result<Vec<Evaluation<'a>>, UnknownPack> {
    let selected = selected_rules(&stack.packs)?;
    let mut out = Vec::new();
    for resource in &stack.resources {
        if resource.address.mode != Mode::Managed {
            continue;
        }
        for (rule, level) in &selected {
            if rule.applies_to(resource.type_name()) {
                let outcome = (rule.check)(resource, graph);
                out.push(Evaluation { rule, level: *level, resource, outcome });
            }
        }
    }
    Ok(out)
}

/// The rules the named packs select, each at the strictest level any pack
/// gives it. A name that is no pack is an error: skipping it would switch
/// its rules off without a word.
pub fn selected_rules(pack_names: &[String]) -> Result<Vec<(&'static Rule, Level)>, UnknownPack> {
    let mut out: Vec<(&'static Rule, Level)> = Vec::new();
    for name in pack_names {
        let p = pack(name)?;
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
    Ok(out)
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
