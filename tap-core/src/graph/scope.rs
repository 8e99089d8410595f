//! Component instances: a named part of a stack that a component function
//! fills.
//!
//! `stack.scope("orders")` opens an instance; every resource declared
//! through it is named `orders_<name>`, so a component called twice gets
//! distinct, readable addresses without passing names through by hand.
//! Instances nest (`orders_replica_table`). The instance remembers where it
//! was opened and which component filled it, so a finding on one of its
//! resources names both, and it carries suppressions that cover every
//! resource inside it.

use std::panic::Location;

use super::{Handle, Origin, Output, Provider, Resource, Stack, Suppression};
use crate::reference::Address;

/// The index of an instance in its stack's [`Stack::instances`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceId(pub(crate) usize);

/// One call of a component.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The prefix of its resources' names: the scope names from the stack
    /// down, joined with `_` (`orders`, `orders_replica`).
    pub path: String,
    /// The component function that filled it (set by `#[component]`), if any.
    pub component: Option<&'static str>,
    /// Where `scope(...)` was called.
    pub call_site: Origin,
    /// The instance it was opened in, for a nested component; `None` at
    /// the top of the stack.
    pub parent: Option<InstanceId>,
    /// Suppressions that cover every resource inside the instance.
    pub suppressions: Vec<Suppression>,
}

impl Instance {
    /// `instance `orders` of `encrypted_table` (called at src/stack.rs:42)`.
    pub fn describe(&self) -> String {
        let of = self.component.map(|c| format!(" of component `{c}`")).unwrap_or_default();
        format!("instance `{}`{of}, called at {}", self.path, self.call_site)
    }
}

/// Two instances opened with the same path: their resources would collide.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeCollision {
    /// The path both instances have: `orders`.
    pub path: String,
    /// Where the first of them was opened.
    pub first: Origin,
    /// Where the second was opened.
    pub second: Origin,
}

/// Where a component declares its resources: a stack, seen through one
/// instance. `resource!`, `data!` and `output!` work on it as on a stack.
pub struct Scope<'s> {
    stack: &'s mut Stack,
    instance: InstanceId,
}

impl Stack {
    /// Opens an instance named `name` at the top of the stack, for a
    /// component to fill: `encrypted_table(&mut stack.scope("orders"), ...)`.
    #[track_caller]
    pub fn scope(&mut self, name: &str) -> Scope<'_> {
        let instance = self.open_instance(None, name, Location::caller());
        Scope { stack: self, instance }
    }

    fn open_instance(&mut self, parent: Option<InstanceId>, name: &str, caller: &'static Location<'static>) -> InstanceId {
        let path = match parent {
            Some(p) => format!("{}_{name}", self.instances[p.0].path),
            None => name.to_owned(),
        };
        let call_site = Origin { file: caller.file(), line: caller.line() };
        if let Some(first) = self.instances.iter().find(|i| i.path == path) {
            self.scope_collisions.push(ScopeCollision { path: path.clone(), first: first.call_site, second: call_site });
        }
        self.instances.push(Instance { path, component: None, call_site, parent, suppressions: Vec::new() });
        InstanceId(self.instances.len() - 1)
    }

    /// The instance `id` names: a resource's [`Resource::instance`], or an
    /// instance's [`Instance::parent`]. An ID means something only in the
    /// stack that gave it.
    pub fn instance(&self, id: InstanceId) -> &Instance {
        &self.instances[id.0]
    }

    /// The instance and its ancestors, innermost first.
    pub fn instance_chain(&self, id: Option<InstanceId>) -> impl Iterator<Item = (InstanceId, &Instance)> {
        std::iter::successors(id, |i| self.instances[i.0].parent).map(|i| (i, &self.instances[i.0]))
    }
}

impl<'s> Scope<'s> {
    /// Opens an instance inside this one, for a nested component.
    #[track_caller]
    pub fn scope(&mut self, name: &str) -> Scope<'_> {
        let instance = self.stack.open_instance(Some(self.instance), name, Location::caller());
        Scope { stack: self.stack, instance }
    }

    /// Suppresses a rule for every resource of the instance (and of the
    /// instances inside it); checked and reported like any suppression.
    pub fn suppress(&mut self, suppression: Suppression) -> &mut Self {
        self.stack.instances[self.instance.0].suppressions.push(suppression);
        self
    }

    /// [`Scope::suppress`] for a scope made in the same expression:
    /// `&mut stack.scope("orders").suppressing(...)`.
    pub fn suppressing(mut self, suppression: Suppression) -> Self {
        self.suppress(suppression);
        self
    }

    /// The instance's prefix (`orders`): for names that must be unique in
    /// the account, such as a table's name.
    pub fn path(&self) -> &str {
        &self.stack.instances[self.instance.0].path
    }

    /// `<path>-<what>` with `_` as `-`: a name for a cloud resource.
    pub fn name(&self, what: &str) -> String {
        format!("{}-{what}", self.path()).replace('_', "-")
    }

    /// Records which component fills the instance (`#[component]` does,
    /// through `__private::enter_component`).
    pub(crate) fn enter_component(&mut self, component: &'static str) {
        self.stack.instances[self.instance.0].component = Some(component);
    }

    /// Adds a resource of the instance: its name gets the instance's prefix.
    pub fn add(&mut self, mut resource: Resource) -> Handle {
        let address = &resource.address;
        let name = format!("{}_{}", self.path(), address.name);
        resource.address = std::sync::Arc::new(Address::new(address.mode, &address.type_name, name));
        resource.instance = Some(self.instance);
        self.stack.add(resource)
    }

    /// An output of the instance, named `<path>_<name>`.
    pub fn output_with(&mut self, name: &str, output: Output) -> &mut Self {
        let name = format!("{}_{name}", self.path());
        self.stack.output_with(&name, output);
        self
    }

    /// Configures a provider of the whole stack.
    pub fn provider(&mut self, provider: Provider) -> &mut Self {
        self.stack.provider(provider);
        self
    }

    /// The stack the instance belongs to.
    pub fn stack(&mut self) -> &mut Stack {
        self.stack
    }
}
