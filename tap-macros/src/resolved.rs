//! The resolved model: what `resolve` makes of an invocation and the only
//! thing `expand` reads. A resource is its address, its body with holes
//! where Rust expressions go, its meta-arguments, and beside them the span
//! of every value and the compile-time view the checks ran on.
//!
//! Phase: resolve output. Every name in here was looked up, every literal
//! read, every reference bound; nothing here is looked up again. The holes
//! are this crate's: `tap_core`'s public `Value` never sees them, and the
//! one way from this model to `tap_core` is [`view`] (with [`body_view`]).

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use syn::{Expr, Ident, LitStr};
use tap_core::__private::unknown;
use tap_core::path::{AttrPath, Step};
use tap_core::reference::{Address, Reference};
use tap_core::value::{add_block, add_block_instance, BinaryOp, Expr as CoreExpr, Fields, For, UnaryOp, Value as CoreValue};

use crate::model::{Metas, RefStep};

/// A value after resolution.
pub enum Value {
    /// Kept as written: the expansion quotes the user's literal.
    Str(LitStr),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
    /// `concat!(...)`.
    Template(Vec<Value>),
    /// `tf::name(...)`: the function as Terraform names it, its arguments,
    /// and for a provider's function (`provider::aws::arn_parse`) the
    /// provider (boxed: rarely there, and large).
    Call(String, Vec<Value>, Option<Box<tap_core::value::CallProvider>>),
    /// A reference through a binding the macro knows (boxed: it is the
    /// largest variant).
    Ref(Box<Ref>),
    /// `handles[*].attr`: the view is one reference standing for all of them.
    Splat { root: Ident, attr: String, view: Reference, span: Span },
    /// `root.steps...` for a root the macro has no binding for: rustc's
    /// type checker decides what it is (`crate::typed_ref`).
    Unbound { root: Ident, steps: Vec<RefStep>, span: Span },
    /// `var.x...`, `local.x...`, a `let` bound to either, or a name a
    /// `for` expression binds: the reference as the view knows it (a
    /// run-time index reads as `[0]`), and the steps as written.
    /// `binding` is the Rust `let` it was read through, if any: the
    /// expansion uses it, so it is not reported unused.
    Named { view: Reference, steps: Vec<RefStep>, binding: Option<Ident>, span: Span },
    /// A Terraform operator, conditional or `for` expression.
    Expr(Box<TfExpr>),
    /// A Rust expression, known when the stack runs.
    Hole(Expr),
}

/// A Terraform expression over resolved values.
pub enum TfExpr {
    /// `collection[key].steps`: an element chosen by a Terraform value
    /// (`zones.names[count.index]`).
    Index(Value, Value, Vec<RefStep>),
    Binary(BinaryOp, Value, Value),
    Unary(UnaryOp, Value),
    Conditional(Value, Value, Value),
    For(Box<ForParts>),
}

/// The parts of a `for` expression (boxed: the largest variant).
pub struct ForParts {
    pub key: Option<String>,
    pub value: String,
    pub collection: Value,
    pub key_out: Option<Value>,
    pub out: Value,
    pub condition: Option<Value>,
}

impl Value {
    /// Is it a Terraform value (a reference, a call, an expression), or
    /// does it hold one? An operator over none is Rust's.
    pub fn is_terraform(&self) -> bool {
        match self {
            Value::Ref(_) | Value::Splat { .. } | Value::Named { .. } | Value::Call(..) | Value::Expr(_) => true,
            Value::List(items) | Value::Template(items) => items.iter().any(Value::is_terraform),
            Value::Map(entries) => entries.iter().any(|(_, v)| v.is_terraform()),
            _ => false,
        }
    }
}

/// `handle.attr[0]...`, or `handles[i].attr...` for one handle of a collection.
pub struct Ref {
    pub root: Ident,
    /// `[i]` of `handles[i]`.
    pub element: Option<Expr>,
    /// The instance read, on a handle of a resource with `count` or `for_each`.
    pub instance: Option<Instance>,
    /// The attribute the reference starts with.
    pub first: String,
    /// The steps after it, evaluated when the stack runs.
    pub rest: Vec<RefStep>,
    /// The target as the compile-time view knows it; `None` for a handle
    /// whose type the macro cannot see.
    pub view: Option<Reference>,
    pub span: Span,
}

/// Which instance of a resource with `count` or `for_each` a reference reads.
pub enum Instance {
    /// `private[0]`, `private["a"]`.
    Known(tap_core::reference::InstanceKey),
    /// `private[i]`: a Rust value, known when the stack runs.
    Rust(Expr),
    /// `private[count.index]`: a value Terraform knows.
    Terraform(Value),
    /// `private[*]`: every instance.
    All(tap_core::schema::iteration::Repeats),
    /// `private`: the list (`count`) or map (`for_each`) of the instances,
    /// for a `for` expression or another resource's `for_each`.
    Whole,
}

/// `count = ...` or `for_each = ...`, resolved.
pub struct Repetition {
    pub repeats: tap_core::schema::iteration::Repeats,
    pub value: Value,
}

impl Repetition {
    /// The compile-time view.
    pub fn view(&self) -> tap_core::graph::Repetition {
        use tap_core::schema::iteration::Repeats;
        match self.repeats {
            Repeats::Count => tap_core::graph::Repetition::Count(view(&self.value)),
            Repeats::ForEach => tap_core::graph::Repetition::ForEach(view(&self.value)),
        }
    }
}

impl Value {
    /// What stands where a value had an error: unknown to the checks that
    /// still run. An item with an error is never rendered.
    pub fn rejected() -> Value {
        Value::Hole(Expr::Verbatim(TokenStream::new()))
    }
}

/// A body: arguments and block instances as written, in order. A block
/// written twice is two entries; `view` and the running stack fold them
/// into a list the same way (`add_block_instance`).
#[derive(Default)]
pub struct Body {
    pub entries: Vec<(String, Node)>,
}

pub enum Node {
    Attr(Value),
    Block(Body),
    /// `for iterator in collection { key { body } }`: a `dynamic` block.
    Dynamic { iterator: String, collection: Value, body: Body },
}

/// The compile-time view of a value: holes and references the macro
/// cannot follow are `Unknown`, as Rust expressions were.
pub fn view(v: &Value) -> CoreValue {
    match v {
        Value::Str(s) => CoreValue::Str(s.value()),
        Value::Int(n) => CoreValue::Int(*n),
        Value::Float(n) => CoreValue::Float(*n),
        Value::Bool(b) => CoreValue::Bool(*b),
        Value::Null => CoreValue::Null,
        Value::List(items) => CoreValue::List(items.iter().map(view).collect()),
        Value::Map(entries) => CoreValue::Map(entries.iter().map(|(k, v)| (k.clone(), view(v))).collect()),
        Value::Template(parts) => CoreValue::Template(parts.iter().map(view).collect()),
        Value::Call(function, args, provider) => {
            CoreValue::Call(tap_core::value::Call { function: function.clone(), args: args.iter().map(view).collect(), provider: provider.as_deref().cloned() })
        }
        Value::Ref(r) => match (&r.instance, &r.view) {
            (_, None) => unknown(),
            (Some(Instance::Terraform(key)), Some(reference)) => {
                let whole = Reference { root: reference.root.clone(), path: AttrPath::root() };
                CoreValue::expr(CoreExpr::Index { collection: CoreValue::Ref(whole), key: view(key), path: AttrPath::from(reference.attribute_steps().to_vec()) })
            }
            (Some(Instance::All(tap_core::schema::iteration::Repeats::ForEach)), Some(reference)) => {
                let whole = Reference { root: reference.root.clone(), path: AttrPath::root() };
                let values = CoreValue::call("values", vec![CoreValue::Ref(whole)]);
                CoreValue::expr(CoreExpr::Splat { collection: values, path: AttrPath::from(reference.attribute_steps().to_vec()) })
            }
            (_, Some(reference)) => CoreValue::Ref(reference.clone()),
        },
        Value::Splat { view: reference, .. } => CoreValue::List(vec![CoreValue::Ref(reference.clone())]),
        Value::Named { view: reference, .. } => named_view(reference),
        Value::Expr(e) => CoreValue::expr(match &**e {
            TfExpr::Index(collection, key, steps) => CoreExpr::Index { collection: view(collection), key: view(key), path: AttrPath::from(steps.iter().map(static_step).collect::<Vec<_>>()) },
            TfExpr::Binary(op, l, r) => CoreExpr::Binary { op: *op, left: view(l), right: view(r) },
            TfExpr::Unary(op, o) => CoreExpr::Unary { op: *op, operand: view(o) },
            TfExpr::Conditional(c, t, o) => CoreExpr::Conditional { condition: view(c), then: view(t), otherwise: view(o) },
            TfExpr::For(f) => CoreExpr::For(For {
                key: f.key.clone(),
                value: f.value.clone(),
                collection: view(&f.collection),
                key_out: f.key_out.as_ref().map(view),
                out: view(&f.out),
                condition: f.condition.as_ref().map(view),
            }),
        }),
        Value::Unbound { .. } | Value::Hole(_) => unknown(),
    }
}

/// A step as the compile-time view reads it: an index known only when
/// the stack runs reads as `[0]`, enough to check the shape.
pub fn static_step(step: &RefStep) -> Step {
    match step {
        RefStep::Attr(a) => Step::Attr(crate::model::name_of(a)),
        RefStep::Index(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })) => Step::Index(i.base10_parse().unwrap_or(0)),
        RefStep::Index(_) => Step::Index(0),
        RefStep::Key(k) => Step::Key(k.value()),
        RefStep::Each(_) => Step::Each,
    }
}

/// A reference with `[*]` in its path is a splat: what comes before it,
/// read on every element.
pub fn named_view(reference: &Reference) -> CoreValue {
    match reference.path.steps().iter().position(|s| *s == Step::Each) {
        None => CoreValue::Ref(reference.clone()),
        Some(at) => {
            let (before, after) = reference.path.steps().split_at(at);
            let collection = Reference { root: reference.root.clone(), path: AttrPath::from(before.to_vec()) };
            CoreValue::expr(CoreExpr::Splat { collection: CoreValue::Ref(collection), path: AttrPath::from(after[1..].to_vec()) })
        }
    }
}

/// The compile-time view of a `dynamic` block.
pub fn dynamic_view(iterator: &str, collection: &Value, body: &Body) -> CoreValue {
    CoreValue::expr(CoreExpr::Dynamic(Box::new(tap_core::value::Dynamic { for_each: view(collection), iterator: iterator.to_owned(), content: CoreValue::Block(body_view(body)) })))
}

/// The compile-time view of a body, folded as the running stack folds it.
pub fn body_view(body: &Body) -> Fields {
    let mut out = Fields::new();
    for (key, node) in &body.entries {
        match node {
            Node::Attr(v) => {
                out.insert(key.clone(), view(v));
            }
            Node::Block(inner) => add_block_instance(&mut out, key, body_view(inner)),
            Node::Dynamic { iterator, collection, body } => add_block(&mut out, key, dynamic_view(iterator, collection, body)),
        }
    }
    out
}

/// One `resource!` or `data!` that passed phase 2.
pub struct Resource {
    /// The static address: `private[*]` for an indexed one.
    pub address: Address,
    /// `#[count(...)]` or `#[for_each(...)]`.
    pub repetition: Option<Repetition>,
    /// The name as written, before any index.
    pub base_name: String,
    /// `[i]` after the name: one resource per value, named `<name>_<i>`.
    pub index: Option<Expr>,
    pub body: Body,
    /// Checked: `depends_on` names handles, `ignore_changes` the type's
    /// attributes, every suppression was accepted.
    pub metas: Metas,
    /// `#[override_...]`, resolved, in the order written.
    pub overrides: Vec<Override>,
    /// Its lifecycle settings, provisioners and connection, resolved.
    pub life: Life,
    /// The compile-time view of `body` after its overrides, which the
    /// schema checks ran on and the policy phase runs on.
    pub view: Fields,
    pub spans: SpanMap,
    /// The `aws_vpc.main` tokens: where findings on the whole resource go.
    pub name_span: Span,
    /// The whole invocation: its line is the resource's origin.
    pub span: Span,
}

/// What `resolve` makes of a resource's `#[lifecycle]`, `#[provisioner]`
/// and `#[connection]`; the flags stay in [`Metas`].
#[derive(Default)]
pub struct Life {
    /// Each path as Terraform writes it: `tags["Owner"]`.
    pub ignore_changes: Vec<String>,
    pub ignore_all: bool,
    pub replace_triggered_by: Vec<Trigger>,
    /// `(condition, error_message)`.
    pub preconditions: Vec<(Value, String)>,
    pub postconditions: Vec<(Value, String)>,
    /// Terraform's name (`local-exec`) and the arguments.
    pub provisioners: Vec<(String, Body)>,
    pub connection: Option<Body>,
    /// The compile-time view of the provisioners and the connection, for
    /// the policy phase (TAP-SEC-001 reads connection secrets).
    pub provisioners_view: Vec<tap_core::graph::Provisioner>,
    pub connection_view: Option<Fields>,
}

/// One `replace_triggered_by` entry.
pub enum Trigger {
    /// `config.id`: a reference through a handle (a [`Value::Ref`]).
    Attribute(Value),
    /// `config`: the whole resource.
    Resource(Ident),
}

/// One override that passed phase 2: its path parsed, its value resolved.
pub struct Override {
    pub path: LitStr,
    /// `None`: remove what is at the path.
    pub value: Option<Value>,
    pub unchecked: bool,
}

/// One `provider!` that passed phase 2.
pub struct ProviderConfig {
    /// The provider's local name: `aws`.
    pub name: String,
    pub alias: Option<String>,
    pub body: Body,
    pub view: Fields,
}

/// One `variable!` that passed phase 2.
pub struct Variable {
    pub name: String,
    /// The type, rendered as Terraform writes it.
    pub ty: Option<tap_core::schema::TypeConstraint>,
    pub default: Option<Value>,
    pub description: String,
    pub sensitive: bool,
    pub nullable: bool,
    pub ephemeral: bool,
    /// `(condition, error_message)`.
    pub validations: Vec<(Value, String)>,
}

/// One `backend!` that passed phase 2.
pub struct BackendConfig {
    /// The backend's name: `s3`, or `cloud`.
    pub name: String,
    pub body: Body,
    /// Each deprecated argument set: where, and the warning's text.
    pub deprecations: Vec<(Span, String)>,
}

/// One `output!` that passed phase 2.
pub struct Output {
    pub name: String,
    pub value: Value,
    /// Inferred from the value.
    pub ty: tap_core::schema::TypeConstraint,
    pub description: LitStr,
    pub sensitive: bool,
}

/// Where each value and key of one resource was written.
#[derive(Default)]
pub struct SpanMap {
    keys: HashMap<AttrPath, Span>,
    values: HashMap<AttrPath, Span>,
    /// Nested blocks whose first instance is recorded as `key`, named
    /// `key[0]` by checks that treat every list block as a list.
    single_blocks: HashSet<AttrPath>,
}

impl SpanMap {
    pub fn record(&mut self, path: &AttrPath, key: Option<Span>, value: Span) {
        // As written, so that an override's `block[0].x` is found as `block.x`.
        let path = self.as_written(path);
        if let Some(k) = key {
            self.keys.insert(path.clone(), k);
        }
        self.values.insert(path, value);
    }

    /// `path` is the first instance of a block, recorded as written.
    pub fn single_block(&mut self, path: AttrPath) {
        self.single_blocks.insert(path);
    }

    /// `key[0].x` as `key.x` where `key`'s first instance was recorded as written.
    fn as_written(&self, path: &AttrPath) -> AttrPath {
        let mut out = AttrPath::root();
        for step in path.steps() {
            if *step == Step::Index(0) && self.single_blocks.contains(&out) {
                continue;
            }
            out.push(step.clone());
        }
        out
    }

    /// The span for a path, walking up to the nearest recorded ancestor.
    pub fn find(&self, path: &AttrPath, prefer_key: bool, fallback: Span) -> Span {
        let lookup = |p: &AttrPath| {
            if prefer_key {
                self.keys.get(p).or_else(|| self.values.get(p))
            } else {
                self.values.get(p).or_else(|| self.keys.get(p))
            }
        };
        let mut p = self.as_written(path);
        loop {
            if let Some(s) = lookup(&p) {
                return *s;
            }
            if p.pop().is_none() {
                return fallback;
            }
        }
    }
}
