//! Code generation: quotes the resolved model (`crate::resolved`) and
//! fills its holes with the user's expressions.
//!
//! Phase: expand. Reads only resolved items, never the syntax, and looks
//! nothing up but the facts statics it records for the facts module: it
//! validates nothing and can fail only on an internal bug. Generated code
//! uses absolute paths (`::tap::__private::...`) and puts the user's spans
//! on the user's expressions, so rustc's errors land on their tokens.

use std::collections::BTreeMap;

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Ident, ItemImpl};

use tap_core::graph::Suppression;
use tap_core::reference::Mode;

use crate::model::{name_of, RefStep};
use crate::policy::LoadedPolicy;
use crate::resolved::{BackendConfig, Body, Node, Output, ProviderConfig, Ref, Resource, TfExpr, Value};
use crate::schema::{self, Schemas};

/// One type's entry in the facts module.
struct TypeFactsItem {
    ident: Ident,
    block_json: String,
    /// The provider's local name.
    provider: String,
}

/// Renders the resolved items of one stack or component, recording the
/// facts statics they name.
pub struct Renderer<'a> {
    schema: &'a Schemas,
    facts_mod: Ident,
    /// The types the item uses, by (mode, type).
    facts: BTreeMap<(Mode, String), TypeFactsItem>,
    /// The providers of those types (and of `provider!`), by local name -> static name.
    provider_facts: BTreeMap<String, Ident>,
}

impl<'a> Renderer<'a> {
    pub fn new(schema: &'a Schemas, facts_mod: Ident) -> Self {
        Renderer { schema, facts_mod, facts: BTreeMap::new(), provider_facts: BTreeMap::new() }
    }

    /// The facts module of the types and providers the item used.
    pub fn facts_module(&self, policy: Option<&LoadedPolicy>) -> TokenStream {
        facts_module(&self.facts_mod, &self.facts, &self.provider_facts, self.schema, policy)
    }

    /// The path of a type's facts static, recording the type (and its provider) for the facts module.
    fn facts_path(&mut self, mode: Mode, type_name: &str) -> TokenStream {
        let facts_mod = self.facts_mod.clone();
        let provider = self.schema.provider_of(type_name).expect("BUG: a resolved type has a provider");
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

    /// What `resource!`/`data!` becomes: `declare(...)`, one statement
    /// per meta-argument, and the handle, typed when `tap::types` has a
    /// marker for the type.
    pub fn resource(&mut self, r: &Resource, stack_ident: &Ident) -> Expr {
        let (mode, type_name) = (r.address.mode, &r.address.type_name);
        let facts = self.facts_path(mode, type_name);
        let base = &r.base_name;
        let name = match &r.index {
            None => quote!(::std::string::String::from(#base)),
            Some(index) => quote_spanned!(index.span()=> ::std::format!("{}_{}", #base, #index)),
        };
        let ctor = match mode {
            Mode::Data => quote!(data),
            Mode::Managed => quote!(resource),
        };
        let body = body_tokens(&r.body);
        let mut metas = Vec::new();
        if let Some(repetition) = &r.repetition {
            let value = value_tokens(&repetition.value);
            let variant = match repetition.repeats {
                tap_core::schema::iteration::Repeats::Count => quote!(Count),
                tap_core::schema::iteration::Repeats::ForEach => quote!(ForEach),
            };
            metas.push(quote!(__tap_resource.repetition = ::core::option::Option::Some(::tap::__private::graph::Repetition::#variant(#value));));
        }
        let m = &r.metas;
        if !m.depends_on.is_empty() {
            let names = &m.depends_on;
            metas.push(quote!(#( __tap_resource.depends_on.push(::std::clone::Clone::clone(#names.address())); )*));
        }
        if let Some(l) = &m.lifecycle {
            metas.push(lifecycle_tokens(l.prevent_destroy, l.create_before_destroy, &r.life));
        }
        metas.extend(provisioner_tokens(&r.life));
        if let Some(alias) = &m.provider {
            let alias = name_of(alias);
            metas.push(quote!(__tap_resource.provider_alias = ::core::option::Option::Some(::std::string::String::from(#alias));));
        }
        for s in &m.suppress {
            let (rule, reason) = (&s.rule, s.reason.as_ref().map(syn::LitStr::value).unwrap_or_default());
            let suppression = match &s.finding {
                Some(finding) => quote!(::tap::__private::precise_suppression(#rule, #reason, #finding)),
                None => quote!(::tap::__private::graph::Suppression::new(#rule, #reason)),
            };
            metas.push(quote!(__tap_resource.suppressions.push(#suppression);));
        }
        for o in &r.overrides {
            let path = &o.path;
            metas.push(match &o.value {
                Some(v) if o.unchecked => {
                    let v = value_tokens(v);
                    quote!(__tap_resource.override_unchecked(#path, #v);)
                }
                Some(v) => {
                    let v = value_tokens(v);
                    quote!(__tap_resource.override_at(#path, #v);)
                }
                None => quote!(__tap_resource.remove_at(#path);),
            });
        }
        let line = quote_spanned!(r.span=> ::core::line!());
        let mutability = if metas.is_empty() { quote!() } else { quote!(mut) };
        // A type with a marker in `tap::types` gets a handle of its type.
        let add = if schema::embedded_has(mode, type_name) {
            let marker = format_ident!("{}", type_name);
            let marker = match mode {
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

    /// `provider!(aws.east { ... })`: added to the stack with the
    /// provider's source and version from its facts.
    pub fn provider(&mut self, p: &ProviderConfig, stack_ident: &Ident) -> Expr {
        let facts = self.provider_path(&p.name);
        let alias = match &p.alias {
            Some(a) => quote!(::core::option::Option::Some(#a)),
            None => quote!(::core::option::Option::None),
        };
        let body = body_tokens(&p.body);
        syn::parse_quote!({
            #stack_ident.provider(::tap::__private::configured_provider(&#facts, #alias, #body));
        })
    }
}

/// `__tap_resource.lifecycle = Some(Lifecycle { ... })`: the flags, and
/// what `resolve` made of the rest.
fn lifecycle_tokens(prevent_destroy: bool, create_before_destroy: bool, life: &crate::resolved::Life) -> TokenStream {
    use crate::resolved::Trigger;
    let graph = quote!(::tap::__private::graph);
    let ignore = &life.ignore_changes;
    let ignore_all = life.ignore_all;
    let triggers = life.replace_triggered_by.iter().map(|t| match t {
        Trigger::Resource(handle) => quote_spanned!(handle.span()=> ::tap::__private::whole_resource(#handle.address())),
        Trigger::Attribute(Value::Ref(r)) => {
            let Ref { root, element, first, rest, span, .. } = &**r;
            let rest = rest.iter().map(step_tokens);
            match element {
                Some(index) => quote_spanned!(*span=> #root[#index].reference(#first) #(#rest)*),
                None => quote_spanned!(*span=> #root.reference(#first) #(#rest)*),
            }
        }
        Trigger::Attribute(_) => unreachable!("BUG: resolve keeps only references as triggers"),
    });
    let conditions = |list: &[(Value, String)]| {
        let items = list.iter().map(|(c, m)| {
            let c = value_tokens(c);
            quote!(#graph::Condition::new(#c, #m))
        });
        quote!(::std::vec![#(#items),*])
    };
    let (pre, post) = (conditions(&life.preconditions), conditions(&life.postconditions));
    quote! {
        __tap_resource.lifecycle = ::core::option::Option::Some(#graph::Lifecycle {
            prevent_destroy: #prevent_destroy,
            create_before_destroy: #create_before_destroy,
            ignore_changes: ::std::vec![#(::std::string::String::from(#ignore)),*],
            ignore_all_changes: #ignore_all,
            replace_triggered_by: ::std::vec![#(#triggers),*],
            preconditions: #pre,
            postconditions: #post,
        });
    }
}

/// One statement per provisioner, and one for the connection.
fn provisioner_tokens(life: &crate::resolved::Life) -> Vec<TokenStream> {
    let mut out: Vec<TokenStream> = life
        .provisioners
        .iter()
        .map(|(kind, body)| {
            let body = body_tokens(body);
            quote!(__tap_resource.provisioners.push(::tap::__private::provisioner(#kind, #body));)
        })
        .collect();
    if let Some(c) = &life.connection {
        let body = body_tokens(c);
        out.push(quote!(__tap_resource.connection = ::core::option::Option::Some(::tap::__private::connection(#body));));
    }
    out
}

/// `backend!(s3 { ... })`: the stack's backend, with a rustc `deprecated`
/// warning on each deprecated argument (stable Rust gives a proc macro no
/// other way to warn; `#[allow(deprecated)]` silences it like any other).
pub fn backend(b: &BackendConfig, stack_ident: &Ident) -> Expr {
    let name = &b.name;
    let body = body_tokens(&b.body);
    let warnings = b.deprecations.iter().map(|(span, note)| {
        let used = quote_spanned!(*span=> deprecated_backend_argument);
        quote! {
            #[deprecated(note = #note)]
            #[allow(non_upper_case_globals)]
            const deprecated_backend_argument: () = ();
            let () = #used;
        }
    });
    syn::parse_quote!({
        #({ #warnings })*
        #stack_ident.backend(::tap::__private::configured_backend(#name, #body));
    })
}

/// `output!(name { ... })`.
pub fn output(out: &Output, stack_ident: &Ident) -> Expr {
    let (name, description, sensitive) = (&out.name, &out.description, out.sensitive);
    let value_tokens = value_tokens(&out.value);
    let ty = out.ty.to_string();
    syn::parse_quote! {
        {
            #stack_ident.output_with(#name, ::tap::__private::graph::Output {
                value: #value_tokens,
                description: ::std::string::String::from(#description),
                sensitive: #sensitive,
                ty: ::tap::__private::schema::TypeConstraint::parse(#ty).ok(),
            });
        }
    }
}

/// `variable!(name: type { ... })`: the declaration, returning a `Var`
/// of the shape its type has.
pub fn variable(v: &crate::resolved::Variable, stack_ident: &Ident) -> Expr {
    let name = &v.name;
    let kind = v.ty.as_ref().map_or_else(|| quote!(::tap::__private::graph::shape::Dynamic), kind_tokens);
    let ty = match &v.ty {
        Some(ty) => {
            let text = ty.to_string();
            quote!(::core::option::Option::Some(::tap::__private::schema::TypeConstraint::parse(#text).expect("BUG: the macro parsed this type")))
        }
        None => quote!(::core::option::Option::None),
    };
    let default = match &v.default {
        Some(d) => {
            let d = value_tokens(d);
            quote!(::core::option::Option::Some(#d))
        }
        None => quote!(::core::option::Option::None),
    };
    let (description, sensitive, nullable, ephemeral) = (&v.description, v.sensitive, v.nullable, v.ephemeral);
    let validations = v.validations.iter().map(|(condition, error)| {
        let condition = value_tokens(condition);
        quote!(::tap::__private::graph::Validation { condition: #condition, error_message: ::std::string::String::from(#error) })
    });
    syn::parse_quote! {
        #stack_ident.variable::<#kind>(#name, ::tap::__private::graph::Variable {
            ty: #ty,
            default: #default,
            description: ::std::string::String::from(#description),
            sensitive: #sensitive,
            nullable: #nullable,
            ephemeral: #ephemeral,
            validations: ::std::vec![#(#validations),*],
        })
    }
}

/// `local!(name = value)`.
pub fn local(name: &str, value: &Value, stack_ident: &Ident) -> Expr {
    let value = value_tokens(value);
    syn::parse_quote!(#stack_ident.local::<::tap::__private::graph::shape::Dynamic>(#name, #value))
}

/// The shape kind of a type constraint, for `Var<K>`: objects and tuples
/// are `Dynamic` (the macro checks paths into them itself).
pub fn kind_tokens(ty: &tap_core::schema::TypeConstraint) -> TokenStream {
    use tap_core::schema::TypeConstraint as T;
    let shape = quote!(::tap::__private::graph::shape);
    match ty {
        T::String => quote!(#shape::Str),
        T::Number => quote!(#shape::Number),
        T::Bool => quote!(#shape::Bool),
        T::List(e) => {
            let e = kind_tokens(e);
            quote!(#shape::List<#e>)
        }
        T::Set(e) => {
            let e = kind_tokens(e);
            quote!(#shape::Set<#e>)
        }
        T::Map(e) => {
            let e = kind_tokens(e);
            quote!(#shape::Map<#e>)
        }
        T::Any | T::Tuple(_) | T::Object(_) => quote!(#shape::Dynamic),
    }
}

/// What an invocation with errors becomes: a placeholder handle that
/// still uses the bindings and the stack it names, so the user sees no
/// "unused variable" warnings on top of the real errors.
pub fn placeholder(used: &[Ident], stack_ident: &Ident) -> Expr {
    syn::parse_quote! {
        {
            let _ = (&#stack_ident, #(&#used),*);
            ::tap::__private::placeholder_handle()
        }
    }
}

/// What a `provider!` with errors becomes: it still uses the stack.
pub fn provider_placeholder(stack_ident: &Ident) -> Expr {
    syn::parse_quote!({
        let _ = &#stack_ident;
    })
}

/// What a `backend!` with errors becomes: it still uses the stack and
/// the bindings its arguments named.
pub fn backend_placeholder(used: &[Ident], stack_ident: &Ident) -> Expr {
    syn::parse_quote!({
        let _ = (&#stack_ident, #(&#used),*);
    })
}

/// A `Vec<(&'static str, Value)>` expression for a body, one entry per
/// argument or block as written; `tap_core` folds a repeated block into
/// a list of its instances, as the compile-time view did.
fn body_tokens(body: &Body) -> TokenStream {
    let entries = body.entries.iter().map(|(key, node)| {
        let value = match node {
            Node::Attr(value) => value_tokens(value),
            Node::Block(body) => {
                let inner = body_tokens(body);
                quote!(::tap::__private::block_of(#inner))
            }
            Node::Dynamic { iterator, collection, body } => {
                let (collection, inner) = (value_tokens(collection), body_tokens(body));
                quote!(::tap::__private::dynamic_of(#collection, #iterator, ::tap::__private::block_of(#inner)))
            }
        };
        quote!((#key, #value))
    });
    quote!(::std::vec![#(#entries),*])
}

pub(crate) fn value_tokens(v: &Value) -> TokenStream {
    let value = quote!(::tap::__private::value::Value);
    match v {
        Value::Str(s) => quote!(#value::from(#s)),
        Value::Int(n) => {
            let lit = Literal::i64_unsuffixed(*n);
            quote!(#value::Int(#lit))
        }
        Value::Float(n) => {
            let lit = Literal::f64_unsuffixed(*n);
            quote!(#value::Float(#lit))
        }
        Value::Bool(b) => quote!(#value::Bool(#b)),
        Value::Null => quote!(#value::Null),
        Value::List(items) => {
            let items = items.iter().map(value_tokens);
            quote!(#value::List(::std::vec![#(#items),*]))
        }
        Value::Map(entries) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = value_tokens(v);
                quote!((#k, #v))
            });
            quote!(::tap::__private::map_of(::std::vec![#(#entries),*]))
        }
        Value::Template(parts) => {
            let parts = parts.iter().map(value_tokens);
            quote!(#value::Template(::std::vec![#(#parts),*]))
        }
        Value::Call(name, args, None) => {
            let args = args.iter().map(value_tokens);
            quote!(#value::call(#name, ::std::vec![#(#args),*]))
        }
        Value::Call(name, args, Some(p)) => {
            let args = args.iter().map(value_tokens);
            let (local_name, source, version) = (&p.local_name, &p.source, &p.version);
            let short = name.rsplit("::").next().expect("BUG: a split has a first part");
            quote!(#value::provider_call(
                ::tap::__private::value::CallProvider {
                    local_name: ::std::string::String::from(#local_name),
                    source: ::std::string::String::from(#source),
                    version: ::std::string::String::from(#version),
                },
                #short,
                ::std::vec![#(#args),*],
            ))
        }
        Value::Splat { root, attr, span, .. } => quote_spanned!(*span=> ::tap::__private::splat(#root.iter(), #attr)),
        Value::Ref(r) => {
            let Ref { root, element, instance, first, rest, span, .. } = &**r;
            let rest = rest.iter().map(step_tokens);
            if let Some(instance) = instance {
                return instance_tokens(root, instance, first, rest, *span);
            }
            match element {
                Some(index) => quote_spanned!(*span=> #value::Ref(#root[#index].reference(#first) #(#rest)*)),
                None => quote_spanned!(*span=> #value::Ref(#root.reference(#first) #(#rest)*)),
            }
        }
        Value::Unbound { root, steps, span } => crate::typed_ref::unknown_root(root, steps, *span),
        Value::Named { view, steps, binding: None, span } => named_tokens(&view.root, steps, *span),
        Value::Named { view, steps, binding: Some(binding), span } => {
            let value = named_tokens(&view.root, steps, *span);
            quote!({
                let _ = &#binding;
                #value
            })
        }
        Value::Expr(e) => {
            let expr = quote!(::tap::__private::value::Expr);
            let op_tokens = |op: &dyn std::fmt::Debug| {
                let variant = format_ident!("{}", format!("{op:?}"));
                variant
            };
            match &**e {
                TfExpr::Index(collection, key, steps) => {
                    let (collection, key) = (value_tokens(collection), value_tokens(key));
                    let steps = steps.iter().map(step_tokens);
                    quote!(::tap::__private::element_of(#collection, #key, ::tap::__private::reference::Reference::bound("_") #(#steps)*))
                }
                TfExpr::Binary(op, l, r) => {
                    let (op, l, r) = (op_tokens(op), value_tokens(l), value_tokens(r));
                    quote!(#value::expr(#expr::Binary { op: ::tap::__private::value::BinaryOp::#op, left: #l, right: #r }))
                }
                TfExpr::Unary(op, o) => {
                    let (op, o) = (op_tokens(op), value_tokens(o));
                    quote!(#value::expr(#expr::Unary { op: ::tap::__private::value::UnaryOp::#op, operand: #o }))
                }
                TfExpr::Conditional(c, t, o) => {
                    let (c, t, o) = (value_tokens(c), value_tokens(t), value_tokens(o));
                    quote!(#value::conditional(#c, #t, #o))
                }
                TfExpr::For(f) => {
                    let crate::resolved::ForParts { key, value: name, collection, key_out, out, condition } = &**f;
                    let opt_str = |s: &Option<String>| match s {
                        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
                        None => quote!(::core::option::Option::None),
                    };
                    let opt = |v: &Option<Value>| match v {
                        Some(v) => {
                            let v = value_tokens(v);
                            quote!(::core::option::Option::Some(#v))
                        }
                        None => quote!(::core::option::Option::None),
                    };
                    let (key, collection, key_out, out, condition) = (opt_str(key), value_tokens(collection), opt(key_out), value_tokens(out), opt(condition));
                    quote!(#value::expr(#expr::For(::tap::__private::value::For {
                        key: #key,
                        value: ::std::string::String::from(#name),
                        collection: #collection,
                        key_out: #key_out,
                        out: #out,
                        condition: #condition,
                    })))
                }
            }
        }
        // Spanned on the user's expression, so a type that cannot become
        // a value is reported there and not on the attribute.
        Value::Hole(expr) => quote_spanned!(expr.span()=> ::tap::__private::value_of(#expr)),
    }
}

/// A reference through the handle of a resource with `count` or `for_each`.
fn instance_tokens(root: &Ident, instance: &crate::resolved::Instance, first: &str, rest: impl Iterator<Item = TokenStream>, span: Span) -> TokenStream {
    use crate::resolved::Instance;
    use tap_core::reference::InstanceKey;
    use tap_core::schema::iteration::Repeats;
    let value = quote!(::tap::__private::value::Value);
    let key_type = quote!(::tap::__private::reference::InstanceKey);
    let rest: Vec<TokenStream> = rest.collect();
    let on_placeholder = quote!(::tap::__private::reference::Reference::bound("_").attr(#first) #(#rest)*);
    match instance {
        Instance::Known(InstanceKey::Index(i)) => quote_spanned!(span=> #value::Ref(#root.instance(#key_type::Index(#i)).attr(#first) #(#rest)*)),
        Instance::Known(InstanceKey::Key(k)) => quote_spanned!(span=> #value::Ref(#root.instance(#key_type::Key(::std::string::String::from(#k))).attr(#first) #(#rest)*)),
        Instance::Rust(e) => quote_spanned!(span=> #value::Ref(#root.instance(::tap::__private::instance_key(#e)).attr(#first) #(#rest)*)),
        Instance::Terraform(key) => {
            let key = value_tokens(key);
            quote_spanned!(span=> ::tap::__private::element_of(#root.instances(), #key, #on_placeholder))
        }
        Instance::Whole => quote_spanned!(span=> #root.instances()),
        Instance::All(Repeats::Count) => quote_spanned!(span=> ::tap::__private::splat_of(#root.instances(), #on_placeholder)),
        Instance::All(Repeats::ForEach) => quote_spanned!(span=> ::tap::__private::splat_of(#value::call("values", ::std::vec![#root.instances()]), #on_placeholder)),
    }
}

/// `.attr("x")`, `.index(i)` or `.key("k")`: one step after a reference's first attribute.
fn step_tokens(step: &RefStep) -> TokenStream {
    match step {
        RefStep::Attr(a) => {
            let a = name_of(a);
            quote!(.attr(#a))
        }
        RefStep::Index(e) => quote_spanned!(e.span()=> .index(::tap::__private::list_index(#e))),
        RefStep::Key(k) => quote!(.key(#k)),
        // `named_tokens` splits a reference at its `[*]`.
        RefStep::Each(_) => quote!(),
    }
}

/// `var.x.steps...` (or `local.`, or a `for` name) as a value; a `[*]`
/// makes it a splat of what follows over what precedes.
fn named_tokens(root: &tap_core::reference::Root, steps: &[RefStep], span: Span) -> TokenStream {
    use tap_core::reference::Root;
    let reference = quote!(::tap::__private::reference::Reference);
    let base = match root {
        Root::Variable(n) => {
            let n: &str = n;
            quote!(#reference::variable(#n))
        }
        Root::Local(n) => {
            let n: &str = n;
            quote!(#reference::local(#n))
        }
        Root::Bound(n) => {
            let n: &str = n;
            quote!(#reference::bound(#n))
        }
        Root::Resource(_) => unreachable!("BUG: resolve gives a named value a variable, local or `for` root"),
    };
    let value = quote!(::tap::__private::value::Value);
    match steps.iter().position(|s| matches!(s, RefStep::Each(_))) {
        None => {
            let steps = steps.iter().map(step_tokens);
            quote_spanned!(span=> #value::Ref(#base #(#steps)*))
        }
        Some(at) => {
            let before = steps[..at].iter().map(step_tokens);
            let after = steps[at + 1..].iter().map(step_tokens);
            // The steps after `[*]` are built on a placeholder root: only their path is used.
            quote_spanned!(span=> ::tap::__private::splat_of(#value::Ref(#base #(#before)*), #reference::bound("_") #(#after)*))
        }
    }
}

/// `impl StackDefinition for ...`: the name, `define`, packs and
/// suppressions, and the organisation policy, embedded so that synthesis
/// runs its rules on the values known only then.
pub fn definition_impl(item: &ItemImpl, name_expr: TokenStream, packs: &[String], suppressions: &[(Suppression, Span)], loaded: Option<&LoadedPolicy>) -> TokenStream {
    let self_ty = &item.self_ty;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let pack_lits = packs.iter().map(|p| quote!(::std::string::String::from(#p)));
    let suppression_exprs = suppressions.iter().map(|(s, _)| suppression_tokens(s));
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
pub fn suppression_tokens(s: &Suppression) -> TokenStream {
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
        match &p.descriptor {
            // The crate's own descriptor travels with the facts, so synthesis applies it too.
            Some((_, descriptor)) => quote! {
                pub static #ident: ::tap::__private::graph::ProviderFacts = ::tap::__private::described_provider_facts(#local_name, #source, #version, #json, #descriptor);
            },
            None => quote! {
                pub static #ident: ::tap::__private::graph::ProviderFacts = ::tap::__private::provider_facts(#local_name, #source, #version, #json);
            },
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

