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
use crate::navigate::{self, Instances};
use crate::path::AttrPath;
use crate::reference::{InstanceKey, Mode, Root};
use crate::value::Value;

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
    /// The instance it looked at, for a resource with `count` or
    /// `for_each` whose instances the stack knows; `None` for the resource
    /// as written (a single one, or one whose instances are known only at plan).
    pub key: Option<InstanceKey>,
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
        let applicable: Vec<_> = rules.selected().iter().filter(|(rule, _)| rule.applies_to(resource.type_name())).collect();
        if applicable.is_empty() {
            continue;
        }
        // Each instance the stack knows is checked with its own values;
        // otherwise the resource as written, where what differs between
        // instances is unknown, so rules fail closed on it.
        let (read, iterated) = match navigate::instances(resource, graph) {
            Instances::Known(found) => (found.into_iter().map(|(key, bound)| (Some(key), navigate::instance(resource, Some(&bound), graph))).collect(), None),
            Instances::Unknown(iterated) => (vec![(None, navigate::instance(resource, None, graph))], Some(iterated)),
            Instances::Single if navigate::varies(resource) => (vec![(None, navigate::instance(resource, None, graph))], None),
            Instances::Single => (Vec::new(), None),
        };
        for (rule, level) in applicable {
            if read.is_empty() && resource.repetition.is_none() {
                let outcome = rule.check(resource, graph);
                out.push(Evaluation { rule: rule.clone(), level: *level, resource, key: None, index, outcome });
                continue;
            }
            for (key, instance) in &read {
                let mut outcome = rule.check(instance, graph);
                if let (Outcome::Unknown(finding), Some(iterated)) = (&mut outcome, iterated) {
                    name_the_iterated_value(finding, resource, iterated);
                }
                out.push(Evaluation { rule: rule.clone(), level: *level, resource, key: key.clone(), index, outcome });
            }
        }
    }
    out
}

/// What is iterated, as Terraform writes it (`var.groups`).
fn describe(iterated: &Value) -> String {
    let mut placeholder = false;
    iterated.walk(&mut AttrPath::root(), &mut |_, v| placeholder |= matches!(v, Value::Unknown));
    if placeholder {
        // At compile time: a Rust expression.
        return "a value the program computes".to_owned();
    }
    let mut text = String::new();
    crate::value::write_hcl_expression(&mut text, iterated);
    text
}

/// An undecided finding on a value that differs between instances known
/// only at plan says so, and names what is iterated.
fn name_the_iterated_value(finding: &mut Finding, resource: &Resource, iterated: &Value) {
    let Some(repetition) = &resource.repetition else { return };
    let Some(value) = navigate::get_in(&resource.body, &finding.path) else { return };
    let bound = repetition.binds();
    let mut reads_instance = false;
    value.for_each_reference(&mut AttrPath::root(), &mut |_, r| reads_instance |= matches!(&r.root, Root::Bound(n) if &**n == bound));
    if reads_instance {
        let note = format!(
            "unknown until plan: the value differs between the instances of `{}`, which iterates over `{}` (`{}`); give the collection in the stack (a literal or a local), or pin it with a variable's validation, so that each instance is checked",
            resource.address,
            describe(iterated),
            repetition.meta_argument(),
        );
        finding.detail = Some(match finding.detail.take() {
            Some(detail) => format!("{detail}; {note}"),
            None => note,
        });
    }
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
