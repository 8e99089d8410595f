//! Compile-time checks of one stack: schema (phase 2) and policy (phase 3).
//!
//! Phase: resolve + policy. Builds the compile-time view of every resource
//! (a `tap_core` value tree where Rust expressions are `Value::Unknown`),
//! runs `tap_core`'s schema checks and policy rules on it, and maps every
//! finding back to the user's token through a span map. It emits no code.
//!
//! Which checks live here and which in `tap_core`: the checks themselves
//! are `tap_core`'s (so synthesis runs the same ones on run-time values);
//! this module only decides what is known at compile time and where to
//! point.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use proc_macro2::Span;
use tap_core::__private::unknown;
use tap_core::graph::{Graph, Provider, Resource, Stack, Suppression};
use tap_core::path::{AttrPath, Step};
use tap_core::policy::{self, Level, Place, ReasonProblem, Report, RowState, RuleSet, SuppressionError, SuppressionProblem, SuppressionSite};
use tap_core::reference::{Address, Mode, Reference};
use tap_core::schema::{check_body, check_reference_path, suggest, Block, IssueTarget};
use tap_core::value::{add_block_instance, Fields, Value};

use crate::diag::{message, Diagnostics};
use crate::model::*;
use crate::schema::{Schemas, HOW_TO_ADD};
use crate::scope::{Binding, Scope};

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
    fn record(&mut self, path: &AttrPath, key: Option<Span>, value: Span) {
        if let Some(k) = key {
            self.keys.insert(path.clone(), k);
        }
        self.values.insert(path.clone(), value);
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
    fn find(&self, path: &AttrPath, prefer_key: bool, fallback: Span) -> Span {
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

/// One resource after phase 2.
pub struct Checked {
    pub address: Address,
    pub body: Fields,
    pub spans: SpanMap,
    /// The `aws_vpc.main` tokens: where missing things are reported.
    pub name_span: Span,
    /// Passed the schema checks (policy runs only on these).
    pub valid: bool,
    /// Accepted suppressions, with the span of their rule ID.
    pub suppressions: Vec<(Suppression, Span)>,
    /// `#[provider(alias)]`: which configuration of its provider it uses.
    pub provider_alias: Option<String>,
}

pub struct Checker<'a> {
    pub schema: &'a Schemas,
    pub diags: &'a mut Diagnostics,
    /// The rules suppressions may name; `None` when the organisation
    /// policy file has errors (reported once, on the attribute), so that
    /// its rule IDs are not reported as unknown as well.
    pub rules: Option<&'a RuleSet>,
}

impl<'a> Checker<'a> {
    /// Phase 2 for one invocation: type, names, kinds, values, references,
    /// meta-arguments. Schema issues and reference errors land on the
    /// user's tokens; what passed goes on to the policy phase.
    pub fn check_invocation(&mut self, inv: &Invocation, scope: &Scope) -> Checked {
        let type_name = inv.type_name();
        let name_span = inv.type_ident.span().join(inv.name.span()).unwrap_or(inv.type_ident.span());
        let before = self.diags.count();
        let block = self.type_block(inv);
        let mut spans = SpanMap::default();
        let body = self.body_values(&inv.body, &AttrPath::root(), scope, &mut spans);
        if let Some(block) = block {
            self.schema_issues(&type_name, block, &body, &spans, name_span);
        }
        let suppressions = self.meta_arguments(inv, block, scope);
        let provider_alias = inv.body.metas.iter().find_map(|m| match m {
            Meta::Provider(alias) => Some(name_of(alias)),
            _ => None,
        });
        Checked {
            address: Address::new(inv.mode, &type_name, inv.static_name()),
            body,
            spans,
            name_span,
            valid: self.diags.count() == before,
            suppressions,
            provider_alias,
        }
    }

    /// `tap_core`'s schema checks on the compile-time view, each issue on its token.
    fn schema_issues(&mut self, type_name: &str, block: &Block, body: &Fields, spans: &SpanMap, name_span: Span) {
        for issue in check_body(type_name, block, body) {
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
    /// Returns the accepted suppressions with the span of their rule ID.
    fn meta_arguments(&mut self, inv: &Invocation, block: Option<&Block>, scope: &Scope) -> Vec<(Suppression, Span)> {
        let type_name = inv.type_name();
        let mut suppressions = Vec::new();
        for meta in &inv.body.metas {
            match meta {
                Meta::DependsOn(names) => {
                    for n in names {
                        if !matches!(scope.get(&n.to_string()), Some(Binding::Handle { .. } | Binding::OpaqueHandle)) {
                            self.diags.error(
                                n.span(),
                                message(&format!("`depends_on` names `{n}`, which is not a resource handle in this stack"), Some("name a variable bound to `resource!(...)` or `data!(...)`"), None),
                            );
                        }
                    }
                }
                Meta::Lifecycle { ignore_changes, .. } => {
                    let Some(block) = block else { continue };
                    for n in ignore_changes {
                        let name = name_of(n);
                        if !block.attributes.contains_key(&name) && !block.block_types.contains_key(&name) {
                            let help = suggest(&name, block.readable_names()).map(|s| format!("did you mean `{s}`?"));
                            self.diags.error(n.span(), message(&format!("`ignore_changes` names `{name}`, which `{type_name}` does not have"), help.as_deref(), None));
                        }
                    }
                }
                Meta::Provider(_) => {}
                Meta::Suppress { rule, reason, finding, span } => {
                    if let Some(s) = self.check_suppression(rule, reason.as_ref(), finding.as_ref(), *span, SuppressionSite::Resource(Arc::new(Address::new(inv.mode, &type_name, inv.static_name())))) {
                        suppressions.push((s, rule.span()));
                    }
                }
            }
        }
        suppressions
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

    /// Phase 2 for `provider!`: the provider has a schema, and the
    /// configuration fits its configuration block. Returns the
    /// compile-time view of the configuration if it passed.
    pub fn check_provider(&mut self, inv: &ProviderInvocation, scope: &Scope) -> Option<Fields> {
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
        if let Some(meta) = inv.body.metas.first() {
            let span = match meta {
                Meta::Suppress { span, .. } => *span,
                _ => inv.name.span(),
            };
            self.diags.error(span, message("a provider configuration takes no meta-arguments", Some("give an alias as `provider!(name.alias { ... })`"), None));
        }
        let mut spans = SpanMap::default();
        let body = self.body_values(&inv.body, &AttrPath::root(), scope, &mut spans);
        match provider.config_block() {
            Ok(block) => self.schema_issues(&format!("provider.{name}"), block, &body, &spans, inv.name.span()),
            Err(e) => self.diags.error(inv.name.span(), message(&format!("the configuration schema of provider `{name}` in {} is malformed: {e}", provider.origin), None, None)),
        }
        (self.diags.count() == before).then_some(body)
    }

    /// A type whose prefix names no provider with a schema: a typo of
    /// another provider's type, or a provider whose schema is missing.
    fn unknown_provider(&mut self, inv: &Invocation) {
        let type_name = inv.type_name();
        let prefix = type_name.split('_').next().unwrap_or(&type_name);
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

    /// Checks a suppression with `tap_core`'s rules (the same ones synthesis
    /// applies) and puts any error on the token at fault; returns it if usable.
    pub fn check_suppression(&mut self, rule: &syn::LitStr, reason: Option<&syn::LitStr>, finding: Option<&syn::LitStr>, span: Span, site: SuppressionSite) -> Option<Suppression> {
        let mut suppression = Suppression::new(&rule.value(), &reason.map(syn::LitStr::value).unwrap_or_default());
        if let Some(finding) = finding {
            // A finding is one place: `[*]` belongs to policy patterns only.
            let parsed = AttrPath::parse(&finding.value()).and_then(|p| if p.is_pattern() { Err(format!("`{p}` names every element with `[*]`; a finding is at one index")) } else { Ok(p) });
            match parsed {
                Ok(path) => suppression = suppression.for_finding(path),
                Err(problem) => {
                    let help = "name the finding by the attribute path its error shows, such as `policy.Statement[1].Action[0]` or `ingress[2]`";
                    self.diags.error(finding.span(), message(&format!("`finding` is not an attribute path: {problem}"), Some(help), None));
                    return None;
                }
            }
        }
        let result = match self.rules {
            Some(rules) => policy::check_suppression(rules, &suppression, &site),
            // The policy file has errors of its own: only the reason can be judged.
            None => policy::check_reason(&suppression.reason).map_err(|problem| SuppressionError::Reason { rule_id: suppression.rule_id.clone(), problem }),
        };
        let Err(error) = result else { return Some(suppression) };
        let at = match (&error, reason, finding) {
            (SuppressionError::Reason { problem: ReasonProblem::Missing, .. }, None, _) => span,
            (SuppressionError::Reason { .. }, Some(reason), _) => reason.span(),
            (SuppressionError::FindingNeedsResource { .. }, _, Some(finding)) => finding.span(),
            _ => rule.span(),
        };
        let help = error.help();
        // On the stack or an instance the message says so; on a resource the span does.
        let line = match site {
            SuppressionSite::Resource(_) => error.to_string(),
            SuppressionSite::Instance(_) => format!("suppression on a component instance: {error}"),
            SuppressionSite::Stack => SuppressionProblem { on: SuppressionSite::Stack, error }.message(),
        };
        self.diags.error(at, message(&line, Some(&help), None));
        None
    }

    /// The compile-time view of a body, built as the running stack builds
    /// it (`add_block_instance`), with the span of every key and value.
    fn body_values(&mut self, body: &Body, path: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> Fields {
        let mut out = Fields::new();
        for entry in &body.entries {
            let key = entry.name();
            let here = path.name(&key);
            match entry {
                Entry::Attr { key: k, value } => {
                    if out.contains_key(&key) {
                        self.diags.error(k.span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                        continue;
                    }
                    spans.record(&here, Some(k.span()), value.span());
                    let v = self.value(value, &here, scope, spans);
                    out.insert(key, v);
                }
                Entry::Block { key: k, body: inner, span } => {
                    // The first instance is recorded as written (`key`); later
                    // ones by index (`key[1]`). `SpanMap::as_written` reads
                    // `key[0]` as `key`, so both spellings find the first.
                    let instance_path = match out.get(&key) {
                        None => {
                            spans.single_blocks.insert(here.clone());
                            here
                        }
                        Some(Value::Block(_)) => here.index(1),
                        Some(Value::List(items)) => here.index(items.len()),
                        Some(_) => {
                            self.diags.error(k.span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                            continue;
                        }
                    };
                    spans.record(&instance_path, Some(k.span()), *span);
                    let instance = self.body_values(inner, &instance_path, scope, spans);
                    add_block_instance(&mut out, &key, instance);
                }
            }
        }
        out
    }

    /// Checks the references in an output's value.
    pub fn output_value(&mut self, v: &ValueExpr, scope: &Scope) {
        let mut spans = SpanMap::default();
        self.value(v, &AttrPath::root().name("value"), scope, &mut spans);
    }

    /// The compile-time view of one value; records spans of nested values.
    fn value(&mut self, v: &ValueExpr, path: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> Value {
        match v {
            ValueExpr::Str(s) => Value::Str(s.value()),
            ValueExpr::Int(i, neg) => match i.base10_parse::<i64>() {
                Ok(n) => Value::Int(if *neg { -n } else { n }),
                Err(e) => {
                    self.diags.push(e);
                    unknown()
                }
            },
            ValueExpr::Float(f, neg) => match f.base10_parse::<f64>() {
                Ok(n) => Value::Float(if *neg { -n } else { n }),
                Err(e) => {
                    self.diags.push(e);
                    unknown()
                }
            },
            ValueExpr::Bool(b) => Value::Bool(b.value),
            ValueExpr::Null(_) => Value::Null,
            ValueExpr::List(items, _) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let p = path.index(i);
                        spans.record(&p, None, item.span());
                        self.value(item, &p, scope, spans)
                    })
                    .collect(),
            ),
            ValueExpr::Map(entries, _) => {
                let mut m = Fields::new();
                for (k, item) in entries {
                    let p = path.name(&k.text);
                    spans.record(&p, Some(k.span), item.span());
                    if m.contains_key(&k.text) {
                        self.diags.error(k.span, message(&format!("map key `{}` is written twice", k.text), None, None));
                    }
                    let value = self.value(item, &p, scope, spans);
                    m.insert(k.text.clone(), value);
                }
                Value::Map(m)
            }
            ValueExpr::Concat(parts, _) => Value::Template(parts.iter().map(|p| self.value(p, path, scope, spans)).collect()),
            ValueExpr::Call { function, args, .. } => Value::call(&function.to_string(), args.iter().map(|a| self.value(a, path, scope, spans)).collect()),
            ValueExpr::Rust(_) => unknown(),
            ValueExpr::Ref { binding, steps, span } => self.reference(binding, steps, *span, scope),
            ValueExpr::Splat { binding, attr, span } => match scope.get(&binding.to_string()) {
                Some(Binding::Collection { mode, type_name, static_name, type_known }) => {
                    let address = Arc::new(Address::new(*mode, type_name, static_name.as_str()));
                    let reference = Reference::new(address, AttrPath::root().name(&name_of(attr)));
                    if *type_known {
                        self.check_reference(type_name, *mode, &reference, attr.span());
                    }
                    Value::List(vec![Value::Ref(reference)])
                }
                _ => {
                    self.diags.error(
                        *span,
                        message(
                            &format!("`{binding}[*]` needs `{binding}` to be a collection of resource handles"),
                            Some(&format!("declare `let mut {binding} = Vec::new();` and `{binding}.push(handle)` for each `resource!` handle")),
                            None,
                        ),
                    );
                    unknown()
                }
            },
        }
    }

    fn reference(&mut self, binding: &syn::Ident, steps: &[RefStep], span: Span, scope: &Scope) -> Value {
        let indexes_collection = matches!(steps.first(), Some(RefStep::Index(_)));
        match scope.get(&binding.to_string()) {
            Some(Binding::Collection { mode, type_name, static_name, type_known }) if indexes_collection => {
                // `nats[i].id`: every element has the collection's type.
                let binding = Binding::Handle { mode: *mode, type_name: type_name.clone(), static_name: static_name.clone(), type_known: *type_known };
                let mut one = Scope::default();
                one.bind("element".into(), binding);
                let element = syn::Ident::new("element", span);
                self.reference(&element, &steps[1..], span, &one)
            }
            Some(Binding::Handle { .. } | Binding::OpaqueHandle) if indexes_collection => {
                self.diags.error(span, message(&format!("`{binding}` is one resource handle, not a collection"), Some(&format!("write `{binding}.attribute`")), None));
                unknown()
            }
            Some(Binding::Handle { mode, type_name, static_name, type_known, .. }) => {
                let address = Arc::new(Address::new(*mode, type_name, static_name.as_str()));
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
                let attr_span = match steps.first() {
                    Some(RefStep::Attr(a)) => a.span(),
                    _ => span,
                };
                if *type_known {
                    self.check_reference(type_name, *mode, &reference, attr_span);
                }
                Value::Ref(reference)
            }
            Some(Binding::OpaqueHandle) => unknown(),
            Some(Binding::Collection { .. }) => {
                self.diags.error(span, message(&format!("`{binding}` is a collection of handles"), Some(&format!("use `{binding}[*].attr` for all of them, or bind one handle")), None));
                unknown()
            }
            // Not a handle: a Rust expression such as `self.config.region`.
            None => unknown(),
        }
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

/// What the policy phase of one stack (or component) works with.
pub struct PolicyInput<'a> {
    pub checked: &'a [Checked],
    /// The built-in rules of the packs, and the organisation policy's.
    pub rules: &'a RuleSet,
    pub schema: &'a Schemas,
    /// `provider!` configurations: local name, alias, the compile-time view.
    pub providers: &'a [(String, Option<String>, Fields)],
    pub stack_suppressions: &'a [(Suppression, Span)],
    /// Rule IDs of rejected stack suppressions: they still silence their
    /// findings, so the user sees one error for the suppression, not a
    /// second for the finding.
    pub rejected_stack_suppressions: &'a [String],
}

/// Phase 3: the policy rules on every resource that passed phase 2, as one
/// stack, so cross-resource rules see their neighbours. Non-compliant
/// findings at error level become errors at the offending attribute;
/// unknown ones are left for synthesis. Then every suppression must have
/// matched a finding.
pub fn check_policy(diags: &mut Diagnostics, input: &PolicyInput) {
    let (stack, index_of) = compile_time_stack(input);
    let lookup = |mode: Mode, type_name: &str| input.schema.block(mode, type_name);
    let graph = tap_core::__private::graph_with_blocks(Graph::new(&stack), &lookup);
    let stack_suppressions: Vec<Suppression> = input.stack_suppressions.iter().map(|(s, _)| s.clone()).collect();
    let report = Report::build_with(&stack, &stack_suppressions, &graph, input.rules);
    report_findings(diags, input, &index_of, &report);
    report_unmatched_suppressions(diags, input, &report);
}

/// The compile-time view as a `tap_core` stack (the resources that passed
/// phase 2), and where each address came from in `checked`. A provider
/// configuration that no `provider!` wrote is added in Rust code, if at
/// all: its configuration (`default_tags`) is unknown until the stack runs.
fn compile_time_stack(input: &PolicyInput) -> (Stack, HashMap<Address, usize>) {
    let mut stack = Stack::new("compile_time_view");
    for (name, alias, body) in input.providers {
        let mut provider = Provider::new(name, "", "");
        provider.alias = alias.clone();
        provider.extra = body.clone();
        stack.provider(provider);
    }
    let mut index_of = HashMap::new();
    for (i, c) in input.checked.iter().enumerate().filter(|(_, c)| c.valid) {
        let mut r = Resource::new(c.address.clone());
        r.body = c.body.clone();
        r.suppressions = c.suppressions.iter().map(|(s, _)| s.clone()).collect();
        r.provider_alias = c.provider_alias.clone();
        let local = c.address.type_name.split('_').next().unwrap_or_default().to_owned();
        if !stack.providers.iter().any(|p| p.name == local && p.alias == r.provider_alias) {
            let mut unknown_config = Provider::new(&local, "", "");
            unknown_config.alias = r.provider_alias.clone();
            unknown_config.extra.insert("default_tags".into(), unknown());
            stack.provider(unknown_config);
        }
        index_of.entry(c.address.clone()).or_insert(i);
        stack.add(r);
    }
    (stack, index_of)
}

/// Each unsuppressed error-level finding, on the attribute at fault.
fn report_findings(diags: &mut Diagnostics, input: &PolicyInput, index_of: &HashMap<Address, usize>, report: &Report) {
    for row in &report.rows {
        // A rejected stack suppression already has its error; its findings would repeat it.
        if row.level != Level::Error || row.state != RowState::NonCompliant || input.rejected_stack_suppressions.contains(&row.rule_id) {
            continue;
        }
        let Some(&i) = index_of.get(&*row.address) else { continue };
        let c = &input.checked[i];
        let span = if row.path.is_root() { c.name_span } else { c.spans.find(&row.path, false, c.name_span) };
        let at = if row.path.is_root() { String::new() } else { format!(" (`{}`)", row.path) };
        let note = match input.rules.forbidden_by(&row.rule_id) {
            Some(file) => format!("`{file}` marks `{}` unsuppressible: no suppression can accept this", row.rule_id),
            None if row.path.is_root() => format!("to accept this, add `#[suppress(\"{}\", reason = \"...\")]` to the resource", row.rule_id),
            None => format!("to accept this finding alone, add `#[suppress(\"{}\", reason = \"...\", finding = \"{}\")]` to the resource", row.rule_id, row.path),
        };
        diags.error(
            span,
            message(&row.line().at(Place::Named(&format!("{} `{}`{at}", kind_label(&c.address), c.address.name))).without_context().to_string(), Some(&row.fix), Some(&note)),
        );
    }
}

/// A suppression that matched no finding would silently hide a future one.
/// A precise suppression must cover a finding at (or under) its path, or
/// an undecided one around it that synthesis will decide. Suppressions of
/// rules written in Rust are left to synthesis, where those rules run.
fn report_unmatched_suppressions(diags: &mut Diagnostics, input: &PolicyInput, report: &Report) {
    let runs_here = |id: &str| input.rules.rule(id).is_some();
    for c in input.checked.iter().filter(|c| c.valid) {
        for (s, rule_span) in c.suppressions.iter().filter(|(s, _)| runs_here(&s.rule_id)) {
            let rows: Vec<_> = report.rows.iter().filter(|r| r.rule_id == s.rule_id && *r.address == c.address).collect();
            let site = SuppressionSite::Resource(Arc::new(c.address.clone()));
            // Undecided findings are decided at synthesis, which checks again.
            if let Some(error) = policy::unmatched(s, &site, rows.iter().any(|r| s.covers(&r.path)), &rows, true) {
                diags.error(*rule_span, message(&error.to_string(), Some(&error.help()), None));
            }
        }
    }
    // Resources with schema errors were left out of the policy phase, so a
    // stack-wide suppression may match them once they are fixed.
    if input.checked.iter().all(|c| c.valid) {
        for (s, span) in input.stack_suppressions.iter().filter(|(s, _)| runs_here(&s.rule_id)) {
            if let Some(error) = policy::unmatched(s, &SuppressionSite::Stack, report.rows.iter().any(|r| r.rule_id == s.rule_id), &[], true) {
                let problem = SuppressionProblem { on: SuppressionSite::Stack, error };
                diags.error(*span, message(&problem.message(), Some(&problem.error.help()), None));
            }
        }
    }
}

/// `lambda function`, `dynamodb table`: the type without its provider prefix.
fn kind_label(address: &Address) -> String {
    let t = address.type_name.strip_prefix("aws_").unwrap_or(&address.type_name);
    t.replace('_', " ")
}
