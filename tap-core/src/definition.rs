//! A stack as its author defines it: the model ([`Stack`]) and, beside it,
//! the policy it is held to ([`StackPolicy`]).
//!
//! Layer: definition, above `graph` and `policy` and below `synth`, which
//! takes both. `#[stack]` implements [`StackDefinition`]; nothing here
//! checks or renders anything.

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};

use crate::graph::{Stack, Suppression};
use crate::policy::{PolicySource, StackPolicy};

/// A type whose `impl` carries `#[stack]`: its fields are the stack's
/// configuration, its `define` method declares the resources. The
/// attribute implements this trait.
pub trait StackDefinition {
    /// The stack's name (the directory under `stacks/`).
    fn stack_name(&self) -> String;

    /// Declares providers, backend, resources and outputs.
    fn define_into(&self, stack: &mut Stack);

    /// Security packs and stack-wide suppressions written on the attribute.
    fn policy(&self) -> (Vec<String>, Vec<Suppression>);

    /// The organisation policy the stack was checked against at compile
    /// time (named in `tap.toml` or by `#[stack(policy = "...")]`).
    fn org_policy(&self) -> Option<PolicySource> {
        None
    }

    /// The whole stack and its policy, ready for [`crate::synth::synthesize`].
    fn build(&self) -> DefinedStack {
        let mut stack = Stack::new(&self.stack_name());
        let (packs, suppressions) = self.policy();
        let policy = StackPolicy { packs, suppressions, org_policy: self.org_policy(), rules: Vec::new() };
        self.define_into(&mut stack);
        DefinedStack { stack, policy }
    }
}

/// A built stack with its policy. Dereferences to the [`Stack`], so the
/// model reads as before; [`DefinedStack::policy`] holds the rest.
#[derive(Debug)]
pub struct DefinedStack {
    /// What the stack declares.
    pub stack: Stack,
    /// What it is held to.
    pub policy: StackPolicy,
}

impl From<Stack> for DefinedStack {
    /// A stack held to the default policy.
    fn from(stack: Stack) -> Self {
        DefinedStack { stack, policy: StackPolicy::default() }
    }
}

impl Deref for DefinedStack {
    type Target = Stack;

    fn deref(&self) -> &Stack {
        &self.stack
    }
}

impl DerefMut for DefinedStack {
    fn deref_mut(&mut self) -> &mut Stack {
        &mut self.stack
    }
}

/// What synthesis takes: a stack and its policy. A bare [`Stack`] is held
/// to the default policy.
pub trait AsDefined {
    /// The stack, and the policy it is held to.
    fn parts(&self) -> (&Stack, Cow<'_, StackPolicy>);
}

impl AsDefined for DefinedStack {
    fn parts(&self) -> (&Stack, Cow<'_, StackPolicy>) {
        (&self.stack, Cow::Borrowed(&self.policy))
    }
}

impl AsDefined for Stack {
    fn parts(&self) -> (&Stack, Cow<'_, StackPolicy>) {
        (self, Cow::Owned(StackPolicy::default()))
    }
}

impl AsDefined for (&Stack, &StackPolicy) {
    fn parts(&self) -> (&Stack, Cow<'_, StackPolicy>) {
        (self.0, Cow::Borrowed(self.1))
    }
}
