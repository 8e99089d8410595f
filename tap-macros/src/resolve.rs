//! Phase 2: resolves each invocation against the provider schema and the
//! bindings in scope, into the resolved model (`crate::resolved`).
//!
//! Phase: resolve. Reads the syntax (`crate::model`) once: reads literals,
//! binds references, checks types, names, kinds, values and
//! meta-arguments with `tap_core`'s schema checks (so synthesis runs the
//! same ones), and puts each error on the user's token. What passed is
//! kept for the policy phase and handed to `expand`; what failed leaves
//! only the bindings its placeholder must use. It emits no code and runs
//! no policy rule. One `Resolver` serves one `#[stack]` or `#[component]`.

use std::collections::BTreeMap;
use std::sync::Arc;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::Ident;
use tap_core::graph::overrides::{self, Change, Coverage, Override};
use tap_core::graph::Suppression;
use tap_core::path::{AttrPath, Step};
use tap_core::policy::{RuleSet, SuppressionSite};
use tap_core::reference::{Address, Mode, Reference};
use tap_core::schema::{backends, check_body, Descriptors, check_reference_path, provider_of, suggest, Block, IssueTarget};
use tap_core::graph::{Validation, Variable as CoreVariable};
use tap_core::reference::Root;
use tap_core::schema::TypeConstraint;
use tap_core::schema::functions::{self, CallProblem, Literal};
use tap_core::value::{CallProvider, Fields, Value as CoreValue};

/// A required field of an object type.
fn field(ty: TypeConstraint) -> tap_core::schema::ObjectField {
    tap_core::schema::ObjectField { ty, optional: false, default: None }
}

/// The one type all of `types` have, or `any`.
fn same_type<'t>(mut types: impl Iterator<Item = &'t TypeConstraint>) -> TypeConstraint {
    let Some(first) = types.next() else { return TypeConstraint::Any };
    if types.all(|t| t == first) { first.clone() } else { TypeConstraint::Any }
}

/// The name a postcondition, a provisioner and a connection read the
/// resource's own object by (Terraform's `self`).
const THIS: &str = "this";

/// Provisioner kinds as written, and as Terraform names them.
const PROVISIONER_KINDS: &[(&str, &str)] = &[("local_exec", "local-exec"), ("remote_exec", "remote-exec"), ("file", "file")];

/// What a `variable!` may set.
const VARIABLE_SETTINGS: &[&str] = &["default", "description", "sensitive", "nullable", "ephemeral", "validation"];

use crate::diag::{message, Diagnostics};
use crate::model::*;
use crate::policy_phase::{self, check_policy, PolicyInput};
use crate::resolved::{self, body_view, BackendConfig, Node, Output, ProviderConfig, Ref, Resource, SpanMap, TfExpr, Value};
use crate::schema::{Schemas, HOW_TO_ADD};
use crate::scope::{Binding, Scope};

pub struct Resolver<'a> {
    pub schema: &'a Schemas,
    pub diags: &'a mut Diagnostics,
    /// The rules suppressions may name; `None` when the organisation
    /// policy file has errors (reported once, on the attribute), so that
    /// its rule IDs are not reported as unknown as well.
    pub rules: Option<&'a RuleSet>,
    /// The providers' descriptors (the crate's and the embedded ones), gathered once per item.
    descriptors: Descriptors<'a>,
    /// The resources that passed, for the policy phase.
    resources: Vec<Resource>,
    providers: Vec<ProviderConfig>,
    /// Some resource had errors: the policy phase saw only part of the item.
    any_rejected: bool,
    /// Static addresses declared so far, for the duplicate-name check.
    /// With what repeats each: `count`, `for_each`, or nothing.
    names: BTreeMap<String, (Span, Option<tap_core::schema::iteration::Repeats>)>,
    outputs: BTreeMap<String, Span>,
    /// The bindings the item being resolved uses, in order: what its
    /// placeholder touches if it has errors.
    used: Vec<Ident>,
    /// The item's `variable!`s, all of them (gathered before anything is
    /// resolved: `var.x` may come before its declaration, as in Terraform).
    variables: BTreeMap<String, Declared>,
    /// The `local!`s declared so far (a local is read after it is declared).
    locals: BTreeMap<String, Declared>,
    /// The addresses `moved!`, `import!` and `removed!` name, checked at the end of the item.
    pub blocks: crate::blocks::Pending,
}

/// A declared variable or local, as references to it see it.
pub struct Declared {
    pub ty: Option<TypeConstraint>,
    pub span: Span,
    /// A local's value; a variable's declaration, once resolved.
    pub value: Option<CoreValue>,
    pub variable: Option<CoreVariable>,
}

impl<'a> Resolver<'a> {
    pub fn new(schema: &'a Schemas, rules: Option<&'a RuleSet>, diags: &'a mut Diagnostics) -> Self {
        Resolver {
            schema,
            diags,
            rules,
            descriptors: schema.descriptors(),
            resources: Vec::new(),
            providers: Vec::new(),
            any_rejected: false,
            names: BTreeMap::new(),
            outputs: BTreeMap::new(),
            used: Vec::new(),
            variables: BTreeMap::new(),
            locals: BTreeMap::new(),
            blocks: Default::default(),
        }
    }

    /// The static addresses declared so far (`aws_s3_bucket.logs`), with
    /// what repeats each, for the blocks' address checks.
    pub fn declared_names(&self) -> impl Iterator<Item = (String, Option<tap_core::schema::iteration::Repeats>)> + '_ {
        self.names.iter().map(|(name, (_, repeats))| (name.clone(), *repeats))
    }

    /// `type.name` of every resource declared in a Rust loop
    /// (`resource!(aws_subnet.private[i] { ... })`, named `private_0`, ...).
    pub fn looped_names(&self) -> impl Iterator<Item = String> + '_ {
        self.resources.iter().filter(|r| r.index.is_some()).map(|r| format!("{}.{}", r.address.type_name, r.base_name))
    }

    /// Before anything is resolved: a `variable!` of the item, by name and
    /// type (its type errors are reported when it is resolved).
    pub fn declare_variable(&mut self, inv: &VariableInvocation) {
        let name = name_of(&inv.name);
        if let Some(first) = self.variables.get(&name) {
            let msg = format!("variable `{name}` is declared twice");
            let first = first.span;
            self.diags.error(first, message(&msg, Some("give each variable its own name"), Some("first declared here")));
            self.diags.error(inv.name.span(), message(&msg, Some("give each variable its own name"), Some("declared again here")));
            return;
        }
        let ty = inv.ty.as_ref().and_then(|(text, _)| TypeConstraint::parse(text).ok());
        self.variables.insert(name, Declared { ty, span: inv.name.span(), value: None, variable: None });
    }

    /// Phase 2 for `variable!`: its type parses, its settings are the ones
    /// Terraform has and of their kinds, and its literal default fits its
    /// type and passes its own validations.
    pub fn variable(&mut self, inv: VariableInvocation, scope: &Scope) -> Option<resolved::Variable> {
        let before = self.diags.count();
        let name = name_of(&inv.name);
        let ty = match &inv.ty {
            None => None,
            Some((text, span)) => match TypeConstraint::parse(text) {
                Ok(ty) => Some(ty),
                Err(problem) => {
                    self.diags.error(*span, message(&format!("variable `{name}`: {problem}"), Some("types: string, number, bool, any, list(T), set(T), map(T), tuple([T, ...]), object({ name: T, other: optional(T, default) })"), None));
                    None
                }
            },
        };
        let mut out = resolved::Variable { name: name.clone(), ty, default: None, description: String::new(), sensitive: false, nullable: true, ephemeral: false, validations: Vec::new() };
        let mut spans = SpanMap::default();
        let flag = |this: &mut Self, key: &Ident, value: &ValueExpr| match value {
            ValueExpr::Bool(b) => Some(b.value),
            other => {
                this.diags.error(other.span(), message(&format!("`{}` takes `true` or `false`", name_of(key)), None, None));
                None
            }
        };
        let mut description = None;
        for entry in inv.body.entries {
            match entry {
                Entry::Attr { key, value } => match name_of(&key).as_str() {
                    "default" => {
                        let at = AttrPath::root().name("default");
                        spans.record(&at, Some(key.span()), value.span());
                        out.default = Some(self.value(value, &at, scope, &mut spans));
                    }
                    "description" => match value {
                        ValueExpr::Str(s) => description = Some(s.value()),
                        other => self.diags.error(other.span(), message("`description` takes a string literal", None, None)),
                    },
                    "sensitive" => out.sensitive = flag(self, &key, &value).unwrap_or(false),
                    "nullable" => out.nullable = flag(self, &key, &value).unwrap_or(true),
                    "ephemeral" => out.ephemeral = flag(self, &key, &value).unwrap_or(false),
                    other => self.unknown_setting(&key, other, "variable", VARIABLE_SETTINGS),
                },
                Entry::Block { key, body, .. } if name_of(&key) == "validation" => {
                    let (mut condition, mut error_message) = (None, None);
                    for e in body.entries {
                        match e {
                            Entry::Attr { key, value } if name_of(&key) == "condition" => {
                                condition = Some(self.value(value, &AttrPath::root().name("validation"), scope, &mut spans));
                            }
                            Entry::Attr { key, value } if name_of(&key) == "error_message" => match value {
                                ValueExpr::Str(s) => error_message = Some(s.value()),
                                other => self.diags.error(other.span(), message("`error_message` takes a string literal", None, None)),
                            },
                            other => self.unknown_setting(other.key(), &other.name(), "validation", &["condition", "error_message"]),
                        }
                    }
                    match (condition, error_message) {
                        (Some(c), Some(m)) => out.validations.push((c, m)),
                        _ => self.diags.error(key.span(), message("a `validation` needs a `condition` and an `error_message`", Some("write `validation { condition: var.x >= 1, error_message: \"...\" }`"), None)),
                    }
                }
                other => self.unknown_setting(other.key(), &other.name(), "variable", VARIABLE_SETTINGS),
            }
        }
        match description {
            Some(d) => out.description = d,
            None => self.diags.error(inv.name.span(), message(&format!("variable `{name}` has no `description`"), Some("add `description: \"...\"`: Terraform shows it when it asks for a value"), None)),
        }
        let core = CoreVariable {
            ty: out.ty.clone(),
            default: out.default.as_ref().map(resolved::view),
            description: out.description.clone(),
            sensitive: out.sensitive,
            nullable: out.nullable,
            ephemeral: out.ephemeral,
            validations: out.validations.iter().map(|(c, m)| Validation { condition: resolved::view(c), error_message: m.clone() }).collect(),
        };
        if let Some(default) = core.default.as_ref().filter(|d| !d.contains_unknown()) {
            if let Some(problem) = tap_core::validate::default_problem(&name, &core, default) {
                let span = spans.find(&AttrPath::root().name("default"), false, inv.name.span());
                let help = if core.sensitive {
                    "remove the default"
                } else if problem.contains("validation") {
                    "change the default, or the validation"
                } else {
                    "change the default, or the type"
                };
                self.diags.error(span, message(&format!("variable `{name}`: {problem}"), Some(help), None));
            }
        }
        if let Some(declared) = self.variables.get_mut(&name) {
            declared.ty = out.ty.clone();
            declared.variable = Some(core);
        }
        (self.diags.count() == before).then_some(out)
    }

    /// Phase 2 for `local!`: its value resolved; its type is its value's.
    pub fn local(&mut self, inv: LocalInvocation, scope: &Scope) -> Option<(String, Value)> {
        let name = name_of(&inv.name);
        let before = self.diags.count();
        if let Some(first) = self.locals.get(&name) {
            let first = first.span;
            let msg = format!("local `{name}` is declared twice");
            self.diags.error(first, message(&msg, Some("give each local its own name"), Some("first declared here")));
            self.diags.error(inv.name.span(), message(&msg, Some("give each local its own name"), Some("declared again here")));
        }
        let mut spans = SpanMap::default();
        let value = self.value(inv.value, &AttrPath::root().name(&name), scope, &mut spans);
        let view = resolved::view(&value);
        let ty = Some(self.infer(&view));
        self.locals.insert(name.clone(), Declared { ty, span: inv.name.span(), value: Some(view), variable: None });
        (self.diags.count() == before).then_some((name, value))
    }

    fn unknown_setting(&mut self, key: &Ident, name: &str, what: &str, accepted: &[&str]) {
        let help = match suggest(name, accepted.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("accepted: {}", accepted.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")),
        };
        self.diags.error(key.span(), message(&format!("unknown {what} setting `{name}`"), Some(&help), None));
    }

    /// Phase 2 for one `resource!`/`data!`: the resolved resource, or (with
    /// its errors reported) the bindings its placeholder must use.
    pub fn resource(&mut self, inv: Invocation, scope: &Scope) -> Result<&Resource, Vec<Ident>> {
        self.used.clear();
        let type_name = inv.type_name();
        let name_span = inv.type_ident.span().join(inv.name.span()).unwrap_or(inv.type_ident.span());
        let address = Address::new(inv.mode, &type_name, inv.static_name());
        let base_name = inv.base_name();
        let before = self.diags.count();
        let block = self.type_block(&inv);
        let Invocation { index, body, span, .. } = inv;
        let mut spans = SpanMap::default();
        let mut metas = body.metas;
        let repetition = metas.repetition.take().map(|r| self.repetition(r, index.is_some(), scope, &mut spans));
        // `count` and `each` are the body's own names in a repeated resource.
        let mut body_scope = scope.clone();
        if let Some((_, bound)) = &repetition {
            body_scope.bind(bound.0.clone(), bound.1.clone());
        }
        let repetition = repetition.map(|(r, _)| r);
        let resolved_body = self.body(body.entries, &AttrPath::root(), &body_scope, &mut spans);
        let mut view = body_view(&resolved_body);
        let overrides = self.overrides(std::mem::take(&mut metas.overrides), &type_name, block, &mut view, scope, &mut spans);
        if let Some(block) = block {
            self.schema_issues(&type_name, block, &view, &spans, name_span);
            self.check_named_kinds(block, &view, &spans, name_span);
        }
        self.meta_arguments(&metas, &address, scope);
        let life = self.life(&mut metas, &address, block, scope, &mut spans, name_span);
        // A second declaration is still checked and generated: the two
        // errors below are the whole story.
        let valid = self.diags.count() == before;
        if index.is_none() {
            let shown = address.to_string();
            if let Some((first, _)) = self.names.get(&shown) {
                let msg = format!("`{shown}` is declared twice");
                self.diags.error(*first, message(&msg, Some("give each resource its own name"), Some("first declared here")));
                self.diags.error(name_span, message(&msg, Some("give each resource its own name"), Some("declared again here")));
            } else {
                self.names.insert(shown, (name_span, repetition.as_ref().map(|r| r.repeats)));
            }
        }
        if !valid {
            self.any_rejected = true;
            return Err(std::mem::take(&mut self.used));
        }
        self.resources.push(Resource { address, repetition, base_name, index, body: resolved_body, metas, overrides, life, view, spans, name_span, span });
        Ok(self.resources.last().expect("BUG: a resource was just pushed"))
    }

    /// `tap_core`'s schema checks on the compile-time view, each issue on its token.
    fn schema_issues(&mut self, type_name: &str, block: &Block, body: &Fields, spans: &SpanMap, name_span: Span) {
        for issue in check_body(&self.descriptors, type_name, block, body) {
            let span = match issue.target {
                IssueTarget::Container if issue.path.is_root() => name_span,
                IssueTarget::Container | IssueTarget::Key => spans.find(&issue.path, true, name_span),
                IssueTarget::Value => spans.find(&issue.path, false, name_span),
            };
            self.diags.error(span, message(&issue.message, issue.help.as_deref(), None));
        }
    }

    /// `#[depends_on]` names handles, `#[suppress]` passes the suppression
    /// checks (`#[lifecycle]` is [`Resolver::life`]'s).
    fn meta_arguments(&mut self, metas: &Metas, address: &Address, scope: &Scope) {
        for n in &metas.depends_on {
            let binding = scope.get(&n.to_string());
            if binding.is_some() {
                self.use_binding(n);
            }
            if !matches!(binding, Some(Binding::Handle { .. } | Binding::OpaqueHandle)) {
                self.diags.error(
                    n.span(),
                    message(&format!("`depends_on` names `{n}`, which is not a resource handle in this stack"), Some("name a variable bound to `resource!(...)` or `data!(...)`"), None),
                );
            }
        }
        for s in &metas.suppress {
            policy_phase::check_suppression(self.diags, self.rules, s, SuppressionSite::Resource(Arc::new(address.clone())));
        }
    }

    /// `#[lifecycle]`, `#[provisioner]` and `#[connection]`: values
    /// resolved (with `this` bound to the resource's own object where
    /// Terraform binds `self`), then checked by
    /// `tap_core::graph::lifecycle::issues`, which synthesis runs on a
    /// stack built in code, each issue on its token.
    fn life(&mut self, metas: &mut Metas, address: &Address, block: Option<&Block>, scope: &Scope, spans: &mut SpanMap, name_span: Span) -> resolved::Life {
        use tap_core::graph::lifecycle::{self as core_life, traversal, SELF};
        let mut life = resolved::Life::default();
        // `this`, not `self`: in a `#[stack]` method `self` is the Rust receiver (`self.config`).
        let mut own = scope.clone();
        own.bind(THIS.to_owned(), Binding::Named { root: Root::Bound(SELF.into()), ty: None });
        let at = AttrPath::root().name("lifecycle");
        let mut core = tap_core::graph::Resource::new(address.clone());
        if let Some(l) = metas.lifecycle.as_mut() {
            life.ignore_all = l.ignore_all.is_some();
            for (i, p) in l.ignore_changes.iter().enumerate() {
                spans.record(&at.name("ignore_changes").index(i), None, p.span);
                life.ignore_changes.push(traversal(&AttrPath::from(p.steps.clone())));
            }
            if let (Some(all), false) = (l.ignore_all, l.ignore_changes.is_empty()) {
                self.diags.error(all, message("`ignore_changes = all` and a list of paths are both given", Some("`all` already ignores every attribute: keep one of them"), None));
            }
            for (i, expr) in std::mem::take(&mut l.replace_triggered_by).into_iter().enumerate() {
                let here = at.name("replace_triggered_by").index(i);
                spans.record(&here, None, expr.span());
                if let Some(trigger) = self.trigger(expr, &here, scope, spans) {
                    life.replace_triggered_by.push(trigger);
                }
            }
            for (kind, list) in [("precondition", std::mem::take(&mut l.preconditions)), ("postcondition", std::mem::take(&mut l.postconditions))] {
                for (i, c) in list.into_iter().enumerate() {
                    let here = at.name(kind).index(i);
                    spans.record(&here.name("condition"), Some(c.span), c.condition.span());
                    spans.record(&here.name("error_message"), None, c.error_message.span());
                    let before = self.diags.count();
                    let condition = self.value(c.condition, &here.name("condition"), &own, spans);
                    // A value already reported (an undeclared `var.x`) is not a Rust value too.
                    if !condition.is_terraform() && self.diags.count() == before {
                        self.diags.error(spans.find(&here.name("condition"), false, c.span), message(&format!("a `{kind}`'s condition is checked by Terraform, and this one is a Rust value"), Some("compare Terraform values, as in `var.replicas >= 2`, `config.id != \"\"` or (in a postcondition) `this.arn != \"\"`"), None));
                    }
                    let pair = (condition, c.error_message.value());
                    if kind == "precondition" { life.preconditions.push(pair) } else { life.postconditions.push(pair) }
                }
            }
            let trigger_view = |t: &resolved::Trigger| match t {
                resolved::Trigger::Attribute(v) => match resolved::view(v) {
                    CoreValue::Ref(r) => Some(r),
                    _ => None,
                },
                resolved::Trigger::Resource(ident) => match scope.get(&ident.to_string()) {
                    Some(Binding::Handle { mode, type_name, static_name, .. }) => Some(Reference::new(Arc::new(Address::new(*mode, type_name, static_name.as_str())), AttrPath::root())),
                    _ => None,
                },
            };
            let condition = |(c, m): &(Value, String)| tap_core::graph::Condition::new(resolved::view(c), m);
            core.lifecycle = Some(tap_core::graph::Lifecycle {
                prevent_destroy: l.prevent_destroy,
                create_before_destroy: l.create_before_destroy,
                ignore_changes: life.ignore_changes.clone(),
                ignore_all_changes: life.ignore_all,
                replace_triggered_by: life.replace_triggered_by.iter().filter_map(trigger_view).collect(),
                preconditions: life.preconditions.iter().map(condition).collect(),
                postconditions: life.postconditions.iter().map(condition).collect(),
            });
        }
        for p in std::mem::take(&mut metas.provisioners) {
            // Numbered as kept: an unknown kind is reported and left out.
            let here = AttrPath::root().name("provisioner").index(life.provisioners.len());
            let written = name_of(&p.kind);
            let Some(kind) = PROVISIONER_KINDS.iter().find(|(ident, _)| *ident == written).map(|(_, kind)| *kind) else {
                let help = match suggest(&written, PROVISIONER_KINDS.iter().map(|(ident, _)| *ident)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "accepted: `local_exec`, `remote_exec`, `file` (Terraform's `local-exec`, `remote-exec`, `file`)".to_owned(),
                };
                self.diags.error(p.kind.span(), message(&format!("unknown provisioner `{written}`"), Some(&help), None));
                continue;
            };
            spans.record(&here, Some(p.kind.span()), p.kind.span());
            let body = self.body(p.body.entries, &here, &own, spans);
            life.provisioners_view.push(tap_core::graph::Provisioner::new(kind, body_view(&body)));
            life.provisioners.push((kind.to_owned(), body));
        }
        if let Some(c) = metas.connection.take() {
            let here = AttrPath::root().name("connection");
            spans.record(&here, Some(c.span), c.span);
            let body = self.body(c.body.entries, &here, &own, spans);
            life.connection_view = Some(body_view(&body));
            life.connection = Some(body);
        }
        core.provisioners = life.provisioners_view.clone();
        core.connection = life.connection_view.clone();
        for issue in core_life::issues(&core, block) {
            let span = match issue.target {
                IssueTarget::Container if issue.path.is_root() => name_span,
                IssueTarget::Container | IssueTarget::Key => spans.find(&issue.path, true, name_span),
                IssueTarget::Value => spans.find(&issue.path, false, name_span),
            };
            let help = issue.help.as_deref().map(|h| h.replace("`self", "`this"));
            self.diags.error(span, message(&issue.message.replace("`self", "`this"), help.as_deref(), None));
        }
        life
    }

    /// One `replace_triggered_by` entry: a handle of a managed resource
    /// (`config`) or a reference through one (`config.id`).
    fn trigger(&mut self, expr: ValueExpr, here: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> Option<resolved::Trigger> {
        let span = expr.span();
        let help = "name a `resource!` handle of this stack (`config`) or one of its attributes (`config.id`)";
        if let ValueExpr::Rust(syn::Expr::Path(p)) = &expr {
            if let Some(ident) = p.path.get_ident() {
                let found = scope.get(&ident.to_string()).cloned();
                if found.is_some() {
                    self.use_binding(ident);
                }
                return match found {
                    Some(Binding::Handle { mode: Mode::Managed, .. } | Binding::OpaqueHandle) => Some(resolved::Trigger::Resource(ident.clone())),
                    Some(Binding::Handle { .. }) => {
                        self.diags.error(span, message(&format!("`replace_triggered_by` names `{ident}`, a data source: Terraform replaces a resource only when a managed resource changes"), Some(help), None));
                        None
                    }
                    _ => {
                        self.diags.error(span, message(&format!("`replace_triggered_by` names `{ident}`, which is not a resource handle in this stack"), Some(help), None));
                        None
                    }
                };
            }
        }
        match self.value(expr, here, scope, spans) {
            Value::Ref(r) if r.view.as_ref().and_then(Reference::target).is_some_and(|a| a.mode == Mode::Data) => {
                self.diags.error(span, message("`replace_triggered_by` reads a data source: Terraform replaces a resource only when a managed resource changes", Some(help), None));
                None
            }
            v @ Value::Ref(_) => Some(resolved::Trigger::Attribute(v)),
            Value::Unbound { root, .. } => {
                self.diags.error(root.span(), message(&format!("`replace_triggered_by` names `{root}`, which is not a resource handle in this stack"), Some(help), None));
                None
            }
            // An error was reported already.
            Value::Hole(syn::Expr::Verbatim(t)) if t.is_empty() => None,
            _ => {
                self.diags.error(span, message("`replace_triggered_by` takes references to resources, not values", Some(help), None));
                None
            }
        }
    }

    /// `#[override_...]`: each path parsed and each value resolved, then
    /// applied to the view where the schema knows the path, so that the
    /// schema check and the policy phase see the body after its overrides,
    /// as synthesis does. A path the schema does not know is accepted (an
    /// argument newer than the schema), unless its name is close to a
    /// known one: `#[override_("tagz.Name", "x")]` is most likely a typo,
    /// and only `#[override_unchecked]` takes it as meant.
    fn overrides(&mut self, written: Vec<OverrideMeta>, type_name: &str, block: Option<&Block>, view: &mut Fields, scope: &Scope, spans: &mut SpanMap) -> Vec<resolved::Override> {
        let mut out = Vec::new();
        for meta in written {
            let text = meta.path.value();
            let span = meta.path.span();
            let path = match overrides::parse_path(&text) {
                Ok(path) => path,
                Err(e) => {
                    self.diags.error(span, message(&format!("override path `{text}`: {e}"), Some("write a path such as `lifecycle.prevent_destroy`, `rule.0.status` or `rule[0].status`"), None));
                    continue;
                }
            };
            let value = meta.value.map(|v| {
                spans.record(&path, Some(span), v.span());
                self.value(v, &path, scope, spans)
            });
            let change = value.as_ref().map_or(Change::Remove, |v| Change::Set(resolved::view(v)));
            let o = Override { written: text.clone(), path, change, unchecked: meta.unchecked, problem: None };
            match overrides::coverage(block, &o) {
                Coverage::Unknown { at, suggestion: Some(s) } if !o.unchecked => {
                    let name = at.last_name().unwrap_or_default();
                    self.diags.error(
                        span,
                        message(
                            &format!("override `{text}`: `{type_name}` has no argument or block `{}`", at.names_only()),
                            Some(&format!("did you mean `{s}`? if `{name}` is newer than the schema tap embeds, write `#[override_unchecked(...)]`, which takes it as meant")),
                            None,
                        ),
                    );
                }
                // Accepted as written; synthesis lists it as unchecked.
                Coverage::Unknown { .. } | Coverage::NoSchema => {}
                Coverage::Checked if o.is_meta() => {
                    let issue = if o.path.steps().iter().any(|s| !matches!(s, Step::Attr(_))) {
                        Some(format!("`{text}` overrides a meta-argument, whose path takes names only (`lifecycle.prevent_destroy`)"))
                    } else {
                        overrides::meta_value_issue(&o)
                    };
                    if let Some(issue) = issue {
                        self.diags.error(span, message(&format!("override {issue}"), None, None));
                    }
                }
                Coverage::Checked => {
                    if let Err(e) = overrides::apply(view, block, &o.path, &o.change) {
                        self.diags.error(span, message(&format!("override `{text}`: {e}"), None, None));
                    }
                }
            }
            out.push(resolved::Override { path: meta.path, value, unchecked: meta.unchecked });
        }
        out
    }

    /// A suppression on the stack or on a component instance, checked.
    pub fn suppression(&mut self, s: &Suppress, site: SuppressionSite) -> Option<Suppression> {
        policy_phase::check_suppression(self.diags, self.rules, s, site)
    }

    /// Phase 2 for `provider!`: the provider has a schema, and the
    /// configuration fits its configuration block.
    pub fn provider(&mut self, inv: ProviderInvocation, scope: &Scope) -> Option<&ProviderConfig> {
        let before = self.diags.count();
        let name = name_of(&inv.name);
        let schema: &'a Schemas = self.schema;
        let Some(provider) = schema.provider(&name) else {
            let help = match suggest(&name, schema.providers().map(|p| p.local_name.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("to use it, {HOW_TO_ADD}"),
            };
            self.diags.error(
                inv.name.span(),
                message(&format!("unknown provider `{name}`"), Some(&help), Some(&format!("providers with a schema: {}", schema.provider_list()))),
            );
            return None;
        };
        if let Some(span) = inv.body.first_meta {
            self.diags.error(span, message("a provider configuration takes no meta-arguments", Some("give an alias as `provider!(name.alias { ... })`"), None));
        }
        let mut spans = SpanMap::default();
        let body = self.body(inv.body.entries, &AttrPath::root(), scope, &mut spans);
        let view = body_view(&body);
        match provider.config_block() {
            Ok(block) => self.schema_issues(&format!("provider.{name}"), block, &view, &spans, inv.name.span()),
            Err(e) => self.diags.error(inv.name.span(), message(&format!("the configuration schema of provider `{name}` in {} is malformed: {e}", provider.origin), None, None)),
        }
        if self.diags.count() > before {
            return None;
        }
        self.providers.push(ProviderConfig { name, alias: inv.alias.as_ref().map(name_of), body, view });
        self.providers.last()
    }

    /// Phase 2 for `backend!`: the backend has an argument table, and the
    /// arguments fit it (`tap_core::schema::backends`, which synthesis
    /// runs too). A deprecated argument is kept, to become a warning. On
    /// errors, the bindings its placeholder must use.
    pub fn backend(&mut self, inv: BackendInvocation, scope: &Scope) -> Result<BackendConfig, Vec<Ident>> {
        self.used.clear();
        let before = self.diags.count();
        let name = name_of(&inv.name);
        if let Some(span) = inv.body.first_meta {
            self.diags.error(span, message("a backend takes no meta-arguments", None, None));
        }
        let mut spans = SpanMap::default();
        let body = self.body(inv.body.entries, &AttrPath::root(), scope, &mut spans);
        let view = body_view(&body);
        let name_span = inv.name.span();
        for issue in backends::check_backend(&name, &view) {
            let span = match issue.target {
                IssueTarget::Container if issue.path.is_root() => name_span,
                IssueTarget::Container | IssueTarget::Key => spans.find(&issue.path, true, name_span),
                IssueTarget::Value => spans.find(&issue.path, false, name_span),
            };
            self.diags.error(span, message(&issue.message, issue.help.as_deref(), None));
        }
        if self.diags.count() > before {
            return Err(std::mem::take(&mut self.used));
        }
        let deprecations = backends::deprecations(&name, &view)
            .into_iter()
            .map(|d| (spans.find(&d.path, true, name_span), d.help.map_or(d.message.clone(), |h| format!("{}: {h}", d.message))))
            .collect();
        Ok(BackendConfig { name, body, deprecations })
    }

    /// Phase 2 for `output!`: one of its name, a value and a description,
    /// and the value's references bound. On errors, the bindings its
    /// placeholder must use.
    pub fn output(&mut self, out: OutputInvocation, scope: &Scope) -> Result<Output, Vec<Ident>> {
        self.used.clear();
        let name = out.name.to_string();
        if let Some(first) = self.outputs.get(&name) {
            self.diags.error(*first, message(&format!("output `{name}` is declared twice"), None, Some("first declared here")));
            self.diags.error(out.name.span(), message(&format!("output `{name}` is declared twice"), None, Some("declared again here")));
        }
        self.outputs.insert(name.clone(), out.name.span());
        let Some(value) = out.value else {
            self.diags.error(out.name.span(), message(&format!("output `{name}` has no `value`"), Some("add `value: handle.attribute`"), None));
            return Err(Vec::new());
        };
        let before = self.diags.count();
        if out.description.is_none() {
            self.diags.error(out.name.span(), message(&format!("output `{name}` has no `description`"), Some("add `description: \"...\"`: every output documents what it is"), None));
        }
        let mut spans = SpanMap::default();
        let value = self.value(value, &AttrPath::root().name("value"), scope, &mut spans);
        if !out.sensitive {
            if let Some(source) = self.sensitive_source(&resolved::view(&value)) {
                self.diags.error(
                    out.name.span(),
                    message(&format!("output `{name}` reads `{source}`, which is sensitive, and is not marked sensitive"), Some("add `sensitive: true`: Terraform refuses to show a sensitive value in a plain output"), None),
                );
            }
        }
        match out.description {
            Some(description) if self.diags.count() == before => {
                let ty = self.infer(&resolved::view(&value));
                Ok(Output { name, value, ty, description, sensitive: out.sensitive })
            }
            _ => Err(std::mem::take(&mut self.used)),
        }
    }

    /// Phase 3 on everything the item declared (when the rule set is
    /// usable: a broken policy file has its own errors).
    pub fn policy_phase(&mut self, stack_suppressions: &[(Suppression, Span)], rejected: &[String]) {
        let Some(rules) = self.rules else { return };
        let input = PolicyInput {
            resources: &self.resources,
            all_valid: !self.any_rejected,
            rules,
            schema: self.schema,
            descriptors: &self.descriptors,
            providers: &self.providers,
            variables: self.variables.iter().filter_map(|(n, d)| Some((n.clone(), d.variable.clone()?))).collect(),
            locals: self.locals.iter().filter_map(|(n, d)| Some((n.clone(), d.value.clone()?))).collect(),
            stack_suppressions,
            rejected_stack_suppressions: rejected,
        };
        check_policy(self.diags, &input);
    }

    /// A binding the item refers to, once.
    fn use_binding(&mut self, binding: &Ident) {
        if !self.used.iter().any(|b| b == binding) {
            self.used.push(binding.clone());
        }
    }

    /// `tf::provider::NAME::function(...)`: its name as Terraform writes it,
    /// its provider's requirement (when tap has the provider's schema), and
    /// the check against the functions that schema lists. A schema without
    /// `functions` lists none to check against, and the call passes.
    fn provider_function(&self, provider: &Ident, function: &str, args: &[Option<Literal>]) -> (String, Option<Box<CallProvider>>, Result<(), Vec<CallProblem>>) {
        let local_name = provider.to_string();
        let name = format!("provider::{local_name}::{function}");
        let Some(schema) = self.schema.provider(&local_name) else {
            let suggestion = suggest(&local_name, self.schema.providers().map(|p| p.local_name.as_str())).map(str::to_owned);
            let problem = CallProblem::UnknownProvider { provider: local_name, suggestion, known: self.schema.provider_list() };
            return (name, None, Err(vec![problem]));
        };
        let requirement = Box::new(CallProvider { local_name: local_name.clone(), source: schema.source.clone(), version: schema.version.clone() });
        let checked = match &schema.functions {
            Some(listed) => functions::check_provider_call(&local_name, listed, function, args).map(drop),
            None => Ok(()),
        };
        (name, Some(requirement), checked)
    }

    /// A body as written, each value resolved, with the span of every key
    /// and value. The paths are those of the view, where a repeated block
    /// is a list of its instances.
    fn body(&mut self, entries: Vec<Entry>, path: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> resolved::Body {
        let mut out = resolved::Body::default();
        for entry in entries {
            let key = entry.name();
            let here = path.name(&key);
            // What came before under this key: an argument (a list takes
            // block instances after its items), and how many block instances.
            let (mut set, mut list_items, mut instances) = (false, None, 0);
            for (k, node) in &out.entries {
                if *k == key {
                    match node {
                        Node::Attr(Value::List(items)) => list_items = Some(items.len()),
                        Node::Attr(_) => set = true,
                        Node::Block(_) | Node::Dynamic { .. } => instances += 1,
                    }
                }
            }
            // An argument takes nothing before it; a block instance (literal
            // or `dynamic`) follows others, or a list's items.
            let clash = match &entry {
                Entry::Attr { .. } => set || list_items.is_some() || instances > 0,
                Entry::Block { .. } | Entry::Dynamic { .. } => set,
            };
            if clash {
                self.diags.error(entry.key().span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                continue;
            }
            // The first instance is recorded as written (`key`); later ones
            // by index (`key[1]`). `SpanMap::as_written` reads `key[0]` as
            // `key`, so both spellings find the first.
            let mut instance_path = || match list_items {
                Some(items) => here.index(items + instances),
                None if instances == 0 => {
                    spans.single_block(here.clone());
                    here.clone()
                }
                None => here.index(instances),
            };
            match entry {
                Entry::Attr { key: k, value } => {
                    spans.record(&here, Some(k.span()), value.span());
                    let v = self.value(value, &here, scope, spans);
                    out.entries.push((key, Node::Attr(v)));
                }
                Entry::Block { key: k, body: inner, span } => {
                    let instance_path = instance_path();
                    spans.record(&instance_path, Some(k.span()), span);
                    let instance = self.body(inner.entries, &instance_path, scope, spans);
                    out.entries.push((key, Node::Block(instance)));
                }
                Entry::Dynamic { iterator, collection, key: k, body: inner, span } => {
                    let instance_path = instance_path();
                    spans.record(&instance_path, Some(k.span()), span);
                    let collection_span = collection.span();
                    let collection = self.value(*collection, &instance_path, scope, spans);
                    // The iterator reads `key` and `value`, typed by the collection's elements.
                    let (key_ty, element) = self.element_types(&collection);
                    if let Some(ty) = self.collection_type(&collection) {
                        if matches!(ty, TypeConstraint::String | TypeConstraint::Number | TypeConstraint::Bool) {
                            self.diags.error(collection_span, message(&format!("a `dynamic` block iterates a list, set or map, and this is {ty}"), None, None));
                        }
                    }
                    let mut inner_scope = scope.clone();
                    let iterator_type = TypeConstraint::Object([("key".to_owned(), field(key_ty)), ("value".to_owned(), field(element))].into());
                    inner_scope.bind(iterator.to_string(), Binding::Named { root: Root::Bound(name_of(&iterator).into()), ty: Some(iterator_type) });
                    let content = self.body(inner.entries, &instance_path, &inner_scope, spans);
                    out.entries.push((key, Node::Dynamic { iterator: name_of(&iterator), collection, body: content }));
                }
            }
        }
        out
    }

    /// One value, resolved; records spans of nested values.
    pub(crate) fn value(&mut self, v: ValueExpr, path: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> Value {
        match v {
            ValueExpr::Str(s) => Value::Str(s),
            // A literal tap cannot read is reported, and stays a hole.
            ValueExpr::Int(i, neg) => match i.base10_parse::<i64>() {
                Ok(n) => Value::Int(if neg { -n } else { n }),
                Err(e) => {
                    self.diags.push(e);
                    Value::rejected()
                }
            },
            ValueExpr::Float(f, neg) => match f.base10_parse::<f64>() {
                Ok(n) => Value::Float(if neg { -n } else { n }),
                Err(e) => {
                    self.diags.push(e);
                    Value::rejected()
                }
            },
            ValueExpr::Bool(b) => Value::Bool(b.value),
            ValueExpr::Null(_) => Value::Null,
            ValueExpr::List(items, _) => Value::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let p = path.index(i);
                        spans.record(&p, None, item.span());
                        self.value(item, &p, scope, spans)
                    })
                    .collect(),
            ),
            ValueExpr::Map(entries, _) => {
                let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
                for (k, item) in entries {
                    let p = path.name(&k.text);
                    spans.record(&p, Some(k.span), item.span());
                    if out.iter().any(|(seen, _)| *seen == k.text) {
                        self.diags.error(k.span, message(&format!("map key `{}` is written twice", k.text), None, None));
                    }
                    let value = self.value(item, &p, scope, spans);
                    out.push((k.text, value));
                }
                Value::Map(out)
            }
            ValueExpr::Concat(parts, _) => Value::Template(parts.into_iter().map(|p| self.value(p, path, scope, spans)).collect()),
            ValueExpr::Call { provider, function, args, .. } => {
                // `tf::cidrsubnett(...)`, an argument short or `"eight"` where
                // a number goes fails at `terraform plan`; here each is an
                // error on its token.
                let at: Vec<Span> = args.iter().map(ValueExpr::span).collect();
                let args: Vec<Value> = args.into_iter().map(|a| self.value(a, path, scope, spans)).collect();
                // Checked on the compile-time view, as synthesis checks a call built at run time.
                let literals: Vec<Option<Literal>> = args.iter().map(|a| Literal::of(&resolved::view(a))).collect();
                let (name, call_provider, checked) = match &provider {
                    None => (function.to_string(), None, functions::check_call(&function.to_string(), &literals).map(drop)),
                    Some(p) => self.provider_function(p, &function.to_string(), &literals),
                };
                for problem in checked.err().into_iter().flatten() {
                    let span = match &problem {
                        CallProblem::Argument { position, .. } => at[position - 1],
                        CallProblem::UnknownProvider { .. } => provider.as_ref().map_or(function.span(), Ident::span),
                        _ => function.span(),
                    };
                    self.diags.error(span, message(&problem.message(), Some(&problem.help()), None));
                }
                Value::Call(name, args, call_provider)
            }
            // The handle of a resource with `count` or `for_each`, alone: all its instances.
            ValueExpr::Rust(syn::Expr::Path(p)) if p.path.get_ident().is_some_and(|i| matches!(scope.get(&i.to_string()), Some(Binding::Handle { repeats: Some(_), .. }))) => {
                let root = p.path.get_ident().expect("BUG: checked just above").clone();
                let Some(Binding::Handle { mode, type_name, static_name, .. }) = scope.get(&root.to_string()) else { unreachable!("BUG: checked just above") };
                let view = Reference::new(Arc::new(Address::new(*mode, type_name, static_name.as_str())), AttrPath::root());
                self.use_binding(&root);
                let span = root.span();
                Value::Ref(Box::new(Ref { root, element: None, instance: Some(resolved::Instance::Whole), first: String::new(), rest: Vec::new(), view: Some(view), span }))
            }
            // A name bound to a variable, a local or a `for` element is a reference to it.
            ValueExpr::Rust(syn::Expr::Path(p)) if p.path.get_ident().is_some_and(|i| matches!(scope.get(&i.to_string()), Some(Binding::Named { .. }))) => {
                let ident = p.path.get_ident().expect("BUG: checked just above").clone();
                let span = ident.span();
                self.reference(ident, Vec::new(), span, scope)
            }
            ValueExpr::Rust(expr) => Value::Hole(expr),
            ValueExpr::Binary { op, left, right, rust } => {
                let at = [left.span(), right.span()];
                let (l, r) = (self.value(*left, path, scope, spans), self.value(*right, path, scope, spans));
                if !l.is_terraform() && !r.is_terraform() {
                    return Value::Hole(rust);
                }
                self.check_operands(op, &[(&l, at[0]), (&r, at[1])]);
                Value::Expr(Box::new(TfExpr::Binary(op, l, r)))
            }
            ValueExpr::Unary { op, operand, rust } => {
                let o = self.value(*operand, path, scope, spans);
                if !o.is_terraform() {
                    return Value::Hole(rust);
                }
                Value::Expr(Box::new(TfExpr::Unary(op, o)))
            }
            ValueExpr::Conditional { condition, then, otherwise, rust } => {
                let c = self.value(*condition, path, scope, spans);
                let (t, o) = (self.value(*then, path, scope, spans), self.value(*otherwise, path, scope, spans));
                if !c.is_terraform() && !t.is_terraform() && !o.is_terraform() {
                    return Value::Hole(rust);
                }
                if let Value::Str(_) | Value::Int(_) | Value::Float(_) = c {
                    self.diags.error(rust.span(), message("the condition of `if` is a bool", None, None));
                }
                Value::Expr(Box::new(TfExpr::Conditional(c, t, o)))
            }
            ValueExpr::For(f) => {
                let ForExpr { key, value, collection, key_out, out, condition, .. } = *f;
                let collection = self.value(collection, path, scope, spans);
                // The names the expression binds, typed by the collection's elements.
                let element = match &collection {
                    Value::Named { view, .. } => self.type_of(view).map(|t| match t {
                        TypeConstraint::List(e) | TypeConstraint::Set(e) | TypeConstraint::Map(e) => *e,
                        _ => TypeConstraint::Any,
                    }),
                    _ => None,
                };
                let mut inner = scope.clone();
                if let Some(k) = &key {
                    inner.bind(k.to_string(), Binding::Named { root: Root::Bound(name_of(k).into()), ty: None });
                }
                inner.bind(value.to_string(), Binding::Named { root: Root::Bound(name_of(&value).into()), ty: element });
                let key_out = key_out.map(|k| self.value(k, path, &inner, spans));
                let out = self.value(out, path, &inner, spans);
                let condition = condition.map(|c| self.value(c, path, &inner, spans));
                Value::Expr(Box::new(TfExpr::For(Box::new(resolved::ForParts { key: key.as_ref().map(name_of), value: name_of(&value), collection, key_out, out, condition }))))
            }
            ValueExpr::Ref { binding, mut steps, span } => {
                // An index Terraform knows (`zones.names[count.index]`)
                // splits the path: what comes before is the collection.
                // On a repeated resource's handle, the first index names the instance.
                let instance_first = matches!(scope.get(&binding.to_string()), Some(Binding::Handle { repeats: Some(_), .. }));
                let Some((at, key)) = self.terraform_index(&steps, usize::from(instance_first), scope, spans) else {
                    return self.reference(binding, steps, span, scope);
                };
                let after: Vec<RefStep> = steps.split_off(at).into_iter().skip(1).collect();
                let collection = self.reference(binding, steps, span, scope);
                if let Some(element) = self.collection_type(&collection).map(|_| self.element_types(&collection).1) {
                    let mut ty = element;
                    for step in &after {
                        match ty.step(&resolved::static_step(step), "the element") {
                            Ok(next) => ty = next.clone(),
                            Err(problem) => {
                                self.diags.error(span, message(&problem, None, None));
                                return Value::rejected();
                            }
                        }
                    }
                }
                Value::Expr(Box::new(TfExpr::Index(collection, key, after)))
            }
            ValueExpr::Splat { binding, attr, span } => {
                let found = scope.get(&binding.to_string());
                if found.is_some() {
                    self.use_binding(&binding);
                }
                match found {
                    Some(Binding::Handle { mode, type_name, static_name, type_known, repeats: Some(repeats) }) => {
                        // `private[*].id`: every instance (of a `for_each` resource, through `values(...)`).
                        let address = Arc::new(Address::new(*mode, type_name, static_name.as_str()));
                        let view = Reference::new(address, vec![Step::Each, Step::Attr(name_of(&attr))]);
                        if *type_known {
                            self.check_reference(type_name, *mode, &view, attr.span());
                        }
                        let instance = Some(resolved::Instance::All(*repeats));
                        Value::Ref(Box::new(Ref { root: binding, element: None, instance, first: name_of(&attr), rest: Vec::new(), view: Some(view), span }))
                    }
                    Some(Binding::Collection { mode, type_name, static_name, type_known }) => {
                        let address = Arc::new(Address::new(*mode, type_name, static_name.as_str()));
                        let view = Reference::new(address, AttrPath::root().name(&name_of(&attr)));
                        if *type_known {
                            self.check_reference(type_name, *mode, &view, attr.span());
                        }
                        Value::Splat { root: binding, attr: name_of(&attr), view, span }
                    }
                    _ => {
                        self.diags.error(
                            span,
                            message(
                                &format!("`{binding}[*]` needs `{binding}` to be a collection of resource handles"),
                                Some(&format!("declare `let mut {binding} = Vec::new();` and `{binding}.push(handle)` for each `resource!` handle")),
                                None,
                            ),
                        );
                        Value::rejected()
                    }
                }
            }
        }
    }

    /// `handle.attr...`, `handles[i].attr...`, or a path through a root the
    /// macro has no binding for (left to rustc).
    fn reference(&mut self, root: Ident, steps: Vec<RefStep>, span: Span, scope: &Scope) -> Value {
        let bound = scope.get(&root.to_string());
        // `var.x` and `local.x`, unless the function binds `var` or `local` itself.
        if bound.is_none() && (root == "var" || root == "local") {
            return self.declared_value(&root, steps, span);
        }
        // `each.key` or `count.index` where the resource does not bind it.
        if bound.is_none() && (root == "each" || root == "count") {
            if let Some(RefStep::Attr(a)) = steps.first() {
                let reference = Reference::bound(&root.to_string()).attr(&name_of(a));
                if let Some((problem, help)) = tap_core::schema::iteration::bound_problem(&reference, None) {
                    self.diags.error(span, message(&problem, Some(&help), None));
                    return Value::rejected();
                }
            }
        }
        if let Some(Binding::Named { root: named, ty }) = bound {
            let reference = Reference { root: named.clone(), path: AttrPath::root() };
            // A `for` name's type is its collection's element type; a variable's or local's, the declared one.
            let ty = ty.clone().or_else(|| self.type_of(&reference));
            self.use_binding(&root);
            let binding = (!matches!(named, Root::Bound(_))).then(|| root.clone());
            return self.named(reference, ty, binding, steps, span);
        }
        if let Some(each) = steps.iter().find_map(|s| match s {
            RefStep::Each(span) => Some(*span),
            _ => None,
        }) {
            self.diags.error(each, message("`[*]` reads every element of a variable's or local's list", Some("for resource handles pushed into a `Vec`, write `handles[*].attribute`"), None));
            return Value::rejected();
        }
        let Some(binding) = bound.filter(|b| !matches!(b, Binding::Rust)) else {
            // Not a handle the macro can see: a Rust expression such as `self.config.region`.
            return Value::Unbound { root, steps, span };
        };
        self.use_binding(&root);
        let mut steps = steps.into_iter().peekable();
        let element = match steps.next_if(|s| matches!(s, RefStep::Index(_))) {
            Some(RefStep::Index(index)) => Some(index),
            _ => None,
        };
        let steps: Vec<RefStep> = steps.collect();
        let known = match binding {
            // `nats[i].id`: every element has the collection's type.
            Binding::Collection { mode, type_name, static_name, type_known } if element.is_some() => Some((*mode, type_name, static_name, *type_known)),
            Binding::Handle { repeats: None, type_name, static_name, .. } if element.is_some() => {
                self.diags.error(span, message(&format!("`{type_name}.{static_name}` has neither `count` nor `for_each`: it is one resource, with no instances to index"), Some(&format!("write `{root}.attribute`")), None));
                return Value::rejected();
            }
            Binding::OpaqueHandle if element.is_some() => {
                self.diags.error(span, message(&format!("`{root}` is one resource handle, not a collection"), Some(&format!("write `{root}.attribute`")), None));
                return Value::rejected();
            }
            Binding::Handle { mode, type_name, static_name, type_known, repeats: Some(repeats) } => {
                let (mode, type_name, static_name, type_known, repeats) = (*mode, type_name.clone(), static_name.clone(), *type_known, *repeats);
                if let Some(index) = element {
                    let mut all = vec![RefStep::Index(index)];
                    all.extend(steps);
                    return self.instance_reference(root, (mode, &type_name, &static_name, type_known), repeats, all, span, scope);
                }
                return self.instance_reference(root, (mode, &type_name, &static_name, type_known), repeats, steps, span, scope);
            }
            Binding::Handle { mode, type_name, static_name, type_known, repeats: None } => Some((*mode, type_name, static_name, *type_known)),
            Binding::OpaqueHandle | Binding::Named { .. } | Binding::Rust => None,
            Binding::Collection { .. } => {
                self.diags.error(span, message(&format!("`{root}` is a collection of handles"), Some(&format!("use `{root}[*].attr` for all of them, or bind one handle")), None));
                return Value::rejected();
            }
        };
        let view = known.map(|(mode, type_name, static_name, type_known)| {
            let address = Arc::new(Address::new(mode, type_name, static_name.as_str()));
            let path: Vec<Step> = steps.iter().map(resolved::static_step).collect();
            let reference = Reference::new(address, path);
            if type_known {
                let attr_span = match steps.first() {
                    Some(RefStep::Attr(a)) => a.span(),
                    _ => span,
                };
                self.check_reference(type_name, mode, &reference, attr_span);
            }
            reference
        });
        // The parser gives every reference an attribute after its handle (or element).
        let mut rest = steps.into_iter();
        let Some(RefStep::Attr(first)) = rest.next() else {
            self.diags.error(span, message(&format!("`{root}` is one resource handle, not a collection"), Some(&format!("write `{root}.attribute`")), None));
            return Value::rejected();
        };
        Value::Ref(Box::new(Ref { root, element, instance: None, first: name_of(&first), rest: rest.collect(), view, span }))
    }

    /// The first index of `steps` (from `from` on) that is a Terraform
    /// value, resolved: where a path stops being one reference.
    fn terraform_index(&mut self, steps: &[RefStep], from: usize, scope: &Scope, spans: &mut SpanMap) -> Option<(usize, Value)> {
        for (at, step) in steps.iter().enumerate().skip(from) {
            let RefStep::Index(e) = step else { continue };
            if matches!(e, syn::Expr::Lit(_)) {
                continue;
            }
            let written = crate::parse::value_of_expr(e).ok()?;
            if !matches!(written, ValueExpr::Ref { .. } | ValueExpr::Call { .. } | ValueExpr::Binary { .. } | ValueExpr::Conditional { .. }) {
                continue;
            }
            let key = self.value(written, &AttrPath::root(), scope, spans);
            if key.is_terraform() {
                return Some((at, key));
            }
        }
        None
    }

    /// A reference through the handle of a resource with `count` or
    /// `for_each`: `private[0].id`, `private["a"].id`, `private[i].id` (a
    /// Rust value), `private[count.index].id` (a Terraform value).
    fn instance_reference(&mut self, root: Ident, target: (Mode, &str, &str, bool), repeats: tap_core::schema::iteration::Repeats, steps: Vec<RefStep>, span: Span, scope: &Scope) -> Value {
        use tap_core::reference::InstanceKey;
        use tap_core::schema::iteration;
        let (mode, type_name, static_name, type_known) = target;
        let address = Arc::new(Address::new(mode, type_name, static_name));
        let mut steps = steps.into_iter();
        let (instance, step) = match steps.next() {
            Some(RefStep::Index(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }))) => {
                let n: u64 = i.base10_parse().unwrap_or(0);
                (resolved::Instance::Known(InstanceKey::Index(n)), Step::Index(n as usize))
            }
            Some(RefStep::Key(k)) => (resolved::Instance::Known(InstanceKey::Key(k.value())), Step::Key(k.value())),
            Some(RefStep::Index(e)) => {
                let written = match crate::parse::value_of_expr(&e) {
                    Ok(v) => v,
                    Err(err) => {
                        self.diags.push(err);
                        return Value::rejected();
                    }
                };
                let key = self.value(written, &AttrPath::root(), scope, &mut SpanMap::default());
                let step = match repeats {
                    iteration::Repeats::Count => Step::Index(0),
                    iteration::Repeats::ForEach => Step::Key(String::new()),
                };
                if key.is_terraform() {
                    (resolved::Instance::Terraform(key), step)
                } else {
                    (resolved::Instance::Rust(e), step)
                }
            }
            first => {
                // No instance named: the problem says how to name one.
                let attr = match &first {
                    Some(RefStep::Attr(a)) => vec![Step::Attr(name_of(a))],
                    _ => vec![],
                };
                let whole = Reference::new(address, attr);
                if let Some((problem, help)) = iteration::instance_problem(&whole, Some(repeats)) {
                    self.diags.error(span, message(&problem, Some(&help), None));
                }
                return Value::rejected();
            }
        };
        let rest: Vec<RefStep> = steps.collect();
        let Some(RefStep::Attr(first)) = rest.first() else {
            self.diags.error(span, message(&format!("`{root}[...]` is one instance: read one of its attributes"), Some(&format!("write `{root}[...].id`, or another attribute of `{type_name}`")), None));
            return Value::rejected();
        };
        let first_name = name_of(first);
        let mut path = vec![step];
        path.extend(rest.iter().map(resolved::static_step));
        let reference = Reference::new(address, path);
        if let Some((problem, help)) = iteration::instance_problem(&reference, Some(repeats)) {
            self.diags.error(span, message(&problem, Some(&help), None));
            return Value::rejected();
        }
        if type_known {
            self.check_reference(type_name, mode, &reference, first.span());
        }
        let rest = rest.into_iter().skip(1).collect();
        Value::Ref(Box::new(Ref { root, element: None, instance: Some(instance), first: first_name, rest, view: Some(reference), span }))
    }

    /// `var.name...` or `local.name...`: the name must be declared (with
    /// a suggestion when it is not).
    fn declared_value(&mut self, root: &Ident, steps: Vec<RefStep>, span: Span) -> Value {
        let is_var = root == "var";
        let mut steps = steps.into_iter();
        let Some(RefStep::Attr(name_ident)) = steps.next() else {
            self.diags.error(span, message(&format!("`{root}` is followed by the name of a {}", if is_var { "variable" } else { "local" }), None, None));
            return Value::rejected();
        };
        let name = name_of(&name_ident);
        let table = if is_var { &self.variables } else { &self.locals };
        if !table.contains_key(&name) {
            let kind = if is_var { "variable" } else { "local" };
            let help = match suggest(&name, table.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{root}.{s}`?"),
                None if table.is_empty() => format!("declare it with `{kind}!(...)` in this stack"),
                None => format!("declared: {}", table.keys().map(|k| format!("`{root}.{k}`")).collect::<Vec<_>>().join(", ")),
            };
            let note = (!is_var).then_some("a local is read after its `local!`, as a Rust `let` is");
            self.diags.error(name_ident.span(), message(&format!("`{root}.{name}`: this stack declares no {kind} `{name}`"), Some(&help), note));
            return Value::rejected();
        }
        let reference = if is_var { Reference::variable(&name) } else { Reference::local(&name) };
        let ty = self.type_of(&reference);
        self.named(reference, ty, None, steps.collect(), span)
    }

    /// A reference from a named value, its path checked against the value's type.
    fn named(&mut self, mut view: Reference, mut ty: Option<TypeConstraint>, binding: Option<Ident>, steps: Vec<RefStep>, span: Span) -> Value {
        for step in &steps {
            let (core, at) = (resolved::static_step(step), step.span());
            if let Some(t) = &ty {
                match t.step(&core, &format!("`{view}`")) {
                    Ok(next) => ty = Some(next.clone()),
                    Err(problem) => {
                        self.diags.error(at, message(&problem, None, None));
                        return Value::rejected();
                    }
                }
            }
            view.path.push(core);
        }
        Value::Named { view, steps, binding, span }
    }

    /// The type of an iterated collection, when the macro can tell.
    fn collection_type(&self, collection: &Value) -> Option<TypeConstraint> {
        match collection {
            Value::Named { view, .. } => self.type_of(view),
            Value::Hole(_) | Value::Unbound { .. } => None,
            other => Some(self.infer(&resolved::view(other))),
        }
    }

    /// The types of the keys and elements of an iterated collection: a
    /// list's keys are its indexes, a map's and a set's are strings.
    fn element_types(&self, collection: &Value) -> (TypeConstraint, TypeConstraint) {
        use TypeConstraint as T;
        match self.collection_type(collection) {
            Some(T::List(e)) => (T::Number, *e),
            Some(T::Set(e)) => (*e.clone(), *e),
            Some(T::Map(e)) => (T::String, *e),
            Some(T::Tuple(items)) => (T::Number, same_type(items.iter())),
            Some(T::Object(fields)) => (T::String, same_type(fields.values().map(|f| &f.ty))),
            // `toset(...)`: the members are the keys.
            _ if matches!(collection, Value::Call(f, ..) if f == "toset") => (T::String, T::String),
            _ => (T::Any, T::Any),
        }
    }

    /// The type of a value, as far as the macro can tell: what a local's
    /// references are checked against, and an output's type.
    fn infer(&self, v: &CoreValue) -> TypeConstraint {
        use tap_core::value::{Expr, OperandKind, UnaryOp};
        match v {
            CoreValue::Ref(r) => match &r.root {
                Root::Resource(a) => {
                    let ty = self.schema.block(a.mode, &a.type_name).and_then(|b| b.attribute_type(&r.path));
                    ty.map_or(TypeConstraint::Any, TypeConstraint::from_cty)
                }
                _ => self.type_of(r).unwrap_or(TypeConstraint::Any),
            },
            CoreValue::Expr(e) => match &**e {
                Expr::Binary { op, .. } if op.operand_kind() == OperandKind::Number => TypeConstraint::Number,
                Expr::Binary { .. } | Expr::Unary { op: UnaryOp::Not, .. } => TypeConstraint::Bool,
                Expr::Unary { .. } => TypeConstraint::Number,
                Expr::Conditional { then, otherwise, .. } => match (self.infer(then), self.infer(otherwise)) {
                    (a, b) if a == b => a,
                    _ => TypeConstraint::Any,
                },
                Expr::For(f) if f.key_out.is_some() => TypeConstraint::Map(Box::new(self.infer(&f.out))),
                Expr::For(f) => TypeConstraint::List(Box::new(self.infer(&f.out))),
                _ => TypeConstraint::Any,
            },
            CoreValue::List(items) => TypeConstraint::Tuple(items.iter().map(|i| self.infer(i)).collect()),
            CoreValue::Map(m) => TypeConstraint::Object(m.iter().map(|(k, v)| (k.clone(), tap_core::schema::ObjectField { ty: self.infer(v), optional: false, default: None })).collect()),
            other => TypeConstraint::of_value(other),
        }
    }

    /// The type of what a reference to a named value reads, when known.
    fn type_of(&self, reference: &Reference) -> Option<TypeConstraint> {
        let mut ty = match &reference.root {
            Root::Variable(name) => self.variables.get(&**name)?.ty.clone()?,
            Root::Local(name) => self.locals.get(&**name)?.ty.clone()?,
            _ => return None,
        };
        for step in reference.path.steps() {
            ty = ty.step(step, "").ok()?.clone();
        }
        Some(ty)
    }

    /// Literal operands of the kinds an operator takes: numbers for
    /// arithmetic and comparisons, bools for `&&` and `||`.
    fn check_operands(&mut self, op: tap_core::value::BinaryOp, operands: &[(&Value, Span)]) {
        use tap_core::value::OperandKind;
        for &(operand, span) in operands {
            let wrong = match (op.operand_kind(), operand) {
                (OperandKind::Number | OperandKind::Comparison, Value::Str(s)) => s.value().trim().parse::<f64>().is_err(),
                (OperandKind::Number | OperandKind::Comparison, Value::Bool(_) | Value::List(_) | Value::Map(_)) => true,
                (OperandKind::Bool, Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::List(_) | Value::Map(_)) => true,
                _ => false,
            };
            if wrong {
                let kind = match op.operand_kind() {
                    OperandKind::Bool => "bools",
                    _ => "numbers",
                };
                self.diags.error(span, message(&format!("`{}` takes {kind}, and this operand is {}", op.symbol(), resolved::view(operand).kind_name()), None, None));
                return;
            }
        }
    }

    /// The first sensitive value a value reads, as synthesis finds it
    /// (`tap_core::validate::first_sensitive`), from the item's declarations.
    pub fn sensitive_source(&self, value: &CoreValue) -> Option<String> {
        tap_core::validate::first_sensitive(
            value,
            |name| self.variables.get(name).and_then(|d| d.variable.as_ref()).is_some_and(|v| v.sensitive),
            |name| self.locals.get(name).and_then(|d| d.value.as_ref()),
            |address| self.schema.block(address.mode, &address.type_name),
        )
    }

    /// A variable's type where the schema expects a value of another
    /// shape (a list where a string goes): Terraform's "Inappropriate value
    /// for attribute", at build time.
    fn check_named_kinds(&mut self, block: &Block, body: &Fields, spans: &SpanMap, fallback: Span) {
        // Only a reference that is the value itself (not an operand, an
        // argument or a template part), through nested blocks and lists.
        fn direct<'v>(value: &'v CoreValue, path: AttrPath, out: &mut Vec<(AttrPath, &'v Reference)>) {
            match value {
                CoreValue::Ref(r) => out.push((path, r)),
                CoreValue::Block(fields) => fields.iter().for_each(|(k, v)| direct(v, path.name(k), out)),
                CoreValue::List(items) if items.iter().all(|i| matches!(i, CoreValue::Block(_))) => {
                    items.iter().enumerate().for_each(|(i, v)| direct(v, path.index(i), out))
                }
                _ => {}
            }
        }
        let mut refs = Vec::new();
        for (name, value) in body {
            direct(value, AttrPath::root().name(name), &mut refs);
        }
        let mut problems = Vec::new();
        for (path, r) in refs {
            if !matches!(r.root, Root::Variable(_) | Root::Local(_)) {
                continue;
            }
            // Terraform stores no ephemeral value: one may go only where nothing keeps it.
            if let Root::Variable(name) = &r.root {
                let ephemeral = self.variables.get(&**name).and_then(|d| d.variable.as_ref()).is_some_and(|v| v.ephemeral);
                if ephemeral && !tap_core::schema::sensitive::is_write_only(block, &path) {
                    problems.push((path.clone(), format!("`{path}` is stored in the state, and `var.{name}` is ephemeral: Terraform refuses it (\"Ephemeral value not allowed\"); give it to a write-only argument (`..._wo`), or make the variable sensitive instead")));
                    continue;
                }
            }
            let (Some(ty), Some(expected)) = (self.type_of(r), block.attribute_type(&path)) else { continue };
            if !ty.fits(expected) {
                problems.push((path.clone(), format!("`{path}` expects {}, but `{r}` is {ty}", expected.describe())));
            }
        }
        for (path, problem) in problems {
            self.diags.error(spans.find(&path, false, fallback), message(&problem, None, None));
        }
    }

    /// `#[count(n)]` or `#[for_each(collection)]`: its value resolved and
    /// of the kind Terraform takes, known at plan; with the binding it
    /// makes for the body (`count` or `each`, typed).
    pub(crate) fn repetition(&mut self, meta: RepetitionMeta, rust_index: bool, scope: &Scope, spans: &mut SpanMap) -> (resolved::Repetition, (String, Binding)) {
        use tap_core::schema::iteration::{self, Repeats};
        let RepetitionMeta { repeats, value, name } = meta;
        let at = AttrPath::root().name(repeats.meta_argument());
        let value_span = value.span();
        spans.record(&at, Some(name.span()), value_span);
        if rust_index {
            self.diags.error(
                name.span(),
                message(&format!("`#[{name}]` on a resource that a Rust index already repeats (`name[i]`)"), Some("use one: `#[count]`/`#[for_each]` gives Terraform's addresses (`name[0]`, `name[\"a\"]`) and iterates values Terraform knows; `name[i]` makes one resource per value the Rust program knows"), None),
            );
        }
        let value = self.value(value, &at, scope, spans);
        let ty = self.collection_type(&value);
        let problem = ty.as_ref().and_then(|ty| match repeats {
            Repeats::Count => iteration::count_type_problem(ty),
            Repeats::ForEach => iteration::for_each_type_problem(ty),
        });
        if let Some((problem, help)) = problem {
            self.diags.error(value_span, message(&problem, Some(&help), None));
        }
        let core = resolved::view(&value);
        let schema = self.schema;
        let resources = &self.resources;
        let after_apply = |r: &Reference| {
            let Some(address) = r.target() else { return false };
            let Some(block) = schema.block(address.mode, &address.type_name) else { return false };
            // Declared in this item: what its body sets is known at plan.
            let body = resources.iter().find(|d| d.address == **address).map(|d| &d.view);
            iteration::computed_and_unset(block, r, |attr| body.is_some_and(|b| b.contains_key(attr)))
        };
        let locals = &self.locals;
        if let Some(source) = iteration::apply_time_source(&core, repeats, &after_apply, &|name| locals.get(name).and_then(|d| d.value.as_ref())) {
            let (problem, help) = iteration::apply_time_problem(repeats, &source);
            self.diags.error(value_span, message(&problem, Some(&help), Some("Terraform decides how many instances there are, and their addresses, before it creates anything")));
        }
        let ty = match repeats {
            Repeats::Count => TypeConstraint::Object([("index".to_owned(), field(TypeConstraint::Number))].into()),
            Repeats::ForEach => {
                let (_, element) = self.element_types(&value);
                TypeConstraint::Object([("key".to_owned(), field(TypeConstraint::String)), ("value".to_owned(), field(element))].into())
            }
        };
        let bound = repeats.binds();
        (resolved::Repetition { repeats, value }, (bound.to_owned(), Binding::Named { root: Root::Bound(bound.into()), ty: Some(ty) }))
    }

    /// The schema block of the invocation's type, or an error on the type
    /// token saying why there is none.
    fn type_block(&mut self, inv: &Invocation) -> Option<&'a Block> {
        let type_name = inv.type_name();
        let schema: &'a Schemas = self.schema;
        let Some(provider) = schema.provider_of(&type_name) else {
            self.unknown_provider(inv);
            return None;
        };
        match provider.block(inv.mode, &type_name) {
            Some(Ok(block)) => return Some(block),
            Some(Err(e)) => {
                let line = format!("the schema of `{type_name}` in {} is malformed: {e}", provider.origin);
                self.diags.error(inv.type_ident.span(), message(&line, Some("regenerate the file with `tools/tap-schema.py fetch`"), None));
                return None;
            }
            None => {}
        }
        let other_mode = match inv.mode {
            Mode::Managed => Mode::Data,
            Mode::Data => Mode::Managed,
        };
        let help = if provider.has(other_mode, &type_name) {
            Some(format!("`{type_name}` is a {}: use `{}!`", other_mode.describe(), other_mode.macro_name()))
        } else {
            suggest(&type_name, provider.type_names(inv.mode)).map(|s| format!("did you mean `{s}`?"))
        };
        self.diags.error(
            inv.type_ident.span(),
            message(
                &format!("unknown {} `{type_name}`", inv.mode.describe()),
                help.as_deref(),
                Some(&format!("`{}` types are checked against {} ({})", provider.local_name, provider.origin, provider.source)),
            ),
        );
        None
    }

    /// A type whose prefix names no provider with a schema: a typo of
    /// another provider's type, or a provider whose schema is missing.
    fn unknown_provider(&mut self, inv: &Invocation) {
        let type_name = inv.type_name();
        let prefix = provider_of(&type_name);
        let typo = suggest(&type_name, self.schema.providers().flat_map(|p| p.type_names(inv.mode)));
        let help = match typo {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("to check `{prefix}_*` types, {HOW_TO_ADD}"),
        };
        self.diags.error(
            inv.type_ident.span(),
            message(
                &format!("no provider schema for `{type_name}`: tap has no schema of a provider named `{prefix}`"),
                Some(&help),
                Some(&format!("providers with a schema: {}", self.schema.provider_list())),
            ),
        );
    }

    fn check_reference(&mut self, type_name: &str, mode: Mode, reference: &Reference, span: Span) {
        let Some(block) = self.schema.block(mode, type_name) else { return };
        let Some(address) = reference.target() else { return };
        if let Err(error) = check_reference_path(type_name, block, &AttrPath::from(reference.attribute_steps().to_vec())) {
            let name = &address.name;
            let what = match mode {
                // A handle parameter: its address is the caller's.
                _ if name.starts_with('<') => format!("parameter `{}` (a handle to `{type_name}`)", name.trim_matches(['<', '>'])),
                Mode::Data => format!("data source `{address}`"),
                Mode::Managed => format!("`{address}`"),
            };
            self.diags.error(span, message(&format!("bad reference to {what}: {}", error.message), error.help.as_deref(), None));
        }
    }
}

