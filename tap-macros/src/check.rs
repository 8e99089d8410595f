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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use proc_macro2::Span;
use tap_core::graph::{Resource, Stack};
use tap_core::path::{AttrPath, Seg};
use tap_core::policy::{self, Graph, Level, Report, RowState, Suppression};
use tap_core::reference::{Address, Reference, Step};
use tap_core::schema::{check_body, check_reference_path, suggest, IssueTarget};
use tap_core::value::Value;

use crate::diag::{message, Diagnostics};
use crate::model::*;
use crate::schema::Schema;
use crate::scope::{Binding, Scope};

/// Where each value and key of one resource was written.
#[derive(Default)]
pub struct SpanMap {
    keys: HashMap<AttrPath, Span>,
    values: HashMap<AttrPath, Span>,
    /// Nested blocks written once: recorded as `key`, named `key[0]` by
    /// checks that treat every list block as a list.
    single_blocks: HashSet<AttrPath>,
}

impl SpanMap {
    fn record(&mut self, path: &AttrPath, key: Option<Span>, value: Span) {
        if let Some(k) = key {
            self.keys.insert(path.clone(), k);
        }
        self.values.insert(path.clone(), value);
    }

    /// `key[0].x` as `key.x` where `key` is a block written once.
    fn as_written(&self, path: &AttrPath) -> AttrPath {
        let mut out = AttrPath::root();
        for seg in &path.0 {
            if *seg == Seg::Index(0) && self.single_blocks.contains(&out) {
                continue;
            }
            out.0.push(seg.clone());
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
            if p.0.pop().is_none() {
                return fallback;
            }
        }
    }
}

/// One resource after phase 2.
pub struct Checked {
    pub address: Address,
    pub body: BTreeMap<String, Value>,
    pub spans: SpanMap,
    /// The `aws_vpc.main` tokens: where missing things are reported.
    pub name_span: Span,
    /// Passed the schema checks (policy runs only on these).
    pub valid: bool,
    /// Accepted suppressions, with the span of their rule ID.
    pub suppressions: Vec<(Suppression, Span)>,
}

pub struct Checker<'a> {
    pub schema: &'a Schema,
    pub diags: &'a mut Diagnostics,
}

fn static_address(kind: Kind, type_name: &str, name: &str) -> Address {
    match kind {
        Kind::Resource => Address::resource(type_name, name),
        Kind::Data => Address::data(type_name, name),
    }
}

impl Checker<'_> {
    /// Phase 2 for one invocation: type, names, kinds, values, references, meta-arguments.
    pub fn check_invocation(&mut self, inv: &Invocation, scope: &Scope) -> Checked {
        let type_name = inv.type_name();
        let data = inv.kind == Kind::Data;
        let name_span = inv.type_ident.span().join(inv.name.span()).unwrap_or(inv.type_ident.span());
        let before = self.diags.count();
        let mut spans = SpanMap::default();
        let block = self.schema.block(data, &type_name);
        if block.is_none() {
            self.unknown_type(inv, data);
        }
        let body = self.body_values(&inv.body, &AttrPath::root(), scope, &mut spans);

        if let Some(block) = block {
            for issue in check_body(&type_name, block, &body) {
                let span = match issue.target {
                    IssueTarget::Container if issue.path.is_root() => name_span,
                    IssueTarget::Container | IssueTarget::Key => spans.find(&issue.path, true, name_span),
                    IssueTarget::Value => spans.find(&issue.path, false, name_span),
                };
                self.diags.error(span, message(&issue.message, issue.help.as_deref(), None));
            }
        }

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
                    if let Some(block) = block {
                        for n in ignore_changes {
                            let name = n.to_string();
                            if !block.attributes.contains_key(&name) && !block.block_types.contains_key(&name) {
                                let help = suggest(&name, block.readable_names()).map(|s| format!("did you mean `{s}`?"));
                                self.diags.error(n.span(), message(&format!("`ignore_changes` names `{name}`, which `{type_name}` does not have"), help.as_deref(), None));
                            }
                        }
                    }
                }
                Meta::Provider(_) => {}
                Meta::Suppress { rule, reason, span } => {
                    if let Some(s) = self.check_suppression(rule, reason.as_ref(), *span, Some(&type_name)) {
                        suppressions.push((s, rule.span()));
                    }
                }
            }
        }

        Checked {
            address: static_address(inv.kind, &type_name, &inv.static_name()),
            body,
            spans,
            name_span,
            valid: self.diags.count() == before,
            suppressions,
        }
    }

    fn unknown_type(&mut self, inv: &Invocation, data: bool) {
        let type_name = inv.type_name();
        let kind = if data { "data source" } else { "resource type" };
        let other = self.schema.lookup(!data, &type_name).is_some();
        let names = self.schema.type_names(data);
        let help = if other {
            Some(if data {
                format!("`{type_name}` is a resource type: use `resource!`")
            } else {
                format!("`{type_name}` is a data source: use `data!`")
            })
        } else {
            suggest(&type_name, names.iter().copied()).map(|s| format!("did you mean `{s}`?"))
        };
        self.diags.error(
            inv.type_ident.span(),
            message(
                &format!("unknown {kind} `{type_name}`"),
                help.as_deref(),
                Some(&format!("types are checked against {}; add a type with `tools/tap-schema.py`", self.schema.description)),
            ),
        );
    }

    /// Checks a suppression's rule ID and reason; returns it if usable.
    pub fn check_suppression(&mut self, rule: &syn::LitStr, reason: Option<&syn::LitStr>, span: Span, type_name: Option<&str>) -> Option<Suppression> {
        let id = rule.value();
        let Some(found) = policy::rule(&id) else {
            let ids: Vec<&str> = policy::all_rules().iter().map(|r| r.id).collect();
            let help = suggest(&id, ids.iter().copied()).map(|s| format!("did you mean `{s}`?")).unwrap_or_else(|| "see the rule table in the README".into());
            self.diags.error(rule.span(), message(&format!("suppression names unknown rule `{id}`"), Some(&help), None));
            return None;
        };
        if let Some(t) = type_name {
            if !found.resource_types.contains(&t) {
                let types: Vec<String> = found.resource_types.iter().map(|t| format!("`{t}`")).collect();
                self.diags.error(rule.span(), message(&format!("rule `{id}` does not apply to `{t}`, so this suppression can never match"), Some(&format!("`{id}` checks {}", types.join(", "))), None));
                return None;
            }
        }
        let Some(reason) = reason else {
            self.diags.error(
                span,
                message(
                    &format!("suppression of `{id}` has no reason"),
                    Some(&format!("write `suppress(\"{id}\", reason = \"why this exception is safe\")`; reviewers read it in the synthesized output")),
                    None,
                ),
            );
            return None;
        };
        if let Err(why) = policy::check_reason(&reason.value()) {
            self.diags.error(reason.span(), message(&format!("suppression of `{id}`: {why}"), Some("say what makes the exception safe, for the reviewer"), None));
            return None;
        }
        Some(Suppression::new(&id, &reason.value()))
    }

    fn body_values(&mut self, body: &Body, path: &AttrPath, scope: &Scope, spans: &mut SpanMap) -> BTreeMap<String, Value> {
        let mut out: BTreeMap<String, Value> = BTreeMap::new();
        let mut block_counts: BTreeMap<String, usize> = BTreeMap::new();
        for entry in body.entries.iter() {
            if let Entry::Block { key, .. } = entry {
                *block_counts.entry(key.to_string()).or_default() += 1;
            }
        }
        let mut seen_blocks: BTreeMap<String, usize> = BTreeMap::new();
        for entry in &body.entries {
            let key = entry.key().to_string().trim_start_matches("r#").to_owned();
            match entry {
                Entry::Attr { key: k, value } => {
                    if out.contains_key(&key) {
                        self.diags.error(k.span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                        continue;
                    }
                    let here = path.name(&key);
                    spans.record(&here, Some(k.span()), value.span());
                    let v = self.value(value, &here, scope, spans);
                    out.insert(key, v);
                }
                Entry::Block { key: k, body: inner, span } => {
                    if matches!(out.get(&key), Some(v) if !matches!(v, Value::Block(_) | Value::List(_))) {
                        self.diags.error(k.span(), message(&format!("`{key}` is set twice"), Some("remove one of them"), None));
                        continue;
                    }
                    let count = block_counts[&key];
                    let i = {
                        let c = seen_blocks.entry(key.clone()).or_default();
                        *c += 1;
                        *c - 1
                    };
                    let here = path.name(&key);
                    let indexed = here.index(i);
                    if count == 1 {
                        spans.record(&here, Some(k.span()), *span);
                        spans.single_blocks.insert(here.clone());
                        let v = self.body_values(inner, &here, scope, spans);
                        out.insert(key, Value::Block(v));
                    } else {
                        spans.record(&indexed, Some(k.span()), *span);
                        let v = self.body_values(inner, &indexed, scope, spans);
                        match out.entry(key).or_insert_with(|| Value::List(Vec::new())) {
                            Value::List(items) => items.push(Value::Block(v)),
                            _ => unreachable!("BUG: repeated block collected into a non-list"),
                        }
                    }
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
                    Value::Unknown
                }
            },
            ValueExpr::Float(f, neg) => match f.base10_parse::<f64>() {
                Ok(n) => Value::Float(if *neg { -n } else { n }),
                Err(e) => {
                    self.diags.push(e);
                    Value::Unknown
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
                let mut m = BTreeMap::new();
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
            ValueExpr::Rust(_) => Value::Unknown,
            ValueExpr::Ref { binding, steps, span } => self.reference(binding, steps, *span, scope),
            ValueExpr::Splat { binding, attr, span } => match scope.get(&binding.to_string()) {
                Some(Binding::Collection { kind, type_name, static_name, type_known }) => {
                    let address = Arc::new(static_address(*kind, type_name, static_name));
                    let reference = Reference::new(address, vec![Step::Attr(attr.to_string())]);
                    if *type_known {
                        self.check_reference(type_name, *kind == Kind::Data, &reference, attr.span());
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
                    Value::Unknown
                }
            },
        }
    }

    fn reference(&mut self, binding: &syn::Ident, steps: &[RefStep], span: Span, scope: &Scope) -> Value {
        let indexes_collection = matches!(steps.first(), Some(RefStep::Index(_)));
        match scope.get(&binding.to_string()) {
            Some(Binding::Collection { kind, type_name, static_name, type_known }) if indexes_collection => {
                // `nats[i].id`: every element has the collection's type.
                let binding = Binding::Handle { kind: *kind, type_name: type_name.clone(), static_name: static_name.clone(), type_known: *type_known };
                let mut one = Scope::default();
                one.bind("element".into(), binding);
                let element = syn::Ident::new("element", span);
                self.reference(&element, &steps[1..], span, &one)
            }
            Some(Binding::Handle { .. } | Binding::OpaqueHandle) if indexes_collection => {
                self.diags.error(span, message(&format!("`{binding}` is one resource handle, not a collection"), Some(&format!("write `{binding}.attribute`")), None));
                Value::Unknown
            }
            Some(Binding::Handle { kind, type_name, static_name, type_known, .. }) => {
                let address = Arc::new(static_address(*kind, type_name, static_name));
                let path = steps
                    .iter()
                    .map(|s| match s {
                        RefStep::Attr(a) => Step::Attr(a.to_string().trim_start_matches("r#").to_owned()),
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
                    self.check_reference(type_name, *kind == Kind::Data, &reference, attr_span);
                }
                Value::Ref(reference)
            }
            Some(Binding::OpaqueHandle) => Value::Unknown,
            Some(Binding::Collection { .. }) => {
                self.diags.error(span, message(&format!("`{binding}` is a collection of handles"), Some(&format!("use `{binding}[*].attr` for all of them, or bind one handle")), None));
                Value::Unknown
            }
            // Not a handle: a Rust expression such as `self.config.region`.
            None => Value::Unknown,
        }
    }

    fn check_reference(&mut self, type_name: &str, data: bool, reference: &Reference, span: Span) {
        let Some(block) = self.schema.block(data, type_name) else { return };
        if let Err((msg, help)) = check_reference_path(type_name, block, &reference.path) {
            let what = if data { format!("data source `{}`", reference.target) } else { format!("`{}`", reference.target) };
            self.diags.error(span, message(&format!("bad reference to {what}: {msg}"), help.as_deref(), None));
        }
    }
}

/// Phase 3: the policy rules on every resource that passed phase 2, as one
/// stack, so cross-resource rules see their neighbours. Non-compliant
/// findings at error level become errors at the offending attribute;
/// unknown ones are left for synthesis.
pub fn check_policy(
    diags: &mut Diagnostics,
    checked: &[Checked],
    packs: &[String],
    stack_suppressions: &[(Suppression, Span)],
    rejected_stack_suppressions: &[String],
) {
    let mut stack = Stack::new("compile_time_view");
    stack.packs = packs.to_vec();
    stack.suppressions = stack_suppressions.iter().map(|(s, _)| s.clone()).collect();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for (i, c) in checked.iter().enumerate() {
        if !c.valid {
            continue;
        }
        let mut r = Resource::new(c.address.clone(), None);
        r.body = c.body.clone();
        r.suppressions = c.suppressions.iter().map(|(s, _)| s.clone()).collect();
        index_of.entry(c.address.to_string()).or_insert(i);
        stack.add(r);
    }
    let graph = Graph::new(&stack);
    let report = Report::build(&stack, &graph);

    for row in &report.rows {
        if row.level != Level::Error || row.state != RowState::NonCompliant || rejected_stack_suppressions.iter().any(|id| id == row.rule_id) {
            continue;
        }
        let Some(&i) = index_of.get(&row.address) else { continue };
        let c = &checked[i];
        let span = if row.path.is_root() { c.name_span } else { c.spans.find(&row.path, false, c.name_span) };
        let rule = policy::rule(row.rule_id).expect("BUG: report row names an unknown rule");
        let at = if row.path.is_root() { String::new() } else { format!(" (`{}`)", row.path) };
        diags.error(
            span,
            message(
                &format!("[{}] {} `{}`{at}: {}", row.rule_id, kind_label(&c.address), c.address.name, row.message),
                Some(rule.fix),
                Some(&format!("to accept this, add `#[suppress(\"{}\", reason = \"...\")]` to the resource", row.rule_id)),
            ),
        );
    }

    // A suppression that matched no finding would silently hide a future one.
    for c in checked.iter().filter(|c| c.valid) {
        let address = c.address.to_string();
        for (s, rule_span) in &c.suppressions {
            let matched = report.rows.iter().any(|r| r.address == address && r.rule_id == s.rule_id);
            if !matched {
                diags.error(
                    *rule_span,
                    message(&format!("suppression of `{}` matches no finding on `{}`", s.rule_id, address), Some("remove it: the resource complies"), None),
                );
            }
        }
    }
    // Resources with schema errors were left out of the policy phase, so a
    // stack-wide suppression may match them once they are fixed.
    let all_valid = checked.iter().all(|c| c.valid);
    for (s, span) in stack_suppressions {
        if all_valid && !report.rows.iter().any(|r| r.rule_id == s.rule_id) {
            diags.error(*span, message(&format!("stack suppression of `{}` matches no finding", s.rule_id), Some("remove it: every resource complies"), None));
        }
    }
}

/// `lambda function`, `dynamodb table`: the type without its provider prefix.
fn kind_label(address: &Address) -> String {
    let t = address.type_name.strip_prefix("aws_").unwrap_or(&address.type_name);
    t.replace('_', " ")
}
