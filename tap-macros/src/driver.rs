//! The `#[stack]` and `#[component]` drivers.
//!
//! Phase: orchestration. Walks the item in source order, keeps the symbol
//! table (`crate::scope`), and for each `resource!`/`data!`/`output!`/
//! `provider!`/`backend!` parses it (`parse`), resolves it (`resolve`) and replaces
//! it with what `expand` renders from the resolved item; then runs the
//! policy phase on the whole item. It neither checks an invocation nor
//! generates code for one itself: an invocation with errors becomes a
//! placeholder handle next to its `compile_error!`s, so one mistake does
//! not cascade.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, ImplItem, ItemImpl, Pat, Stmt};

use tap_core::graph::Suppression;
use tap_core::policy::{RuleSet, SuppressionSite, DEFAULT_PACKS};
use tap_core::reference::Mode;

use crate::diag::{message, Diagnostics};
use crate::expand::{self, definition_impl, suppression_tokens, Renderer};
use crate::parse;
use crate::policy::{self, LoadedPolicy};
use crate::resolve::Resolver;
use crate::schema::{self, Schemas};
use crate::scope::{Binding, Scope};

/// Entry point of `#[stack]`: parse the attribute and the impl, check and
/// expand every invocation in source order (`Expander`), check the stack's
/// own settings, run the policy phase on the whole stack, then generate
/// the `StackDefinition` impl and the schema facts.
pub fn stack(args: TokenStream, item: TokenStream) -> TokenStream {
    stack_with(schema::load(), args, item)
}

/// [`stack`] with the crate's schemas given (or why they could not be loaded).
fn stack_with(schemas: Result<std::sync::Arc<Schemas>, String>, args: TokenStream, item: TokenStream) -> TokenStream {
    let (args, mut item) = match parse_stack(args, item) {
        Ok(parsed) => parsed,
        Err(e) => return e.to_compile_error(),
    };
    let (schema, loaded) = match load_inputs(schemas, args.policy.as_ref()) {
        Ok(inputs) => inputs,
        Err(e) => return e,
    };
    let mut diags = Diagnostics::new();
    let packs = stack_packs(&args, &mut diags);
    let rules = rule_set(&packs, loaded.as_ref(), &mut diags);
    let self_ident = match &*item.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
    .unwrap_or_else(|| format_ident!("Stack"));

    let mut expander = Expander::new(&schema, rules.as_ref(), &mut diags, format_ident!("__tap_facts_{}", self_ident));
    let define_param = expander.expand_methods(&mut item);
    let settings = stack_settings(&args, packs, &mut expander.resolver);
    let facts = expander.finish(&settings.suppressions, &settings.rejected, loaded.as_ref());

    if define_param.is_none() {
        diags.error(
            item.self_ty.span(),
            message(
                "a `#[stack]` impl needs `fn define(&self, stack: &mut Stack)`",
                Some("declare the stack's resources in `define`; the attribute implements `tap_core::definition::StackDefinition` with it"),
                None,
            ),
        );
        return finish(diags, quote!(#item));
    }
    let name_expr = match &args.name {
        Some(e) => quote!(#e),
        None => {
            let snake = to_snake(&self_ident.to_string());
            quote!(#snake)
        }
    };
    let definition = definition_impl(&item, name_expr, &settings.packs, &settings.suppressions, loaded.as_ref());
    finish(diags, quote!(#item #definition #facts))
}

/// What every expansion starts from: the crate's schemas and its
/// organisation policy. A schema or policy that cannot be loaded at all is
/// one error for the whole item, on the attribute.
fn load_inputs(schemas: Result<std::sync::Arc<Schemas>, String>, policy_attr: Option<&syn::LitStr>) -> Result<(std::sync::Arc<Schemas>, Option<LoadedPolicy>), TokenStream> {
    let schema = schemas.map_err(|e| syn::Error::new(Span::call_site(), e).to_compile_error())?;
    let loaded = policy::load(policy_attr, &schema).map_err(|e| e.to_compile_error())?;
    Ok((schema, loaded))
}

/// The rules suppressions may name and the policy phase runs: the packs'
/// and the organisation policy's. Each problem of the policy file is one
/// error on the attribute, and then there is no policy phase (`None`).
fn rule_set(packs: &[String], loaded: Option<&LoadedPolicy>, diags: &mut Diagnostics) -> Option<RuleSet> {
    if let Some(loaded) = loaded {
        for problem in &loaded.problems {
            diags.error(Span::call_site(), problem.clone());
        }
        // The file's problems are reported; without a usable policy there is no policy phase.
        loaded.policy.as_ref()?;
    }
    let org = loaded.and_then(|l| l.policy.as_ref());
    Some(RuleSet::new(packs, org, &[]).expect("BUG: packs were checked, and a policy file cannot redefine a rule"))
}

/// The `Variables` impl `#[derive(Variables)]` generates: its `declare`
/// expanded like a stack's `define`, so each field's `variable!` is
/// resolved and checked as one written in a stack.
pub fn variables_impl(mut item: ItemImpl) -> TokenStream {
    let schema = match schema::load() {
        Ok(schema) => schema,
        Err(e) => return syn::Error::new(Span::call_site(), e).to_compile_error(),
    };
    let mut diags = Diagnostics::new();
    let mut expander = Expander::new(&schema, None, &mut diags, format_ident!("__tap_variables_facts"));
    expander.expand_methods(&mut item);
    finish(diags, quote!(#item))
}

/// Entry point of `#[component]`: on a free function, or on the impl of a
/// component's configuration type. Every function with a `&mut Scope`
/// parameter is expanded and checked as a stack's `define` is, then runs
/// the policy phase on what it declares; values that come from parameters
/// are checked at synthesis, where findings name the instance.
pub fn component(args: TokenStream, item: TokenStream) -> TokenStream {
    component_with(schema::load(), args, item)
}

fn component_with(schemas: Result<std::sync::Arc<Schemas>, String>, args: TokenStream, item: TokenStream) -> TokenStream {
    let args: parse::ComponentArgs = match syn::parse2(args) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    let (schema, loaded) = match load_inputs(schemas, args.policy.as_ref()) {
        Ok(inputs) => inputs,
        Err(e) => return e,
    };
    let mut diags = Diagnostics::new();
    let packs: Vec<String> = DEFAULT_PACKS.iter().map(|p| (*p).to_owned()).collect();
    let rules = rule_set(&packs, loaded.as_ref(), &mut diags);
    let mut parsed: syn::Item = match syn::parse2(item.clone()) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let (facts_mod, functions): (Ident, Vec<(&syn::Signature, &mut syn::Block, String)>) = match &mut parsed {
        syn::Item::Fn(f) => (format_ident!("__tap_facts_{}", f.sig.ident), vec![(&f.sig, &mut *f.block, f.sig.ident.to_string())]),
        syn::Item::Impl(i) => {
            let self_name = match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }
            .unwrap_or_else(|| "Component".to_owned());
            let functions = i.items.iter_mut().filter_map(|item| match item {
                ImplItem::Fn(f) => Some((&f.sig, &mut f.block, self_name.clone())),
                _ => None,
            });
            (format_ident!("__tap_component_facts_{}", self_name), functions.collect())
        }
        _ => {
            return syn::Error::new(
                item.span(),
                message("`#[component]` goes on a function, or on the `impl` of a component's configuration type", Some("write `#[component] pub fn name(scope: &mut Scope, ...) -> Handle<...> { ... }`"), None),
            )
            .to_compile_error()
        }
    };
    let mut expander = Expander::new(&schema, rules.as_ref(), &mut diags, facts_mod.clone());
    let mut any_scope = false;
    for (sig, block, component_name) in functions {
        expander.expand_fn(sig, block);
        let Some(target) = expander.stack_ident.clone() else { continue };
        any_scope = true;
        // The instance learns which component fills it before anything is declared.
        if expander.target == Some(Target::Scope) {
            block.stmts.insert(0, syn::parse_quote!(::tap::__private::enter_component(#target, #component_name);));
        }
    }
    if !any_scope {
        expander.resolver.diags.error(
            parsed.span(),
            message("a component needs a `scope: &mut Scope` parameter", Some("the caller passes `&mut stack.scope(\"name\")`; its resources are declared into that instance"), None),
        );
    }
    let facts = expander.finish(&[], &[], loaded.as_ref());
    finish(diags, quote!(#parsed #facts))
}

/// The attribute's arguments and the impl it sits on; only malformed
/// syntax fails here.
fn parse_stack(args: TokenStream, item: TokenStream) -> syn::Result<(parse::StackArgs, ItemImpl)> {
    let args: parse::StackArgs = syn::parse2(args)?;
    let item: ItemImpl = syn::parse2(item.clone()).map_err(|_| {
        syn::Error::new(
            item.span(),
            message(
                "`#[stack]` goes on the `impl` block of the stack's configuration type",
                Some("write `#[stack] impl MyStack { fn define(&self, stack: &mut Stack) { ... } }`"),
                None,
            ),
        )
    })?;
    Ok((args, item))
}

/// The packs and stack-wide suppressions written on the attribute, checked.
struct StackSettings {
    packs: Vec<String>,
    suppressions: Vec<(Suppression, Span)>,
    /// Rule IDs of rejected suppressions: they still silence their
    /// findings, so the user sees one error for the suppression, not a
    /// second for the finding.
    rejected: Vec<String>,
}

/// The packs the attribute names (each checked), or the default ones.
fn stack_packs(args: &parse::StackArgs, diags: &mut Diagnostics) -> Vec<String> {
    if args.packs.is_empty() {
        return DEFAULT_PACKS.iter().map(|p| (*p).to_owned()).collect();
    }
    let mut packs = Vec::new();
    for p in &args.packs {
        match tap_core::policy::pack(&p.value()) {
            Ok(_) => packs.push(p.value()),
            Err(e) => diags.error(p.span(), message(&e.to_string(), Some(&e.help()), None)),
        }
    }
    packs
}

fn stack_settings(args: &parse::StackArgs, packs: Vec<String>, resolver: &mut Resolver) -> StackSettings {
    let mut settings = StackSettings { packs, suppressions: Vec::new(), rejected: Vec::new() };
    for s in &args.suppressions {
        match resolver.suppression(s, SuppressionSite::Stack) {
            Some(checked) => settings.suppressions.push((checked, s.rule.span())),
            None => settings.rejected.push(s.rule.value()),
        }
    }
    settings
}

fn finish(diags: Diagnostics, output: TokenStream) -> TokenStream {
    match diags.check() {
        Ok(()) => output,
        Err(e) => {
            let errors = e.to_compile_error();
            quote!(#errors #output)
        }
    }
}

fn to_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

struct Expander<'a> {
    schema: &'a Schemas,
    /// The item's one resolver: phase 2 per invocation, phase 3 at the end.
    resolver: Resolver<'a>,
    renderer: Renderer<'a>,
    scope: Scope,
    /// The function's `&mut Stack` or `&mut Scope` parameter, and which it is.
    stack_ident: Option<Ident>,
    target: Option<Target>,
    /// Component instances created in this function with a literal name
    /// (`stack.scope("orders")`), for the collision check.
    instances: BTreeMap<String, Span>,
}

/// The tokens of every `variable!` in an item.
struct VariableDeclarations(Vec<TokenStream>);

impl<'ast> syn::visit::Visit<'ast> for VariableDeclarations {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if tap_macro(mac) == Some("variable") {
            self.0.push(mac.tokens.clone());
        }
    }
}

/// Which tap macro an invocation is, if any.
fn tap_macro(mac: &syn::Macro) -> Option<&'static str> {
    let ident = mac.path.segments.last()?.ident.to_string();
    match ident.as_str() {
        "resource" => Some("resource"),
        "data" => Some("data"),
        "output" => Some("output"),
        "provider" => Some("provider"),
        "variable" => Some("variable"),
        "local" => Some("local"),
        "backend" => Some("backend"),
        "moved" => Some("moved"),
        "import" => Some("import"),
        "removed" => Some("removed"),
        "check" => Some("check"),
        _ => None,
    }
}

impl<'a> Expander<'a> {
    fn new(schema: &'a Schemas, rules: Option<&'a RuleSet>, diags: &'a mut Diagnostics, facts_mod: Ident) -> Self {
        Expander {
            schema,
            resolver: Resolver::new(schema, rules, diags),
            renderer: Renderer::new(schema, facts_mod),
            scope: Scope::default(),
            stack_ident: None,
            target: None,
            instances: BTreeMap::new(),
        }
    }

    /// Expands the invocations in every method, each method with its own
    /// scope; returns `define`'s `&mut Stack` parameter, if it has one.
    fn expand_methods(&mut self, item: &mut ItemImpl) -> Option<Ident> {
        // Every variable first: `var.x` may be read before its declaration.
        let mut declarations = VariableDeclarations(Vec::new());
        syn::visit::visit_item_impl(&mut declarations, item);
        for tokens in declarations.0 {
            if let Ok(inv) = parse::variable(tokens) {
                self.resolver.declare_variable(&inv);
            }
        }
        let mut define_param = None;
        for impl_item in &mut item.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            self.expand_fn(&f.sig, &mut f.block);
            if f.sig.ident == "define" {
                define_param = self.stack_ident.clone();
            }
        }
        define_param
    }

    /// Expands one function's invocations with a fresh symbol table: its
    /// `&mut Stack` or `&mut Scope` parameter is where resources go, and
    /// its handle parameters are bindings of the types they name.
    fn expand_fn(&mut self, sig: &syn::Signature, block: &mut syn::Block) {
        self.scope = Scope::default();
        self.stack_ident = None;
        self.target = None;
        self.instances.clear();
        for input in &sig.inputs {
            let syn::FnArg::Typed(pt) = input else { continue };
            let Pat::Ident(pi) = &*pt.pat else { continue };
            if let Some(target) = declaration_target(&pt.ty) {
                self.stack_ident = Some(pi.ident.clone());
                self.target = Some(target);
            } else if let Some(binding) = self.binding_of_type(&pt.ty, &pi.ident) {
                self.scope.bind(pi.ident.to_string(), binding);
            }
        }
        self.visit_block_mut(block);
    }

    /// The binding a value of Rust type `ty` makes: `Handle<aws_kms_key>`
    /// (or a reference to one) is a handle of that type, a slice or `Vec`
    /// of them a collection, `Handle` one of any type.
    fn binding_of_type(&mut self, ty: &syn::Type, name: &Ident) -> Option<Binding> {
        let (marker, many) = handle_marker(ty)?;
        let Some((mode, type_name)) = marker else { return (!many).then_some(Binding::OpaqueHandle) };
        let type_known = self.schema.has(mode, &type_name);
        // The parameter's name stands for the address, which only the caller knows.
        let static_name = format!("<{name}>");
        Some(if many {
            Binding::Collection { mode, type_name, static_name, type_known }
        } else {
            Binding::Handle { mode, type_name, static_name, type_known, repeats: None }
        })
    }

    fn expand_macro(&mut self, mac: &syn::Macro) -> Option<(Expr, Option<Binding>)> {
        let which = tap_macro(mac)?;
        let span = mac.span();
        let Some(stack_ident) = self.stack_ident.clone() else {
            self.resolver.diags.error(
                span,
                message(&format!("`{which}!` needs a `&mut Stack` or `&mut Scope` parameter in this function"), Some("add `stack: &mut Stack` (in a stack) or `scope: &mut Scope` (in a component) to the parameters"), None),
            );
            return Some((syn::parse_quote!(::tap::__private::placeholder_handle()), None));
        };
        if which == "output" {
            return Some((self.expand_output(mac.tokens.clone(), &stack_ident), None));
        }
        if which == "provider" {
            return Some((self.expand_provider(mac.tokens.clone(), &stack_ident), None));
        }
        if which == "variable" || which == "local" {
            if self.target == Some(Target::Scope) {
                self.resolver.diags.error(
                    span,
                    message(&format!("`{which}!` belongs to the stack, not to a component"), Some("declare it in the stack's `define` and pass its handle (`Var<K>`, `Local<K>`) to the component as a parameter"), None),
                );
                return Some((expand::placeholder(&[], &stack_ident), None));
            }
            return Some(self.expand_value(which, mac.tokens.clone(), &stack_ident));
        }
        if which == "backend" {
            return Some((self.expand_backend(mac.tokens.clone(), &stack_ident), None));
        }
        if matches!(which, "moved" | "import" | "removed" | "check") {
            return Some((self.expand_block(which, mac, &stack_ident), None));
        }
        let mode = if which == "data" { Mode::Data } else { Mode::Managed };
        let inv = match parse::invocation(mode, mac.tokens.clone()) {
            Ok(inv) => inv,
            Err(e) => {
                self.resolver.diags.push(e);
                return Some((expand::placeholder(&[], &stack_ident), None));
            }
        };
        let type_known = self.schema.has(mode, &inv.type_name());
        let repeats = inv.body.metas.repetition.as_ref().map(|r| r.repeats);
        let binding = Binding::Handle { mode, type_name: inv.type_name(), static_name: inv.static_name(), type_known, repeats };
        let expr = match self.resolver.resource(inv, &self.scope) {
            Ok(resource) => self.renderer.resource(resource, &stack_ident),
            Err(used) => expand::placeholder(&used, &stack_ident),
        };
        Some((expr, Some(binding)))
    }

    /// Phase 3 on everything the item declared, then the facts module of
    /// the types and providers it used.
    fn finish(mut self, stack_suppressions: &[(Suppression, Span)], rejected: &[String], policy: Option<&LoadedPolicy>) -> TokenStream {
        crate::blocks::check_pending(&mut self.resolver);
        self.resolver.policy_phase(stack_suppressions, rejected);
        self.renderer.facts_module(policy)
    }

    /// `stack.scope("orders")` twice in one function: both instances would
    /// declare the same addresses. (Names computed at run time are checked
    /// when the stack is built.)
    fn note_instance(&mut self, call: &syn::ExprMethodCall) {
        let Some(target) = &self.stack_ident else { return };
        let on_target = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident(target));
        if call.method == "scope" && on_target {
            crate::blocks::note_instance(&mut self.resolver.blocks, call.args.first());
        }
        let Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) = call.args.first() else { return };
        if call.method != "scope" || !on_target {
            return;
        }
        let msg = format!("component instance `{}` is created twice: the resources of both would have the same addresses", name.value());
        let help = "give each instance its own name";
        if let Some(first) = self.instances.get(&name.value()) {
            self.resolver.diags.error(*first, message(&msg, Some(help), Some("first created here")));
            self.resolver.diags.error(name.span(), message(&msg, Some(help), Some("created again here")));
        } else {
            self.instances.insert(name.value(), name.span());
        }
    }

    /// `#[suppress("TAP-...", reason = "...")]` on a `let` that creates a
    /// component instance: checked like any suppression, then attached to
    /// the instance, where it covers every resource the component declares.
    fn instance_suppressions(&mut self, local: &mut syn::Local) {
        let (suppress, rest): (Vec<syn::Attribute>, Vec<syn::Attribute>) = std::mem::take(&mut local.attrs).into_iter().partition(|a| a.path().is_ident("suppress"));
        local.attrs = rest;
        if suppress.is_empty() {
            return;
        }
        let mut accepted = Vec::new();
        for attr in &suppress {
            let span = attr.span();
            let meta = attr.parse_args_with(|input: syn::parse::ParseStream| parse::parse_suppress_args(input, span));
            let written = match meta {
                Ok(written) => written,
                Err(e) => {
                    self.resolver.diags.push(e);
                    continue;
                }
            };
            if let Some(s) = self.resolver.suppression(&written, SuppressionSite::Instance(None)) {
                accepted.push(suppression_tokens(&s));
            }
        }
        let (Some(target), Some(init)) = (self.stack_ident.clone(), local.init.as_mut()) else {
            self.no_instance_to_suppress(&suppress[0]);
            return;
        };
        if !suppress_instance(&mut init.expr, &target, &accepted) {
            self.no_instance_to_suppress(&suppress[0]);
        }
    }

    fn no_instance_to_suppress(&mut self, attr: &syn::Attribute) {
        self.resolver.diags.error(
            attr.path().span(),
            message(
                "`#[suppress]` on a statement covers the component instance the statement creates, and this one creates none",
                Some("write it on `let x = component(&mut stack.scope(\"name\"), ...);`, or on the resource inside `resource!`"),
                None,
            ),
        );
    }

    /// `provider!(aws.east { region: "us-east-1" })`: checked against the
    /// provider's configuration block, then added to the stack with the
    /// provider's source and version from its schema.
    fn expand_provider(&mut self, tokens: TokenStream, stack_ident: &Ident) -> Expr {
        let inv = match parse::provider(tokens) {
            Ok(inv) => inv,
            Err(e) => {
                self.resolver.diags.push(e);
                return expand::provider_placeholder(stack_ident);
            }
        };
        match self.resolver.provider(inv, &self.scope) {
            Some(config) => self.renderer.provider(config, stack_ident),
            None => expand::provider_placeholder(stack_ident),
        }
    }

    /// `variable!` and `local!`: resolved, then declared on the stack; the
    /// `let` they initialize is bound to the value's reference.
    fn expand_value(&mut self, which: &str, tokens: TokenStream, stack_ident: &Ident) -> (Expr, Option<Binding>) {
        let failed = |this: &mut Self, e: syn::Error| {
            this.resolver.diags.push(e);
            (expand::placeholder(&[], stack_ident), None)
        };
        if which == "variable" {
            let inv = match parse::variable(tokens) {
                Ok(inv) => inv,
                Err(e) => return failed(self, e),
            };
            let name = crate::model::name_of(&inv.name);
            match self.resolver.variable(inv, &self.scope) {
                Some(v) => {
                    let binding = Binding::Named { root: tap_core::reference::Root::Variable(name.as_str().into()), ty: v.ty.clone() };
                    (expand::variable(&v, stack_ident), Some(binding))
                }
                None => (expand::placeholder(&[], stack_ident), None),
            }
        } else {
            let inv = match parse::local(tokens) {
                Ok(inv) => inv,
                Err(e) => return failed(self, e),
            };
            match self.resolver.local(inv, &self.scope) {
                Some((name, value)) => {
                    let binding = Binding::Named { root: tap_core::reference::Root::Local(name.as_str().into()), ty: None };
                    (expand::local(&name, &value, stack_ident), Some(binding))
                }
                None => (expand::placeholder(&[], stack_ident), None),
            }
        }
    }

    /// `backend!(s3 { bucket: "state", key: "k" })`: checked against the
    /// backend's argument table, then set as the stack's backend.
    fn expand_backend(&mut self, tokens: TokenStream, stack_ident: &Ident) -> Expr {
        let checked = match parse::backend(tokens) {
            Ok(inv) => self.resolver.backend(inv, &self.scope),
            Err(e) => {
                self.resolver.diags.push(e);
                Err(Vec::new())
            }
        };
        match checked {
            Ok(config) => expand::backend(&config, stack_ident),
            Err(used) => expand::backend_placeholder(&used, stack_ident),
        }
    }

    /// `moved!`, `import!`, `removed!`, `check!`: the stack's, like `variable!`
    /// (a component's addresses are known only once its instance is named).
    fn expand_block(&mut self, which: &str, mac: &syn::Macro, stack_ident: &Ident) -> Expr {
        let (tokens, span) = (mac.tokens.clone(), mac.span());
        if self.target == Some(Target::Scope) {
            let help = format!("write `{which}!` in the stack's `define`, with the instance's address (`orders_table` for `table` in `scope(\"orders\")`) or the handle the component returns");
            self.resolver.diags.error(span, message(&format!("`{which}!` belongs to the stack, not to a component"), Some(&help), None));
            return expand::provider_placeholder(stack_ident);
        }
        let r = &mut self.resolver;
        match which {
            "moved" => crate::blocks::moved(r, tokens, span, &self.scope, stack_ident),
            "import" => crate::blocks::import(r, tokens, span, &self.scope, stack_ident),
            "removed" => crate::blocks::removed(r, tokens, span, &self.scope, stack_ident),
            _ => crate::blocks::check(r, &mut self.renderer, tokens, span, &self.scope, stack_ident),
        }
    }

    fn expand_output(&mut self, tokens: TokenStream, stack_ident: &Ident) -> Expr {
        let out = match parse::output(tokens) {
            Ok(o) => o,
            Err(e) => {
                self.resolver.diags.push(e);
                return expand::placeholder(&[], stack_ident);
            }
        };
        match self.resolver.output(out, &self.scope) {
            Ok(output) => expand::output(&output, stack_ident),
            Err(used) => expand::placeholder(&used, stack_ident),
        }
    }
}

/// The local name an expression copies a handle from: `a`, `a.clone()`,
/// `a.into()` or `a.untyped()` (the last two keep the address, not the type).
fn handle_source(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        Expr::MethodCall(call) if ["clone", "into", "untyped"].iter().any(|m| call.method == m) && call.args.is_empty() => match &*call.receiver {
            Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
            _ => None,
        },
        _ => None,
    }
}

/// Where a function's resources go: a stack, or a component's instance.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Stack,
    Scope,
}

/// `&mut Stack` or `&mut Scope`, if `ty` is one of them.
fn declaration_target(ty: &syn::Type) -> Option<Target> {
    let syn::Type::Reference(r) = ty else { return None };
    let syn::Type::Path(p) = &*r.elem else { return None };
    r.mutability?;
    match p.path.segments.last()?.ident.to_string().as_str() {
        "Stack" => Some(Target::Stack),
        "Scope" => Some(Target::Scope),
        _ => None,
    }
}

/// Whether `ty` holds handles: `Some((marker, many))`, where `marker` is
/// the resource type a `Handle<marker>` names (`None` for `Handle` of any
/// type or of a generic parameter) and `many` says it is a slice or `Vec`
/// of them. References are looked through.
fn handle_marker(ty: &syn::Type) -> Option<(Option<(Mode, String)>, bool)> {
    match ty {
        syn::Type::Reference(r) => handle_marker(&r.elem),
        syn::Type::Paren(p) => handle_marker(&p.elem),
        syn::Type::Slice(s) => handle_marker(&s.elem).filter(|(_, many)| !many).map(|(m, _)| (m, true)),
        syn::Type::Path(p) => {
            let last = p.path.segments.last()?;
            let only_arg = || match &last.arguments {
                syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first() {
                    Some(syn::GenericArgument::Type(t)) => Some(t),
                    _ => None,
                },
                _ => None,
            };
            if last.ident == "Vec" {
                return handle_marker(only_arg()?).filter(|(_, many)| !many).map(|(m, _)| (m, true));
            }
            if last.ident != "Handle" {
                return None;
            }
            let marker = only_arg().and_then(|t| match t {
                syn::Type::Path(m) => {
                    let segments: Vec<String> = m.path.segments.iter().map(|s| s.ident.to_string()).collect();
                    let type_name = segments.last()?.clone();
                    let mode = if segments.len() >= 2 && segments[segments.len() - 2] == "data" { Mode::Data } else { Mode::Managed };
                    // Markers are Terraform type names: `<provider>_<kind>`, lowercase.
                    (type_name.contains('_') && type_name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')).then_some((mode, type_name))
                }
                _ => None,
            });
            Some((marker, false))
        }
        _ => None,
    }
}

/// Appends `.suppressing(...)` to the first `target.scope(...)` call in
/// `expr`: the instance that statement creates. Returns whether there was one.
fn suppress_instance(expr: &mut Expr, target: &Ident, suppressions: &[TokenStream]) -> bool {
    struct Rewrite<'a> {
        target: &'a Ident,
        suppressions: &'a [TokenStream],
        done: bool,
    }
    impl VisitMut for Rewrite<'_> {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if self.done {
                return;
            }
            if let Expr::MethodCall(call) = expr {
                if call.method == "scope" && matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident(self.target)) {
                    let suppressions = self.suppressions;
                    *expr = syn::parse_quote!(#call #(.suppressing(#suppressions))*);
                    self.done = true;
                    return;
                }
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut rewrite = Rewrite { target, suppressions, done: false };
    rewrite.visit_expr_mut(expr);
    rewrite.done
}

impl VisitMut for Expander<'_> {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        // An instance created in a block collides with those created before
        // it in the blocks around it, not with those of a sibling block (the
        // other branch of an `if`): names leave with their block.
        let outer = self.instances.clone();
        syn::visit_mut::visit_block_mut(self, block);
        self.instances = outer;
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        self.instance_suppressions(local);
        // Visit the initializer first: the binding exists only after it.
        let mut new_binding = None;
        if let Some(init) = &mut local.init {
            if let Expr::Macro(m) = &*init.expr {
                if let Some((expr, binding)) = self.expand_macro(&m.mac) {
                    *init.expr = expr;
                    new_binding = binding;
                }
            } else {
                self.visit_expr_mut(&mut init.expr);
                // `let b = a;` or `let b = a.clone();` copies a handle binding.
                new_binding = handle_source(&init.expr).and_then(|src| self.scope.get(&src).cloned());
            }
        }
        // `let (keys, topic): (Keys, Handle<aws_sns_topic>) = ...`: each annotated handle is a binding.
        if let Pat::Type(pt) = &local.pat {
            if let (Pat::Tuple(names), syn::Type::Tuple(types)) = (&*pt.pat, &*pt.ty) {
                for (name, ty) in names.elems.iter().zip(&types.elems) {
                    if let Pat::Ident(pi) = name {
                        match self.binding_of_type(ty, &pi.ident) {
                            Some(binding) => self.scope.bind(pi.ident.to_string(), binding),
                            None => self.scope.unbind(&pi.ident.to_string()),
                        }
                    }
                }
            }
        }
        let ident = match &local.pat {
            Pat::Ident(pi) => Some(pi.ident.to_string()),
            Pat::Type(pt) => match &*pt.pat {
                Pat::Ident(pi) => {
                    // `let vpc: &Handle<aws_vpc> = &network.vpc;`: the annotation says what it is.
                    if new_binding.is_none() {
                        new_binding = self.binding_of_type(&pt.ty, &pi.ident);
                    }
                    Some(pi.ident.to_string())
                }
                _ => None,
            },
            _ => None,
        };
        // A `let` that binds no handle shadows an earlier handle of that name.
        match (ident, new_binding) {
            (Some(name), Some(binding)) => self.scope.bind(name, binding),
            // `let var = stack.declare::<Inputs>();`: `var.x` is then a Rust path, which rustc checks.
            (Some(name), None) if name == "var" || name == "local" => self.scope.bind(name, Binding::Rust),
            (Some(name), None) => self.scope.unbind(&name),
            _ => {}
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Macro(m) = expr {
            if let Some((replacement, _)) = self.expand_macro(&m.mac) {
                *expr = replacement;
            }
            return;
        }
        if let Expr::Assign(assign) = expr {
            // `prev = handle;`: a variable that holds handles of different
            // types over time is only known to be some handle.
            if let (Expr::Path(left), Some(src)) = (&*assign.left, handle_source(&assign.right)) {
                if let (Some(name), Some(new)) = (left.path.get_ident().map(ToString::to_string), self.scope.get(&src).cloned()) {
                    let same = matches!((self.scope.get(&name), &new),
                        (Some(Binding::Handle { type_name: a, .. }), Binding::Handle { type_name: b, .. }) if a == b);
                    if !same && self.scope.get(&name).is_some() {
                        self.scope.bind(name, Binding::OpaqueHandle);
                    }
                }
            }
        }
        if let Expr::MethodCall(call) = expr {
            self.note_instance(call);
            if call.method == "push" && call.args.len() == 1 {
                if let (Expr::Path(recv), Some(h)) = (&*call.receiver, call.args.first().and_then(handle_source)) {
                    if let Some(c) = recv.path.get_ident() {
                        self.scope.push_into(&c.to_string(), &h);
                    }
                }
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt {
            if let Some((expr, _)) = self.expand_macro(&m.mac) {
                *stmt = Stmt::Expr(expr, Some(Default::default()));
            }
            return;
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    fn stack_of(n: usize) -> TokenStream {
        let resources = (0..n).map(|i| {
            let name = format_ident!("log_{}", i);
            let group = format!("/tap/{i}");
            quote!(let #name = resource!(aws_cloudwatch_log_group.#name { name: #group, retention_in_days: 30, kms_key_id: key.arn });)
        });
        quote! {
            impl Big {
                fn define(&self, stack: &mut Stack) {
                    let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
                    #(#resources)*
                }
            }
        }
    }

    #[test]
    fn schema_is_parsed_once_per_process_however_many_invocations() {
        for _ in 0..3 {
            let out = stack(TokenStream::new(), stack_of(60)).to_string();
            assert!(!out.contains("compile_error"), "{out}");
        }
        assert_eq!(schema::EMBEDDED_INDEXINGS.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn every_error_of_a_stack_is_reported() {
        let item = quote! {
            impl Bad {
                fn define(&self, stack: &mut Stack) {
                    let vpc = resource!(aws_vpc.main { cidr_blok: "10.0.0.0/16" });
                    let _s = resource!(aws_subnet.a { vpc_id: vpc.idd });
                    let _f = resource!(aws_lambda_function.f { function_name: "f", role: "r" });
                }
            }
        };
        let out = stack(TokenStream::new(), item).to_string();
        assert!(out.contains("cidr_blok"), "{out}");
        assert!(out.contains("has no attribute `idd`"), "{out}");
        assert!(out.contains("TAP-LMB-001"), "{out}");
    }

    #[test]
    fn a_bad_schema_file_is_one_compile_error_naming_the_file() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for (crate_dir, expected) in [
            ("not-a-schema", "schema file `schema/notes.json` (tap.toml) is not usable: not a `terraform providers schema -json` document"),
            ("duplicate-provider", "provider `pet` is defined by two schema files: `schema/a.json` and `schema/b.json`"),
            ("missing-file", "`tap.toml` lists the schema file `schema/nowhere.json`, which cannot be read"),
        ] {
            let out = stack_with(schema::load_for(&fixtures.join(crate_dir)), TokenStream::new(), stack_of(1)).to_string();
            assert!(out.contains("compile_error") && out.contains(expected), "{crate_dir}: {out}");
        }
    }

    #[test]
    fn tap_toml_and_its_schema_files_are_tracked_by_the_expansion() {
        // `include_bytes!` makes cargo rebuild the crate when one of them changes.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/with-config");
        let out = stack_with(schema::load_for(&dir), TokenStream::new(), stack_of(1)).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        for file in ["tap.toml", "pet.json.gz"] {
            assert!(out.contains("include_bytes") && out.contains(file), "{file} is not tracked: {out}");
        }
    }

    #[test]
    fn the_policy_file_of_tap_toml_is_applied_embedded_and_tracked() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/with-policy");
        // `stack_of` gives every log group 30 days: the policy wants 365.
        let out = stack_with(schema::load_for(&dir), TokenStream::new(), stack_of(1)).to_string();
        assert!(out.contains("compile_error") && out.contains("[ORG-LOG-001] cloudwatch log group `log_0` (`retention_in_days`)"), "{out}");
        // The expansion embeds the file for synthesis, which makes cargo rebuild when it changes.
        assert!(out.contains("fn org_policy") && out.contains("include_str") && out.contains("org-policy.toml"), "{out}");
    }

    #[test]
    fn snake_case_default_names() {
        assert_eq!(to_snake("ServerlessApi"), "serverless_api");
        assert_eq!(to_snake("S"), "s");
    }
}
