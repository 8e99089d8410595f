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
use syn::Ident;
use tap_core::graph::Suppression;
use tap_core::path::{AttrPath, Step};
use tap_core::policy::{RuleSet, SuppressionSite};
use tap_core::reference::{Address, Mode, Reference};
use tap_core::schema::{backends, check_body, Descriptors, check_reference_path, provider_of, suggest, Block, IssueTarget};
use tap_core::value::Fields;

use crate::diag::{message, Diagnostics};
use crate::model::*;
use crate::policy_phase::{self, check_policy, PolicyInput};
use crate::resolved::{self, body_view, BackendConfig, Node, Output, ProviderConfig, Ref, Resource, SpanMap, Value};
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
    names: BTreeMap<String, Span>,
    outputs: BTreeMap<String, Span>,
    /// The bindings the item being resolved uses, in order: what its
    /// placeholder touches if it has errors.
    used: Vec<Ident>,
}

impl<'a> Resolver<'a> {
    pub fn new(schema: &'a Schemas, rules: Option<&'a RuleSet>, diags: &'a mut Diagnostics) -> Self {
        Resolver { schema, diags, rules, descriptors: schema.descriptors(), resources: Vec::new(), providers: Vec::new(), any_rejected: false, names: BTreeMap::new(), outputs: BTreeMap::new(), used: Vec::new() }
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
        let resolved_body = self.body(body.entries, &AttrPath::root(), scope, &mut spans);
        let view = body_view(&resolved_body);
        if let Some(block) = block {
            self.schema_issues(&type_name, block, &view, &spans, name_span);
        }
        let metas = body.metas;
        self.meta_arguments(&metas, &address, block, scope);
        // A second declaration is still checked and generated: the two
        // errors below are the whole story.
        let valid = self.diags.count() == before;
        if index.is_none() {
            let shown = address.to_string();
            if let Some(first) = self.names.get(&shown) {
                let msg = format!("`{shown}` is declared twice");
                self.diags.error(*first, message(&msg, Some("give each resource its own name"), Some("first declared here")));
                self.diags.error(name_span, message(&msg, Some("give each resource its own name"), Some("declared again here")));
            } else {
                self.names.insert(shown, name_span);
            }
        }
        if !valid {
            self.any_rejected = true;
            return Err(std::mem::take(&mut self.used));
        }
        self.resources.push(Resource { address, base_name, index, body: resolved_body, metas, view, spans, name_span, span });
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

    /// `#[depends_on]` names handles, `#[lifecycle(ignore_changes)]` names
    /// attributes of the type, `#[suppress]` passes the suppression checks.
    fn meta_arguments(&mut self, metas: &Metas, address: &Address, block: Option<&Block>, scope: &Scope) {
        let type_name = address.type_name.as_str();
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
        if let (Some(lifecycle), Some(block)) = (&metas.lifecycle, block) {
            for n in &lifecycle.ignore_changes {
                let name = name_of(n);
                if !block.attributes.contains_key(&name) && !block.block_types.contains_key(&name) {
                    let help = suggest(&name, block.readable_names()).map(|s| format!("did you mean `{s}`?"));
                    self.diags.error(n.span(), message(&format!("`ignore_changes` names `{name}`, which `{type_name}` does not have"), help.as_deref(), None));
                }
            }
        }
        for s in &metas.suppress {
            policy_phase::check_suppression(self.diags, self.rules, s, SuppressionSite::Resource(Arc::new(address.clone())));
        }
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
        match out.description {
            Some(description) if self.diags.count() == before => Ok(Output { name, value, description, sensitive: out.sensitive }),
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
                        Node::Block(_) => instances += 1,
                    }
                }
            }
            match entry {
                Entry::Attr { key: k, value } => {
                    if set || list_items.is_some() || instances > 0 {
                        self.diags.error(k.span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                        continue;
                    }
                    spans.record(&here, Some(k.span()), value.span());
                    let v = self.value(value, &here, scope, spans);
                    out.entries.push((key, Node::Attr(v)));
                }
                Entry::Block { key: k, body: inner, span } => {
                    if set {
                        self.diags.error(k.span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                        continue;
                    }
                    // The first instance is recorded as written (`key`); later
                    // ones by index (`key[1]`). `SpanMap::as_written` reads
                    // `key[0]` as `key`, so both spellings find the first.
                    let instance_path = match list_items {
                        Some(items) => here.index(items + instances),
                        None if instances == 0 => {
                            spans.single_block(here.clone());
                            here
                        }
                        None => here.index(instances),
                    };
                    spans.record(&instance_path, Some(k.span()), span);
                    let instance = self.body(inner.entries, &instance_path, scope, spans);
                    out.entries.push((key, Node::Block(instance)));
                }
            }
        }
        out
    }

    /// One value, resolved; records spans of nested values.
    fn value(&mut self, v: ValueExpr, path: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> Value {
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
            ValueExpr::Call { function, args, .. } => {
                // `tf::cidrsubnett(...)` or an argument short fails at `terraform plan`; here it is the function's token.
                if let Err(problem) = tap_core::schema::functions::check_call(&function.to_string(), args.len()) {
                    self.diags.error(function.span(), message(&problem.message(), Some(&problem.help()), None));
                }
                Value::Call(function.to_string(), args.into_iter().map(|a| self.value(a, path, scope, spans)).collect())
            }
            ValueExpr::Rust(expr) => Value::Hole(expr),
            ValueExpr::Ref { binding, steps, span } => self.reference(binding, steps, span, scope),
            ValueExpr::Splat { binding, attr, span } => {
                let found = scope.get(&binding.to_string());
                if found.is_some() {
                    self.use_binding(&binding);
                }
                match found {
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
        let Some(binding) = scope.get(&root.to_string()) else {
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
            Binding::Handle { .. } | Binding::OpaqueHandle if element.is_some() => {
                self.diags.error(span, message(&format!("`{root}` is one resource handle, not a collection"), Some(&format!("write `{root}.attribute`")), None));
                return Value::rejected();
            }
            Binding::Handle { mode, type_name, static_name, type_known } => Some((*mode, type_name, static_name, *type_known)),
            Binding::OpaqueHandle => None,
            Binding::Collection { .. } => {
                self.diags.error(span, message(&format!("`{root}` is a collection of handles"), Some(&format!("use `{root}[*].attr` for all of them, or bind one handle")), None));
                return Value::rejected();
            }
        };
        let view = known.map(|(mode, type_name, static_name, type_known)| {
            let address = Arc::new(Address::new(mode, type_name, static_name.as_str()));
            let path: Vec<Step> = steps
                .iter()
                .map(|s| match s {
                    RefStep::Attr(a) => Step::Attr(name_of(a)),
                    RefStep::Index(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })) => Step::Index(i.base10_parse().unwrap_or(0)),
                    RefStep::Index(_) => Step::Index(0),
                    RefStep::Key(k) => Step::Key(k.value()),
                })
                .collect();
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
        Value::Ref(Box::new(Ref { root, element, first: name_of(&first), rest: rest.collect(), view, span }))
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
        if let Err(error) = check_reference_path(type_name, block, &reference.path) {
            let name = &reference.target.name;
            let what = match mode {
                // A handle parameter: its address is the caller's.
                _ if name.starts_with('<') => format!("parameter `{}` (a handle to `{type_name}`)", name.trim_matches(['<', '>'])),
                Mode::Data => format!("data source `{}`", reference.target),
                Mode::Managed => format!("`{}`", reference.target),
            };
            self.diags.error(span, message(&format!("bad reference to {what}: {}", error.message), error.help.as_deref(), None));
        }
    }
}
