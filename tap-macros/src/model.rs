//! The parsed form of `resource!`, `data!` and `output!` invocations, with a
//! span on every user-written token.
//!
//! Phase: parse output. Holds syntax only: no schema lookups, no checks.
//! `resolve` consumes it into `crate::resolved`; only [`Metas`] (and the
//! Rust expressions inside values) travel on into the resolved model as
//! they were written.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Expr, Ident, LitStr};
use tap_core::reference::Mode;

/// The name an identifier stands for, without the `r#` of a raw
/// identifier: `r#type` is the argument `type`. Every place that turns a
/// user's identifier into a Terraform name goes through here.
pub fn name_of(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// `resource!(aws_subnet.private[i] { ... })`.
pub struct Invocation {
    /// `resource!` declares a managed resource, `data!` a data source.
    pub mode: Mode,
    pub type_ident: Ident,
    pub name: Ident,
    /// `[i]` after the name: one resource per value, named `<name>_<i>`.
    pub index: Option<Expr>,
    pub body: Body,
    /// The whole invocation, for errors with no better place.
    pub span: Span,
}

impl Invocation {
    pub fn type_name(&self) -> String {
        name_of(&self.type_ident)
    }

    /// The logical name as the compile-time view knows it: `private[*]` for indexed ones.
    pub fn static_name(&self) -> String {
        let name = self.base_name();
        if self.index.is_some() {
            format!("{name}[*]")
        } else {
            name
        }
    }

    /// The logical name as written, before any index.
    pub fn base_name(&self) -> String {
        name_of(&self.name)
    }
}

/// The inside of a `{ ... }` resource body or nested block.
#[derive(Default)]
pub struct Body {
    pub entries: Vec<Entry>,
    /// Meaningful on a resource body only; nested blocks' are ignored.
    pub metas: Metas,
    /// The name of the first meta-argument written, if any: where a
    /// provider configuration, which takes none, reports them.
    pub first_meta: Option<Span>,
}

/// `key: value`, `key { ... }`, or `for rule in collection { key { ... } }`.
pub enum Entry {
    Attr { key: Ident, value: ValueExpr },
    Block { key: Ident, body: Body, span: Span },
    /// A `dynamic` block: one `key` block per element of `collection`,
    /// whose body reads `iterator.key` and `iterator.value`.
    Dynamic { iterator: Ident, collection: Box<ValueExpr>, key: Ident, body: Body, span: Span },
}

impl Entry {
    pub fn key(&self) -> &Ident {
        match self {
            Entry::Attr { key, .. } | Entry::Block { key, .. } | Entry::Dynamic { key, .. } => key,
        }
    }

    /// The argument or block name it sets.
    pub fn name(&self) -> String {
        name_of(self.key())
    }
}

/// The `#[...]` meta-arguments of a resource, one field each. The parser
/// fills it, `resolve` checks it in place, and the resolved resource
/// carries it to `expand` as is: a new meta-argument is one field here,
/// one arm in the parser and one statement in the renderer.
#[derive(Default)]
pub struct Metas {
    /// `#[depends_on(a, b)]` (repeatable: the names add up).
    pub depends_on: Vec<Ident>,
    /// `#[lifecycle(...)]`: several add up (flags, paths, references and
    /// conditions), so a long one can be split.
    pub lifecycle: Option<Lifecycle>,
    /// `#[provider(alias)]`: the last one written counts.
    pub provider: Option<Ident>,
    /// `#[count(n)]` or `#[for_each(collection)]` (`resolve` takes the
    /// value: it is resolved like the body's).
    pub repetition: Option<RepetitionMeta>,
    /// `#[suppress(...)]`, in the order written.
    pub suppress: Vec<Suppress>,
    /// `#[override_("path", value)]`, `#[override_unchecked(...)]` and
    /// `#[override_remove("path")]`, in the order written (`resolve`
    /// takes them: their values are resolved like the body's).
    pub overrides: Vec<OverrideMeta>,
    /// `#[provisioner(local_exec { ... })]`, in the order written.
    pub provisioners: Vec<ProvisionerMeta>,
    /// `#[connection(type: "ssh", host: this.public_ip, ...)]`: the last one counts.
    pub connection: Option<ConnectionMeta>,
}

/// `#[count(n)]` or `#[for_each(collection)]`, with the meta-argument's name.
pub struct RepetitionMeta {
    pub repeats: tap_core::schema::iteration::Repeats,
    pub value: ValueExpr,
    pub name: Ident,
}

/// One override as written: the escape hatch of `tap_core::graph::overrides`.
pub struct OverrideMeta {
    pub path: LitStr,
    /// `None` for `#[override_remove]`.
    pub value: Option<ValueExpr>,
    /// `#[override_unchecked]`: a name close to a known one is meant.
    pub unchecked: bool,
}

/// `#[lifecycle(prevent_destroy, create_before_destroy, ignore_changes = [a, tags["Owner"]],
/// replace_triggered_by = [config.id], precondition(condition = ..., error_message = "..."))]`.
#[derive(Default)]
pub struct Lifecycle {
    pub prevent_destroy: bool,
    pub create_before_destroy: bool,
    pub ignore_changes: Vec<IgnorePath>,
    /// `ignore_changes = all`, where it was written.
    pub ignore_all: Option<Span>,
    /// References to handles (`config.id`) or bare handles (`config`).
    pub replace_triggered_by: Vec<ValueExpr>,
    pub preconditions: Vec<ConditionMeta>,
    pub postconditions: Vec<ConditionMeta>,
}

/// One `ignore_changes` path: `tags`, `tags["Owner"]`, `ingress[0].cidr_blocks`.
pub struct IgnorePath {
    pub steps: Vec<tap_core::path::Step>,
    /// The whole path as written.
    pub span: Span,
}

/// `precondition(condition = ..., error_message = "...")`.
pub struct ConditionMeta {
    pub condition: ValueExpr,
    pub error_message: LitStr,
    /// The `precondition` or `postcondition` name.
    pub span: Span,
}

/// `#[provisioner(remote_exec { inline: [...], connection { ... } })]`.
pub struct ProvisionerMeta {
    /// `local_exec`, `remote_exec` or `file` as written (Terraform's names
    /// have a `-`, which an identifier cannot).
    pub kind: Ident,
    pub body: Body,
}

/// `#[connection(...)]`: its arguments, and the `connection` name.
pub struct ConnectionMeta {
    pub body: Box<Body>,
    pub span: Span,
}

/// `suppress("TAP-XXX-000", reason = "...", finding = "path")`: on a
/// resource, a component instance or a stack. `finding` makes it precise:
/// it covers only that finding.
pub struct Suppress {
    pub rule: LitStr,
    pub reason: Option<LitStr>,
    pub finding: Option<LitStr>,
    /// The `suppress` name: where a missing reason is reported.
    pub span: Span,
}

/// A map key: an identifier (`Name`) or a string literal (`"aws:SourceArn"`).
pub struct MapKey {
    pub text: String,
    pub span: Span,
}

/// One step after a binding as written: `.attr`, `[index]`, `["key"]`.
/// Syntax, not a path: an index is any Rust expression, evaluated when the
/// stack runs. The compile-time view turns it into a
/// [`tap_core::path::Step`] (an unknown index reads as `[0]`, enough to
/// check the attribute's shape).
pub enum RefStep {
    Attr(Ident),
    /// A literal or run-time index.
    Index(Expr),
    Key(LitStr),
    /// `[*]` after a variable's or local's path: a splat.
    Each(Span),
}

impl RefStep {
    /// Where the step was written.
    pub fn span(&self) -> Span {
        match self {
            RefStep::Attr(a) => a.span(),
            RefStep::Index(e) => syn::spanned::Spanned::span(e),
            RefStep::Key(k) => k.span(),
            RefStep::Each(s) => *s,
        }
    }
}

/// A value as written.
pub enum ValueExpr {
    Str(LitStr),
    Int(syn::LitInt, bool),
    Float(syn::LitFloat, bool),
    Bool(syn::LitBool),
    Null(Span),
    List(Vec<ValueExpr>, Span),
    Map(Vec<(MapKey, ValueExpr)>, Span),
    /// `binding.attr[0]...`: a reference to a declared resource, or
    /// `bindings[i].attr...`: to one handle of a collection.
    Ref { binding: Ident, steps: Vec<RefStep>, span: Span },
    /// `bindings[*].attr`: one reference per handle in a collection.
    Splat { binding: Ident, attr: Ident, span: Span },
    /// `tf::jsonencode(...)`: a Terraform function call; with a provider,
    /// `tf::provider::aws::arn_parse(...)`: one of that provider's functions.
    Call { provider: Option<Ident>, function: Ident, args: Vec<ValueExpr>, span: Span },
    /// `concat!(...)`: a string template of literal parts and expressions.
    Concat(Vec<ValueExpr>, Span),
    /// `a + b`, `a >= b`, `a && b`, ...: a Terraform operator when an
    /// operand is a Terraform value, else the Rust expression as written.
    Binary { op: tap_core::value::BinaryOp, left: Box<ValueExpr>, right: Box<ValueExpr>, rust: Expr },
    /// `!a`, `-a`; likewise.
    Unary { op: tap_core::value::UnaryOp, operand: Box<ValueExpr>, rust: Expr },
    /// `if c { a } else { b }`: Terraform's `c ? a : b` when `c` is a
    /// Terraform value.
    Conditional { condition: Box<ValueExpr>, then: Box<ValueExpr>, otherwise: Box<ValueExpr>, rust: Expr },
    /// `for v in xs { out }`, `for (k, v) in m { (key, out) }`, with an
    /// optional `if c { ... }` around the result: Terraform's `for`
    /// expression.
    For(Box<ForExpr>),
    /// Any other Rust expression: known only when the stack runs.
    Rust(Expr),
}

/// `for (key, value) in collection { if condition { (key_out, out) } }`.
pub struct ForExpr {
    pub key: Option<Ident>,
    pub value: Ident,
    pub collection: ValueExpr,
    pub key_out: Option<ValueExpr>,
    pub out: ValueExpr,
    pub condition: Option<ValueExpr>,
    pub span: Span,
}

impl ValueExpr {
    pub fn span(&self) -> Span {
        use syn::spanned::Spanned;
        match self {
            ValueExpr::Str(l) => l.span(),
            ValueExpr::Int(l, _) => l.span(),
            ValueExpr::Float(l, _) => l.span(),
            ValueExpr::Bool(l) => l.span,
            ValueExpr::Null(s) | ValueExpr::List(_, s) | ValueExpr::Map(_, s) | ValueExpr::Concat(_, s) => *s,
            ValueExpr::Ref { span, .. } | ValueExpr::Splat { span, .. } | ValueExpr::Call { span, .. } => *span,
            ValueExpr::Binary { rust, .. } | ValueExpr::Unary { rust, .. } | ValueExpr::Conditional { rust, .. } => rust.span(),
            ValueExpr::For(f) => f.span,
            ValueExpr::Rust(e) => e.span(),
        }
    }
}

/// `provider!(aws { region: "us-west-2" })` or, with an alias, `provider!(aws.east { ... })`.
pub struct ProviderInvocation {
    /// The provider's local name: `aws`.
    pub name: Ident,
    pub alias: Option<Ident>,
    pub body: Body,
}

/// `variable!(retention: number { default: 365, description: "...", validation { ... } })`.
pub struct VariableInvocation {
    pub name: Ident,
    /// The type as written (`map(object({ cidr: string }))`), and where.
    pub ty: Option<(String, Span)>,
    /// Its settings, as a body: `default`, `description`, `sensitive`,
    /// `nullable`, `ephemeral` and `validation { condition, error_message }` blocks.
    pub body: Body,
}

/// `local!(name = value)`.
pub struct LocalInvocation {
    pub name: Ident,
    pub value: ValueExpr,
}

/// `backend!(s3 { bucket: "...", key: "...", use_lockfile: true })`, or
/// `backend!(cloud { ... })` for the `cloud` block.
pub struct BackendInvocation {
    /// The backend's name: `s3`.
    pub name: Ident,
    pub body: Body,
}

/// `output!(name { value: ..., description: "...", sensitive: false })`.
pub struct OutputInvocation {
    pub name: Ident,
    pub value: Option<ValueExpr>,
    pub description: Option<LitStr>,
    pub sensitive: bool,
}
