//! Input variables and local values: the values a configuration takes
//! from whoever runs Terraform (`-var`, `-var-file`, `TF_VAR_*`), and the
//! names it gives to its own expressions.
//!
//! Layer: model. A variable is declared once in the stack and read through
//! `var.<name>` references ([`Var`]); its validations are values like any
//! other, so the same walk, checks and rendering apply to them.

use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use super::shape::{Attribute, Referent};
use crate::reference::Reference;
use crate::schema::TypeConstraint;
use crate::value::Value;

/// `variable "name" { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    /// `type`; `None` leaves it out (Terraform then accepts any value).
    pub ty: Option<TypeConstraint>,
    /// `default`: without one, Terraform asks for a value at plan.
    pub default: Option<Value>,
    /// `description`, shown by `terraform plan` when it asks.
    pub description: String,
    /// `sensitive`: Terraform hides the value in plan output; an output
    /// that reads it must be sensitive too.
    pub sensitive: bool,
    /// `nullable`: may the caller pass `null`? Terraform's default is yes;
    /// written only when `false`.
    pub nullable: bool,
    /// `ephemeral` (Terraform 1.10): the value is never stored in the plan
    /// or the state, so it may only go where nothing keeps it (write-only
    /// arguments, provider configurations, other ephemeral values).
    pub ephemeral: bool,
    /// `validation` blocks, in order.
    pub validations: Vec<Validation>,
}

impl Default for Variable {
    fn default() -> Self {
        Variable { ty: None, default: None, description: String::new(), sensitive: false, nullable: true, ephemeral: false, validations: Vec::new() }
    }
}

impl Variable {
    /// A variable of type `ty`, with everything else at Terraform's default.
    pub fn of_type(ty: TypeConstraint) -> Self {
        Variable { ty: Some(ty), ..Variable::default() }
    }
}

/// A Rust type that declares a stack's input variables, one per field:
/// `#[derive(Variables)]` implements it. `stack.declare::<T>()` declares
/// them and returns their references, as `var` in the DSL.
pub trait Variables {
    /// The references to the variables: a struct of [`Var`]s, one per field.
    type Handles;
    /// Declares every variable on `stack`.
    fn declare(stack: &mut super::Stack) -> Self::Handles;
}

/// `validation { condition = ..., error_message = ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Validation {
    /// A bool expression over the variable (`var.retention >= 365`).
    pub condition: Value,
    /// What Terraform prints when a value breaks it.
    pub error_message: String,
}

/// A reference to an input variable whose type has the shape `K` (a kind
/// of [`crate::graph::shape`]: `Str`, `Number`, `Map<Str>`, `Object<S>`):
/// `retention.field` type-checks as an attribute of that kind does, and
/// the value is `var.<name>`.
pub struct Var<K: 'static = super::shape::Dynamic> {
    name: Arc<str>,
    _kind: PhantomData<fn() -> K>,
}

impl<K: 'static> Var<K> {
    /// The variable named `name`.
    pub fn named(name: &str) -> Self {
        Var { name: name.into(), _kind: PhantomData }
    }

    /// The variable's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<K: 'static> Clone for Var<K> {
    fn clone(&self) -> Self {
        Var { name: self.name.clone(), _kind: PhantomData }
    }
}

impl<K: 'static> std::fmt::Debug for Var<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "var.{}", self.name)
    }
}

impl<K: 'static> Deref for Var<K> {
    type Target = Attribute<K>;
    fn deref(&self) -> &Attribute<K> {
        Attribute::<K>::of()
    }
}

impl<K: 'static> Referent for Var<K> {
    fn root_reference(&self) -> Reference {
        Reference::variable(&self.name)
    }
}

impl<K: 'static> From<&Var<K>> for Value {
    fn from(v: &Var<K>) -> Value {
        Value::Ref(v.root_reference())
    }
}

impl<K: 'static> From<Var<K>> for Value {
    fn from(v: Var<K>) -> Value {
        Value::Ref(v.root_reference())
    }
}

/// A reference to a local value of shape `K`: `local.<name>`.
pub struct Local<K: 'static = super::shape::Dynamic> {
    name: Arc<str>,
    _kind: PhantomData<fn() -> K>,
}

impl<K: 'static> Local<K> {
    /// The local value named `name`.
    pub fn named(name: &str) -> Self {
        Local { name: name.into(), _kind: PhantomData }
    }

    /// The local value's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<K: 'static> Clone for Local<K> {
    fn clone(&self) -> Self {
        Local { name: self.name.clone(), _kind: PhantomData }
    }
}

impl<K: 'static> std::fmt::Debug for Local<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "local.{}", self.name)
    }
}

impl<K: 'static> Deref for Local<K> {
    type Target = Attribute<K>;
    fn deref(&self) -> &Attribute<K> {
        Attribute::<K>::of()
    }
}

impl<K: 'static> Referent for Local<K> {
    fn root_reference(&self) -> Reference {
        Reference::local(&self.name)
    }
}

impl<K: 'static> From<&Local<K>> for Value {
    fn from(v: &Local<K>) -> Value {
        Value::Ref(v.root_reference())
    }
}

impl<K: 'static> From<Local<K>> for Value {
    fn from(v: Local<K>) -> Value {
        Value::Ref(v.root_reference())
    }
}
