//! The rules in force for one stack: the built-in rules its packs select,
//! the rules of its organisation policy, and the Rust rules registered on
//! it; every rule ID a suppression may name; and the rules no suppression
//! may silence.
//!
//! Layer: policy. The one place that decides these, for the macros (which
//! build it from the packs and the policy file they loaded) and for
//! synthesis (which builds it from the stack's policy).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use super::org::{OrgPolicy, PolicyFileError};
use super::{rules, selected_rules, Level, PolicyRule, Rule, UnknownPack};
use super::StackPolicy;

/// One rule of any kind, cheap to clone. Plumbing of the engine: it
/// dereferences to the [`PolicyRule`] it holds, which is what callers use.
#[doc(hidden)]
#[derive(Clone)]
pub enum RuleRef {
    /// A rule tap ships.
    BuiltIn(&'static Rule),
    /// From an organisation policy file, or written in Rust.
    Custom(Arc<dyn PolicyRule>),
}

impl Deref for RuleRef {
    type Target = dyn PolicyRule;

    fn deref(&self) -> &(dyn PolicyRule + 'static) {
        match self {
            RuleRef::BuiltIn(rule) => *rule,
            RuleRef::Custom(rule) => &**rule,
        }
    }
}

impl fmt::Debug for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Why the rules of a stack cannot be put together.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// A pack tap does not ship.
    UnknownPack(UnknownPack),
    /// The stack's organisation policy does not parse (only a policy built
    /// in code: the macros reject a bad file at compile time).
    File(Vec<PolicyFileError>),
    /// Two rules have one ID: a Rust rule registered twice, or with the ID
    /// of a built-in rule or of a rule of the policy file.
    DuplicateRule {
        /// The ID both rules claim.
        rule_id: String,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::UnknownPack(e) => write!(f, "{e}\nhelp: {}", e.help()),
            PolicyError::File(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            PolicyError::DuplicateRule { rule_id } => write!(
                f,
                "two rules have the ID `{rule_id}`\nhelp: give the Rust rule an ID of its own; IDs of built-in rules start with `TAP-`"
            ),
        }
    }
}

impl std::error::Error for PolicyError {}

impl From<UnknownPack> for PolicyError {
    fn from(e: UnknownPack) -> Self {
        PolicyError::UnknownPack(e)
    }
}

/// The rules in force, and what suppressions may say about them.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    /// The rules that run, each at its level, sorted by ID.
    selected: Vec<(RuleRef, Level)>,
    /// Every rule a suppression may name, by ID. `None`: a Rust rule the
    /// policy file declares but that is not registered here (at compile
    /// time, none is).
    known: BTreeMap<String, Option<RuleRef>>,
    /// Rule ID -> the file that forbids suppressing it.
    unsuppressible: BTreeMap<String, String>,
}

impl RuleSet {
    /// Every built-in rule, none selected: the catalogue of what tap ships.
    pub fn built_in() -> RuleSet {
        RuleSet::new(&[], None, &[]).expect("BUG: no pack is named, so none can be unknown")
    }

    /// Every rule of the set with its ID, in ID order (a Rust rule the
    /// organisation policy declares but that is not registered is `None`).
    pub fn rules(&self) -> impl Iterator<Item = (&str, Option<&RuleRef>)> {
        self.known.iter().map(|(id, rule)| (id.as_str(), rule.as_ref()))
    }

    /// The rules of a stack's policy: its packs, its organisation policy, its Rust rules.
    pub fn for_policy(policy: &StackPolicy) -> Result<RuleSet, PolicyError> {
        let org = match &policy.org_policy {
            Some(source) => Some(OrgPolicy::parse(&source.file, &source.text).map_err(PolicyError::File)?),
            None => None,
        };
        RuleSet::new(&policy.packs, org.as_ref(), &policy.rules)
    }

    /// The rules of the named packs, of the organisation policy `org`, and
    /// the Rust rules `rust`.
    pub fn new(packs: &[String], org: Option<&OrgPolicy>, rust: &[Arc<dyn PolicyRule>]) -> Result<RuleSet, PolicyError> {
        let mut set = RuleSet::default();
        for rule in rules::ALL {
            set.known.insert(rule.id.to_owned(), Some(RuleRef::BuiltIn(rule)));
        }
        set.selected = selected_rules(packs)?.into_iter().map(|(r, level)| (RuleRef::BuiltIn(r), level)).collect();
        if let Some(org) = org {
            // The parser already rejected clashing IDs within the file.
            for rule in &org.rules {
                let rule: Arc<dyn PolicyRule> = rule.clone();
                let rule = RuleRef::Custom(rule);
                set.known.insert(rule.id().to_owned(), Some(rule.clone()));
                set.selected.push((rule.clone(), rule.level()));
            }
            for id in &org.rust_rules {
                set.known.insert(id.value.clone(), None);
            }
            for id in &org.unsuppressible {
                set.unsuppressible.insert(id.value.clone(), org.file.clone());
            }
        }
        for rule in rust {
            let id = rule.id().to_owned();
            match set.known.get(&id) {
                Some(Some(_)) => return Err(PolicyError::DuplicateRule { rule_id: id }),
                _ => {
                    let rule = RuleRef::Custom(rule.clone());
                    set.known.insert(id, Some(rule.clone()));
                    set.selected.push((rule.clone(), rule.level()));
                }
            }
        }
        set.selected.sort_by(|(a, _), (b, _)| a.id().cmp(b.id()));
        Ok(set)
    }

    /// The rules that run, each at its level, sorted by ID.
    pub fn selected(&self) -> &[(RuleRef, Level)] {
        &self.selected
    }

    /// Is there a rule with this ID (of any kind, selected or not)?
    pub fn is_known(&self, id: &str) -> bool {
        self.known.contains_key(id)
    }

    /// The rule with this ID; `None` also for a declared Rust rule not registered here.
    pub fn rule(&self, id: &str) -> Option<&RuleRef> {
        self.known.get(id).and_then(Option::as_ref)
    }

    /// Every rule ID a suppression may name.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.known.keys().map(String::as_str)
    }

    /// The file that forbids suppressing this rule, if one does.
    pub fn forbidden_by(&self, id: &str) -> Option<&str> {
        self.unsuppressible.get(id).map(String::as_str)
    }
}
