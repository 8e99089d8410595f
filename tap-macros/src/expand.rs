//! The `#[stack]` driver and code generation.
//!
//! Phase: orchestration + expand. Walks the impl in source order, and for
//! each `resource!`/`data!`/`output!` parses it (`parse`), checks it
//! (`check`) and replaces it with generated code; then runs the policy
//! phase on the whole stack. Code generation itself validates nothing: an
//! invocation with errors becomes a placeholder handle next to its
//! `compile_error!`s, so one mistake does not cascade.

use std::collections::BTreeMap;

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, ImplItem, ItemImpl, Pat, Stmt};

use tap_core::graph::Suppression;
use tap_core::policy::DEFAULT_PACKS;
use tap_core::policy::{RuleSet, SuppressionSite};
use tap_core::reference::Mode;
use tap_core::value::Fields;

use crate::check::{check_policy, Checked, Checker, PolicyInput};
use crate::diag::{message, Diagnostics};
use crate::model::*;
use crate::parse;
use crate::policy::{self, LoadedPolicy};
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
    let settings = stack_settings(&args, packs, &schema, rules.as_ref(), expander.diags);
    expander.policy_phase(rules.as_ref(), &settings.suppressions, &settings.rejected);
    let facts = expander.facts_module(loaded.as_ref());

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
    let definition = definition_impl(&item, name_expr, &settings, loaded.as_ref());
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
        expander.diags.error(
            parsed.span(),
            message("a component needs a `scope: &mut Scope` parameter", Some("the caller passes `&mut stack.scope(\"name\")`; its resources are declared into that instance"), None),
        );
    }
    expander.policy_phase(rules.as_ref(), &[], &[]);
    let facts = expander.facts_module(loaded.as_ref());
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

fn stack_settings(args: &parse::StackArgs, packs: Vec<String>, schema: &Schemas, rules: Option<&RuleSet>, diags: &mut Diagnostics) -> StackSettings {
    let mut settings = StackSettings { packs, suppressions: Vec::new(), rejected: Vec::new() };
    let mut checker = Checker { schema, diags, rules };
    for meta in &args.suppressions {
        if let Meta::Suppress { rule, reason, finding, span } = meta {
            match checker.check_suppression(rule, reason.as_ref(), finding.as_ref(), *span, SuppressionSite::Stack) {
                Some(s) => settings.suppressions.push((s, rule.span())),
                None => settings.rejected.push(rule.value()),
            }
        }
    }
    settings
}

/// `impl StackDefinition for ...`: the name, `define`, packs and
/// suppressions, and the organisation policy, embedded so that synthesis
/// runs its rules on the values known only then.
fn definition_impl(item: &ItemImpl, name_expr: TokenStream, settings: &StackSettings, loaded: Option<&LoadedPolicy>) -> TokenStream {
    let self_ty = &item.self_ty;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let pack_lits = settings.packs.iter().map(|p| quote!(::std::string::String::from(#p)));
    let suppression_exprs = settings.suppressions.iter().map(|(s, _)| suppression_tokens(s));
    let org_policy = loaded.map(|l| {
        let (shown, path) = (&l.shown, l.path.to_string_lossy().into_owned());
        quote! {
            fn org_policy(&self) -> ::core::option::Option<::tap::__private::PolicySource> {
                ::core::option::Option::Some(::tap::__private::org_policy(#shown, ::core::include_str!(#path)))
            }
        }
    });
    quote! {
        impl #impl_generics ::tap::__private::StackDefinition for #self_ty #where_clause {
            fn stack_name(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(&(#name_expr))
            }
            fn define_into(&self, stack: &mut ::tap::__private::graph::Stack) {
                Self::define(self, stack)
            }
            fn policy(&self) -> (::std::vec::Vec<::std::string::String>, ::std::vec::Vec<::tap::__private::graph::Suppression>) {
                (::std::vec![#(#pack_lits),*], ::std::vec![#(#suppression_exprs),*])
            }
            #org_policy
        }
    }
}

/// A checked suppression as the expression that builds it.
fn suppression_tokens(s: &Suppression) -> TokenStream {
    let (id, reason) = (&s.rule_id, &s.reason);
    match &s.finding {
        Some(finding) => {
            let finding = finding.to_string();
            quote!(::tap::__private::precise_suppression(#id, #reason, #finding))
        }
        None => quote!(::tap::__private::graph::Suppression::new(#id, #reason)),
    }
}

/// The schema facts of the types and providers the stack uses, and the
/// `include_bytes!` that makes cargo rebuild when `tap.toml`, a schema
/// file it lists, or the organisation policy file changes.
fn facts_module(facts_mod: &Ident, facts: &BTreeMap<(Mode, String), TypeFactsItem>, providers: &BTreeMap<String, Ident>, schema: &Schemas, policy: Option<&LoadedPolicy>) -> TokenStream {
    let provider_items = providers.iter().map(|(local_name, ident)| {
        let p = schema.provider(local_name).expect("BUG: facts of a provider that has no schema");
        let (source, version, json) = (&p.source, &p.version, p.config_json());
        quote! {
            pub static #ident: ::tap::__private::graph::ProviderFacts = ::tap::__private::provider_facts(#local_name, #source, #version, #json);
        }
    });
    let fact_items = facts.iter().map(|((mode, type_name), item)| {
        let mode = match mode {
            Mode::Data => quote!(::tap::__private::reference::Mode::Data),
            Mode::Managed => quote!(::tap::__private::reference::Mode::Managed),
        };
        let (ident, json, provider) = (&item.ident, &item.block_json, &providers[&item.provider]);
        quote! {
            pub static #ident: ::tap::__private::graph::TypeFacts = ::tap::__private::type_facts(#type_name, #mode, #json, &#provider);
        }
    });
    let tracked = schema.tracked.iter().chain(policy.map(|p| &p.path)).map(|p| {
        let p = p.to_string_lossy().into_owned();
        quote!(const _: &[u8] = ::core::include_bytes!(#p);)
    });
    quote! {
        /// Schema facts of the types this stack uses (generated by `#[stack]`).
        #[doc(hidden)]
        #[allow(non_upper_case_globals, non_snake_case)]
        mod #facts_mod {
            #(#provider_items)*
            #(#fact_items)*
            #(#tracked)*
        }
    }
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

/// One type's entry in the facts module.
struct TypeFactsItem {
    ident: Ident,
    block_json: String,
    /// The provider's local name.
    provider: String,
}

struct Expander<'a> {
    schema: &'a Schemas,
    /// The rules suppressions may name (`None`: the policy file is broken).
    rules: Option<&'a RuleSet>,
    diags: &'a mut Diagnostics,
    facts_mod: Ident,
    /// The types the stack uses, by (mode, type).
    facts: BTreeMap<(Mode, String), TypeFactsItem>,
    /// The providers of those types (and of `provider!`), by local name -> static name.
    provider_facts: BTreeMap<String, Ident>,
    /// `provider!` configurations that passed phase 2: local name, alias, body.
    providers: Vec<(String, Option<String>, Fields)>,
    checked: Vec<Checked>,
    /// Static addresses declared so far, for the duplicate-name check.
    names: BTreeMap<String, Span>,
    outputs: BTreeMap<String, Span>,
    scope: Scope,
    /// The function's `&mut Stack` or `&mut Scope` parameter, and which it is.
    stack_ident: Option<Ident>,
    target: Option<Target>,
    /// Component instances created in this function with a literal name
    /// (`stack.scope("orders")`), for the collision check.
    instances: BTreeMap<String, Span>,
}

/// Which tap macro an invocation is, if any.
fn tap_macro(mac: &syn::Macro) -> Option<&'static str> {
    let ident = mac.path.segments.last()?.ident.to_string();
    match ident.as_str() {
        "resource" => Some("resource"),
        "data" => Some("data"),
        "output" => Some("output"),
        "provider" => Some("provider"),
        _ => None,
    }
}

impl<'a> Expander<'a> {
    fn new(schema: &'a Schemas, rules: Option<&'a RuleSet>, diags: &'a mut Diagnostics, facts_mod: Ident) -> Self {
        Expander {
            schema,
            rules,
            diags,
            facts_mod,
            facts: BTreeMap::new(),
            provider_facts: BTreeMap::new(),
            providers: Vec::new(),
            checked: Vec::new(),
            names: BTreeMap::new(),
            outputs: BTreeMap::new(),
            scope: Scope::default(),
            stack_ident: None,
            target: None,
            instances: BTreeMap::new(),
        }
    }

    /// Expands the invocations in every method, each method with its own
    /// scope; returns `define`'s `&mut Stack` parameter, if it has one.
    fn expand_methods(&mut self, item: &mut ItemImpl) -> Option<Ident> {
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
            Binding::Handle { mode, type_name, static_name, type_known }
        })
    }

    fn expand_macro(&mut self, mac: &syn::Macro) -> Option<(Expr, Option<Binding>)> {
        let which = tap_macro(mac)?;
        let span = mac.span();
        let Some(stack_ident) = self.stack_ident.clone() else {
            self.diags.error(
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
        let mode = if which == "data" { Mode::Data } else { Mode::Managed };
        let inv = match parse::invocation(mode, mac.tokens.clone()) {
            Ok(inv) => inv,
            Err(e) => {
                self.diags.push(e);
                return Some((self.placeholder(&Body::default(), &stack_ident), None));
            }
        };
        let mut checker = Checker { schema: self.schema, diags: self.diags, rules: self.rules };
        let checked = checker.check_invocation(&inv, &self.scope);

        // Duplicate names: an error on both declarations.
        let address = checked.address.to_string();
        if inv.index.is_none() {
            if let Some(first) = self.names.get(&address) {
                let msg = format!("`{address}` is declared twice");
                self.diags.error(*first, message(&msg, Some("give each resource its own name"), Some("first declared here")));
                self.diags.error(checked.name_span, message(&msg, Some("give each resource its own name"), Some("declared again here")));
            } else {
                self.names.insert(address.clone(), checked.name_span);
            }
        }

        let type_known = self.schema.has(mode, &inv.type_name());
        let binding = Binding::Handle { mode, type_name: inv.type_name(), static_name: inv.static_name(), type_known };
        let valid = checked.valid;
        self.checked.push(checked);
        if !valid {
            return Some((self.placeholder(&inv.body, &stack_ident), Some(binding)));
        }
        Some((self.generate(&inv, &stack_ident), Some(binding)))
    }

    /// What an invocation with errors becomes: a placeholder handle that
    /// still uses the bindings and the stack it names, so the user sees no
    /// "unused variable" warnings on top of the real errors.
    fn placeholder(&self, body: &Body, stack_ident: &Ident) -> Expr {
        let mut used = Vec::new();
        collect_bindings(body, &self.scope, &mut used);
        self.placeholder_using(&used, stack_ident)
    }

    fn output_placeholder(&self, value: Option<&ValueExpr>, stack_ident: &Ident) -> Expr {
        let mut used = Vec::new();
        if let Some(v) = value {
            collect_value_bindings(v, &self.scope, &mut used);
        }
        self.placeholder_using(&used, stack_ident)
    }

    fn placeholder_using(&self, used: &[Ident], stack_ident: &Ident) -> Expr {
        syn::parse_quote! {
            {
                let _ = (&#stack_ident, #(&#used),*);
                ::tap::__private::placeholder_handle()
            }
        }
    }

    /// Phase 3 on everything the item declared (when the rule set is
    /// usable: a broken policy file has its own errors).
    fn policy_phase(&mut self, rules: Option<&RuleSet>, stack_suppressions: &[(Suppression, Span)], rejected: &[String]) {
        let Some(rules) = rules else { return };
        let input = PolicyInput {
            checked: &self.checked,
            rules,
            schema: self.schema,
            providers: &self.providers,
            stack_suppressions,
            rejected_stack_suppressions: rejected,
        };
        check_policy(self.diags, &input);
    }

    /// The facts module of the types and providers the item used.
    fn facts_module(&self, policy: Option<&LoadedPolicy>) -> TokenStream {
        facts_module(&self.facts_mod, &self.facts, &self.provider_facts, self.schema, policy)
    }

    /// `stack.scope("orders")` twice in one function: both instances would
    /// declare the same addresses. (Names computed at run time are checked
    /// when the stack is built.)
    fn note_instance(&mut self, call: &syn::ExprMethodCall) {
        let Some(target) = &self.stack_ident else { return };
        let on_target = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident(target));
        let Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) = call.args.first() else { return };
        if call.method != "scope" || !on_target {
            return;
        }
        let msg = format!("component instance `{}` is created twice: the resources of both would have the same addresses", name.value());
        let help = "give each instance its own name";
        if let Some(first) = self.instances.get(&name.value()) {
            self.diags.error(*first, message(&msg, Some(help), Some("first created here")));
            self.diags.error(name.span(), message(&msg, Some(help), Some("created again here")));
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
            let (rule, reason, finding) = match meta {
                Ok(Meta::Suppress { rule, reason, finding, .. }) => (rule, reason, finding),
                Ok(_) => continue,
                Err(e) => {
                    self.diags.push(e);
                    continue;
                }
            };
            let mut checker = Checker { schema: self.schema, diags: self.diags, rules: self.rules };
            if let Some(s) = checker.check_suppression(&rule, reason.as_ref(), finding.as_ref(), span, SuppressionSite::Instance(None)) {
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
        self.diags.error(
            attr.path().span(),
            message(
                "`#[suppress]` on a statement covers the component instance the statement creates, and this one creates none",
                Some("write it on `let x = component(&mut stack.scope(\"name\"), ...);`, or on the resource inside `resource!`"),
                None,
            ),
        );
    }

    /// The path of a type's facts static, recording the type (and its provider) for the facts module.
    fn facts_path(&mut self, mode: Mode, type_name: &str) -> TokenStream {
        let facts_mod = self.facts_mod.clone();
        let provider = self.schema.provider_of(type_name).expect("BUG: a checked type has a provider");
        self.provider_path(&provider.local_name.clone());
        let entry = self.facts.entry((mode, type_name.to_owned())).or_insert_with(|| {
            let prefix = if mode == Mode::Data { "data_" } else { "" };
            TypeFactsItem {
                ident: format_ident!("{}{}", prefix, type_name),
                block_json: provider.block_json(mode, type_name),
                provider: provider.local_name.clone(),
            }
        });
        let ident = &entry.ident;
        quote!(#facts_mod::#ident)
    }

    /// The path of a provider's facts static, recording it for the facts module.
    fn provider_path(&mut self, local_name: &str) -> TokenStream {
        let facts_mod = self.facts_mod.clone();
        let ident = self.provider_facts.entry(local_name.to_owned()).or_insert_with(|| format_ident!("provider__{}", local_name));
        quote!(#facts_mod::#ident)
    }

    fn generate(&mut self, inv: &Invocation, stack_ident: &Ident) -> Expr {
        let type_name = inv.type_name();
        let facts = self.facts_path(inv.mode, &type_name);
        let base = inv.base_name();
        let name = match &inv.index {
            None => quote!(::std::string::String::from(#base)),
            Some(index) => quote_spanned!(index.span()=> ::std::format!("{}_{}", #base, #index)),
        };
        let ctor = match inv.mode {
            Mode::Data => quote!(data),
            Mode::Managed => quote!(resource),
        };
        let body = self.body_tokens(&inv.body);
        let mut metas = Vec::new();
        for meta in &inv.body.metas {
            metas.push(match meta {
                Meta::DependsOn(names) => quote! {
                    #( __tap_resource.depends_on.push(::std::clone::Clone::clone(#names.address())); )*
                },
                Meta::Lifecycle { prevent_destroy, create_before_destroy, ignore_changes } => {
                    let ignore = ignore_changes.iter().map(name_of);
                    quote! {
                        __tap_resource.lifecycle = ::core::option::Option::Some(::tap::__private::graph::Lifecycle {
                            prevent_destroy: #prevent_destroy,
                            create_before_destroy: #create_before_destroy,
                            ignore_changes: ::std::vec![#(::std::string::String::from(#ignore)),*],
                        });
                    }
                }
                Meta::Provider(alias) => {
                    let alias = name_of(alias);
                    quote!(__tap_resource.provider_alias = ::core::option::Option::Some(::std::string::String::from(#alias));)
                }
                Meta::Suppress { rule, reason, finding, .. } => {
                    let reason = reason.as_ref().map(|r| r.value()).unwrap_or_default();
                    let suppression = match finding {
                        Some(finding) => quote!(::tap::__private::precise_suppression(#rule, #reason, #finding)),
                        None => quote!(::tap::__private::graph::Suppression::new(#rule, #reason)),
                    };
                    quote!(__tap_resource.suppressions.push(#suppression);)
                }
            });
        }
        let line = quote_spanned!(inv.span=> ::core::line!());
        let mutability = if metas.is_empty() { quote!() } else { quote!(mut) };
        // A type with a marker in `tap::types` gets a handle of its type.
        let add = if schema::embedded_has(inv.mode, &type_name) {
            let marker = format_ident!("{}", type_name);
            let marker = match inv.mode {
                Mode::Data => quote!(::tap::types::data::#marker),
                Mode::Managed => quote!(::tap::types::#marker),
            };
            quote!(::tap::__private::typed::<#marker>(#stack_ident.add(__tap_resource)))
        } else {
            quote!(#stack_ident.add(__tap_resource))
        };
        syn::parse_quote! {
            {
                let #mutability __tap_resource = ::tap::__private::declare(
                    ::tap::__private::reference::Address::#ctor(#type_name, #name),
                    &#facts,
                    ::tap::__private::graph::Origin { file: ::core::file!(), line: #line },
                    #body,
                );
                #(#metas)*
                #add
            }
        }
    }

    /// A `Vec<(&'static str, Value)>` expression for a body, one entry per
    /// argument or block as written; `tap_core` folds a repeated block into
    /// a list of its instances, as the compile-time view did.
    fn body_tokens(&self, body: &Body) -> TokenStream {
        let entries = body.entries.iter().map(|entry| {
            let key = entry.name();
            let value = match entry {
                Entry::Attr { value, .. } => self.value_tokens(value),
                Entry::Block { body, .. } => {
                    let inner = self.body_tokens(body);
                    quote!(::tap::__private::block_of(#inner))
                }
            };
            quote!((#key, #value))
        });
        quote!(::std::vec![#(#entries),*])
    }

    fn value_tokens(&self, v: &ValueExpr) -> TokenStream {
        let value = quote!(::tap::__private::value::Value);
        match v {
            ValueExpr::Str(s) => quote!(#value::from(#s)),
            ValueExpr::Int(i, neg) => {
                let n: i64 = i.base10_parse().unwrap_or(0);
                let lit = Literal::i64_unsuffixed(if *neg { -n } else { n });
                quote!(#value::Int(#lit))
            }
            ValueExpr::Float(f, neg) => {
                let n: f64 = f.base10_parse().unwrap_or(0.0);
                let lit = Literal::f64_unsuffixed(if *neg { -n } else { n });
                quote!(#value::Float(#lit))
            }
            ValueExpr::Bool(b) => quote!(#value::Bool(#b)),
            ValueExpr::Null(_) => quote!(#value::Null),
            ValueExpr::List(items, _) => {
                let items = items.iter().map(|i| self.value_tokens(i));
                quote!(#value::List(::std::vec![#(#items),*]))
            }
            ValueExpr::Map(entries, _) => {
                let entries = entries.iter().map(|(k, v)| {
                    let k = &k.text;
                    let v = self.value_tokens(v);
                    quote!((#k, #v))
                });
                quote!(::tap::__private::map_of(::std::vec![#(#entries),*]))
            }
            ValueExpr::Concat(parts, _) => {
                let parts = parts.iter().map(|p| self.value_tokens(p));
                quote!(#value::Template(::std::vec![#(#parts),*]))
            }
            ValueExpr::Call { function, args, .. } => {
                let name = function.to_string();
                let args = args.iter().map(|a| self.value_tokens(a));
                quote!(#value::call(#name, ::std::vec![#(#args),*]))
            }
            ValueExpr::Splat { binding, attr, span } => {
                let attr = name_of(attr);
                quote_spanned!(*span=> ::tap::__private::splat(#binding.iter(), #attr))
            }
            ValueExpr::Ref { binding, steps, span } => match self.scope.get(&binding.to_string()) {
                Some(Binding::Collection { .. }) => {
                    let (Some(RefStep::Index(index)), Some(RefStep::Attr(first))) = (steps.first(), steps.get(1)) else {
                        unreachable!("BUG: a collection reference was checked to be `handles[i].attr`")
                    };
                    let first = name_of(first);
                    let rest = self.step_tokens(&steps[2..]);
                    quote_spanned!(*span=> #value::Ref(#binding[#index].reference(#first) #(#rest)*))
                }
                Some(Binding::Handle { .. } | Binding::OpaqueHandle) => {
                    let mut steps_iter = steps.iter();
                    let first = match steps_iter.next() {
                        Some(RefStep::Attr(a)) => name_of(a),
                        _ => unreachable!("BUG: a parsed reference starts with an attribute"),
                    };
                    let rest = self.step_tokens(steps_iter.as_slice());
                    quote_spanned!(*span=> #value::Ref(#binding.reference(#first) #(#rest)*))
                }
                _ => crate::typed_ref::unknown_root(binding, steps, *span),
            },
            // Spanned on the user's expression, so a type that cannot become
            // a value is reported there and not on the attribute.
            ValueExpr::Rust(expr) => quote_spanned!(expr.span()=> ::tap::__private::value_of(#expr)),
        }
    }

    /// `.attr("x")`, `.index(i)`, `.key("k")` for the steps after a reference's first attribute.
    fn step_tokens(&self, steps: &[RefStep]) -> Vec<TokenStream> {
        steps
            .iter()
            .map(|s| match s {
                RefStep::Attr(a) => {
                    let a = name_of(a);
                    quote!(.attr(#a))
                }
                RefStep::Index(e) => quote_spanned!(e.span()=> .index(::tap::__private::list_index(#e))),
                RefStep::Key(k) => quote!(.key(#k)),
            })
            .collect()
    }

    /// `provider!(aws.east { region: "us-east-1" })`: checked against the
    /// provider's configuration block, then added to the stack with the
    /// provider's source and version from its schema.
    fn expand_provider(&mut self, tokens: TokenStream, stack_ident: &Ident) -> Expr {
        let unused = syn::parse_quote!({
            let _ = &#stack_ident;
        });
        let inv = match parse::provider(tokens) {
            Ok(inv) => inv,
            Err(e) => {
                self.diags.push(e);
                return unused;
            }
        };
        let mut checker = Checker { schema: self.schema, diags: self.diags, rules: self.rules };
        let Some(config) = checker.check_provider(&inv, &self.scope) else { return unused };
        self.providers.push((name_of(&inv.name), inv.alias.as_ref().map(name_of), config));
        let facts = self.provider_path(&name_of(&inv.name));
        let alias = match &inv.alias {
            Some(a) => {
                let a = name_of(a);
                quote!(::core::option::Option::Some(#a))
            }
            None => quote!(::core::option::Option::None),
        };
        let body = self.body_tokens(&inv.body);
        syn::parse_quote!({
            #stack_ident.provider(::tap::__private::configured_provider(&#facts, #alias, #body));
        })
    }

    fn expand_output(&mut self, tokens: TokenStream, stack_ident: &Ident) -> Expr {
        let out = match parse::output(tokens) {
            Ok(o) => o,
            Err(e) => {
                self.diags.push(e);
                return self.output_placeholder(None, stack_ident);
            }
        };
        let name = out.name.to_string();
        if let Some(first) = self.outputs.get(&name) {
            self.diags.error(*first, message(&format!("output `{name}` is declared twice"), None, Some("first declared here")));
            self.diags.error(out.name.span(), message(&format!("output `{name}` is declared twice"), None, Some("declared again here")));
        }
        self.outputs.insert(name.clone(), out.name.span());
        let Some(value) = &out.value else {
            self.diags.error(out.name.span(), message(&format!("output `{name}` has no `value`"), Some("add `value: handle.attribute`"), None));
            return self.output_placeholder(out.value.as_ref(), stack_ident);
        };
        let Some(description) = &out.description else {
            self.diags.error(out.name.span(), message(&format!("output `{name}` has no `description`"), Some("add `description: \"...\"`: every output documents what it is"), None));
            return self.output_placeholder(out.value.as_ref(), stack_ident);
        };
        let before = self.diags.count();
        let mut checker = Checker { schema: self.schema, diags: self.diags, rules: self.rules };
        checker.output_value(value, &self.scope);
        if self.diags.count() > before {
            return self.output_placeholder(out.value.as_ref(), stack_ident);
        }
        let value_tokens = self.value_tokens(value);
        let sensitive = out.sensitive;
        syn::parse_quote! {
            {
                #stack_ident.output_with(#name, ::tap::__private::graph::Output {
                    value: #value_tokens,
                    description: ::std::string::String::from(#description),
                    sensitive: #sensitive,
                });
            }
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

/// The handle bindings a body refers to (references, splats, `depends_on`).
fn collect_value_bindings(v: &ValueExpr, scope: &Scope, out: &mut Vec<Ident>) {
    match v {
        ValueExpr::Ref { binding, .. } | ValueExpr::Splat { binding, .. }
            if scope.get(&binding.to_string()).is_some() && !out.iter().any(|b| b == binding) =>
        {
            out.push(binding.clone());
        }
        ValueExpr::List(items, _) | ValueExpr::Concat(items, _) | ValueExpr::Call { args: items, .. } => {
            items.iter().for_each(|i| collect_value_bindings(i, scope, out))
        }
        ValueExpr::Map(entries, _) => entries.iter().for_each(|(_, v)| collect_value_bindings(v, scope, out)),
        _ => {}
    }
}

fn collect_bindings(body: &Body, scope: &Scope, out: &mut Vec<Ident>) {
    for entry in &body.entries {
        match entry {
            Entry::Attr { value: v, .. } => collect_value_bindings(v, scope, out),
            Entry::Block { body, .. } => collect_bindings(body, scope, out),
        }
    }
    for meta in &body.metas {
        if let Meta::DependsOn(names) = meta {
            for n in names {
                if scope.get(&n.to_string()).is_some() && !out.iter().any(|b| b == n) {
                    out.push(n.clone());
                }
            }
        }
    }
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
