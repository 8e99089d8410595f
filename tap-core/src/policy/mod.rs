//! Security policy: rules with stable IDs, packs that select them, an
//! organisation's own rules ([`org`]), the checks of suppressions, and the
//! report.
//!
//! Layer: policy. Rules are pure functions of a resource and the stack's
//! [`Graph`]; the same rule runs in `tap-macros` on the compile-time view
//! (where run-time values are unknown) and at synthesis on the real
//! stack. Built-in rules, the rules of an organisation's policy file and
//! rules written in Rust all implement [`PolicyRule`] and go through one
//! engine: [`RuleSet`] says which are in force, [`Report`] runs them and
//! applies suppressions. Nothing here renders or writes.

pub mod org;
mod packs;
mod report;
pub mod rules;
mod ruleset;
mod sarif;
mod stack_policy;
mod suppression;

use crate::graph::{Graph, Resource, Stack};
use crate::reference::Mode;

pub use crate::rule::{type_matches, Finding, Level, Outcome, PolicyRule};
pub use org::{OrgPolicy, PolicyFileError};
pub use packs::{pack, Pack, UnknownPack, PACKS};
pub use report::{FindingLine, Place, Report, Row, RowState, RuleInfo, SuppressionProblem, SuppressionUse};
pub use ruleset::{PolicyError, RuleSet};
use ruleset::RuleRef;
pub use sarif::{SARIF_SCHEMA, SRCROOT};
pub use stack_policy::{PolicySource, StackPolicy, DEFAULT_PACKS};
pub use suppression::{check_reason, check_suppression, unmatched, ReasonProblem, SuppressionError, SuppressionSite, MIN_REASON_LEN};

/// A built-in security rule. Metadata lives with the rule; packs only select it.
pub struct Rule {
    /// `TAP-<SVC>-<NNN>`, never renumbered or reused.
    pub id: &'static str,
    /// The level it has unless a pack gives it another.
    pub level: Level,
    /// The packs that select it (`security`, `serverless`).
    pub packs: &'static [&'static str],
    /// The resource types it looks at: names, or patterns in which `*`
    /// stands for any run of characters (`*` for every type).
    pub resource_types: &'static [&'static str],
    /// One sentence about the resource, lowercase, no final period.
    pub message: &'static str,
    /// Why the rule exists.
    pub rationale: &'static str,
    /// How to comply, one line.
    pub fix: &'static str,
    /// The rule on one resource of a type it looks at.
    pub check: fn(&Resource, &Graph) -> Outcome,
}

impl Rule {
    /// Does the rule look at resources of this type?
    pub fn applies_to(&self, type_name: &str) -> bool {
        self.resource_types.iter().any(|pattern| type_matches(pattern, type_name))
    }
}

impl PolicyRule for Rule {
    fn id(&self) -> &str {
        self.id
    }

    fn level(&self) -> Level {
        self.level
    }

    fn resource_types(&self) -> Vec<&str> {
        self.resource_types.to_vec()
    }

    fn applies_to(&self, type_name: &str) -> bool {
        Rule::applies_to(self, type_name)
    }

    fn message(&self) -> &str {
        self.message
    }

    fn rationale(&self) -> &str {
        self.rationale
    }

    fn fix(&self) -> &str {
        self.fix
    }

    fn check(&self, resource: &Resource, graph: &Graph) -> Outcome {
        (self.check)(resource, graph)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// A rule applied to one resource, before suppressions.
#[derive(Clone, Debug)]
pub struct Evaluation<'a> {
    /// The rule that ran; it dereferences to its [`PolicyRule`].
    pub rule: RuleRef,
    /// The level the rule runs at in this stack, which a pack may have raised.
    pub level: Level,
    /// The managed resource the rule looked at.
    pub resource: &'a Resource,
    /// The resource's position in `stack.resources`.
    pub index: usize,
    /// What the rule found, before any suppression is applied.
    pub outcome: Outcome,
}

/// Runs every rule in force for the stack (its policy's packs, organisation
/// policy and Rust rules) on every managed resource each applies to.
pub fn evaluate_rules<'a>(stack: &'a Stack, policy: &StackPolicy, graph: &Graph<'_>) -> Result<Vec<Evaluation<'a>>, PolicyError> {
    Ok(evaluate(stack, graph, &RuleSet::for_policy(policy)?))
}

/// [`evaluate_rules`] with the rules given.
pub fn evaluate<'a>(stack: &'a Stack, graph: &Graph<'_>, rules: &RuleSet) -> Vec<Evaluation<'a>> {
    let mut out = Vec::new();
    for (index, resource) in stack.resources.iter().enumerate() {
        if resource.address.mode != Mode::Managed {
            continue;
        }
        for (rule, level) in rules.selected() {
            if rule.applies_to(resource.type_name()) {
                let outcome = rule.check(resource, graph);
                out.push(Evaluation { rule: rule.clone(), level: *level, resource, index, outcome });
            }
        }
    }
    out
}

/// The built-in rules the named packs select, each at the strictest level
/// any pack gives it. A name that is no pack is an error: skipping it
/// would switch its rules off without a word.
pub fn selected_rules(pack_names: &[String]) -> Result<Vec<(&'static Rule, Level)>, UnknownPack> {
    let mut out: Vec<(&'static Rule, Level)> = Vec::new();
    for name in pack_names {
        for (r, level) in pack(name)?.rules() {
            match out.iter_mut().find(|(x, _)| x.id == r.id) {
                Some(existing) => existing.1 = existing.1.max(level),
                None => out.push((r, level)),
            }
        }
    }
    out.sort_by_key(|(r, _)| r.id);
    Ok(out)
}

/// The rule table for the README, generated from the built-in rules' metadata.
pub fn rules_markdown() -> String {
    let mut out = String::from("| ID | Level | Resources | Finding | Fix |\n|---|---|---|---|---|\n");
    for r in rules::ALL {
        let types: Vec<String> = r.resource_types.iter().map(|t| format!("`{t}`")).collect();
        out.push_str(&format!("| {} | {} | {} | {} | {} |\n", r.id, r.level.as_str(), types.join(", "), r.message, r.fix));
    }
    out
}
