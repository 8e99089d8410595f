//! The policy part of a stack's model: which packs it evaluates, its
//! stack-wide suppressions, the organisation policy it is held to, and the
//! rules written in Rust that it registers.
//!
//! Layer: policy. Built beside the [`Stack`](crate::graph::Stack), never
//! inside it, so the model knows nothing of rules: `graph` stays below
//! `rule` and `policy`. Nothing here evaluates anything.

use std::sync::Arc;

use super::PolicyRule;
use crate::graph::Suppression;

/// The rule packs a stack evaluates unless it names others.
pub const DEFAULT_PACKS: &[&str] = &["security"];

/// An organisation policy file, as text: the rules, unsuppressible rule
/// IDs and declared Rust rules of [`crate::policy::OrgPolicy`]. The macros
/// check a stack against the file at compile time and embed it, so
/// synthesis runs the same rules on the values known only then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySource {
    /// The file as its configuration names it (`org-policy.toml`), for messages.
    pub file: String,
    /// The file's contents.
    pub text: String,
}

/// What a stack is held to, beside what it declares.
#[derive(Clone, Debug)]
pub struct StackPolicy {
    /// The security packs to evaluate (by name).
    pub packs: Vec<String>,
    /// Suppressions that apply to every resource.
    pub suppressions: Vec<Suppression>,
    /// The organisation policy the stack is held to, if any.
    pub org_policy: Option<PolicySource>,
    /// Rules written in Rust ([`StackPolicy::rule`]), run at synthesis with the others.
    pub rules: Vec<Arc<dyn PolicyRule>>,
}

impl Default for StackPolicy {
    fn default() -> Self {
        StackPolicy { packs: DEFAULT_PACKS.iter().map(|p| (*p).to_owned()).collect(), suppressions: Vec::new(), org_policy: None, rules: Vec::new() }
    }
}

impl StackPolicy {
    /// The default packs, no suppression, no organisation policy, no Rust rule.
    pub fn new() -> Self {
        StackPolicy::default()
    }

    /// Suppresses a rule for the whole stack.
    pub fn suppress(&mut self, suppression: Suppression) -> &mut Self {
        self.suppressions.push(suppression);
        self
    }

    /// Registers a rule written in Rust: it runs at synthesis on every
    /// resource it applies to, and its findings are reported and suppressed
    /// like those of any rule. (It cannot run at compile time.)
    pub fn rule(&mut self, rule: impl PolicyRule + 'static) -> &mut Self {
        self.rules.push(Arc::new(rule));
        self
    }
}
