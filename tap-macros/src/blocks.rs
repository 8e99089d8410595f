//! `moved!`, `import!`, `removed!` and `check!`: Terraform's blocks that
//! act on state, inside a `#[stack]`.
//!
//! One module for the four, phase by phase: `parse` (tokens to the
//! `*Invocation` types below, syntax only), `resolve` (values through the
//! item's `Resolver`, addresses recorded for the check at the end of the
//! item, when every `resource!` has been seen: a block may come before the
//! resource it names), `expand` (code that adds the block to the stack).
//! The address rules are `tap_core::graph::blocks::target_problem`, the
//! ones synthesis applies to stacks built in code.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{braced, bracketed, Ident, LitInt, LitStr, Token};
use tap_core::graph::blocks::{target_problem, KeyKind, Role};
use tap_core::schema::iteration::Repeats;
use tap_core::path::AttrPath;
use tap_core::reference::{Address, Mode};

use crate::diag::message;
use crate::expand::{value_tokens, Renderer};
use crate::model::{name_of, ValueExpr};
use crate::parse::{invocation, parse_value};
use crate::resolve::Resolver;
use crate::resolved::{SpanMap, Value};
use crate::scope::{Binding, Scope};

// ---- parse -------------------------------------------------------------

/// `aws_subnet.private[0]`, `aws_s3_bucket.b[each.key]`, or a handle in
/// scope (`orders_table`), as written.
pub struct TargetExpr {
    /// `type.name`, or `None` for a handle.
    pub address: Option<(Ident, Ident, bool)>,
    /// The handle's binding name.
    pub handle: Option<Ident>,
    pub key: Option<KeyExpr>,
    pub span: Span,
}

/// The key in brackets after a target.
pub enum KeyExpr {
    Index(LitInt),
    Key(LitStr),
    Expr(ValueExpr),
}

/// `moved!(from: ..., to: ...)`.
pub struct MovedInvocation {
    pub from: TargetExpr,
    pub to: TargetExpr,
}

/// `import!(to: ..., id: ...)`, with `#[for_each(collection)]` before it.
pub struct ImportInvocation {
    pub for_each: Option<ValueExpr>,
    pub to: TargetExpr,
    pub id: ValueExpr,
}

/// `removed!(from: ..., destroy: false)`.
pub struct RemovedInvocation {
    pub from: TargetExpr,
    pub destroy: bool,
}

/// `check!(name { let probe = data!(...); assert { condition: ..., error_message: ... } })`.
pub struct CheckInvocation {
    pub name: Ident,
    /// The scoped data sources: the `let` name and the `data!` tokens.
    pub data: Vec<(Ident, syn::Macro)>,
    /// Each `assert`: its condition and error message.
    pub asserts: Vec<(ValueExpr, ValueExpr)>,
}

fn parse_target(input: ParseStream) -> syn::Result<TargetExpr> {
    let first = Ident::parse_any(input)?;
    let start = first.span();
    let mut end = start;
    let (address, handle) = if input.peek(Token![.]) {
        input.parse::<Token![.]>()?;
        let second = Ident::parse_any(input)?;
        end = second.span();
        if first == "data" && input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            let third = Ident::parse_any(input)?;
            end = third.span();
            (Some((second, third, true)), None)
        } else {
            (Some((first, second, false)), None)
        }
    } else {
        (None, Some(first))
    };
    let mut key = None;
    if input.peek(syn::token::Bracket) {
        let content;
        let bracket = bracketed!(content in input);
        end = bracket.span.close();
        let (int, string) = (content.fork(), content.fork());
        key = Some(if int.parse::<LitInt>().is_ok() && int.is_empty() {
            KeyExpr::Index(content.parse()?)
        } else if string.parse::<LitStr>().is_ok() && string.is_empty() {
            KeyExpr::Key(content.parse()?)
        } else {
            KeyExpr::Expr(parse_value(&content)?)
        });
    }
    // Stable proc macros cannot join spans: point at the name, what a typo is in.
    let name_span = address.as_ref().map_or(start, |(_, name, data)| if *data { start } else { name.span() });
    Ok(TargetExpr { address, handle, key, span: start.join(end).unwrap_or(name_span) })
}

/// `key: value` pairs separated by commas, each parsed by `field`.
fn fields(input: ParseStream, accepted: &str, mut field: impl FnMut(&Ident, ParseStream) -> syn::Result<bool>) -> syn::Result<()> {
    while !input.is_empty() {
        let key = Ident::parse_any(input)?;
        input.parse::<Token![:]>()?;
        if !field(&key, input)? {
            return Err(syn::Error::new(key.span(), format!("unknown setting `{key}`; accepted: {accepted}")));
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

fn missing(span: Span, what: &str, example: &str) -> syn::Error {
    syn::Error::new(span, message(&format!("missing `{what}`"), Some(&format!("write `{example}`")), None))
}

pub fn parse_moved(tokens: TokenStream) -> syn::Result<MovedInvocation> {
    let span = tokens.span();
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let (mut from, mut to) = (None, None);
            fields(input, "`from`, `to`", |key, input| {
                match key.to_string().as_str() {
                    "from" => from = Some(parse_target(input)?),
                    "to" => to = Some(parse_target(input)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            let example = "moved!(from: aws_subnet.private_0, to: aws_subnet.private[0])";
            Ok(MovedInvocation { from: from.ok_or_else(|| missing(span, "from", example))?, to: to.ok_or_else(|| missing(span, "to", example))? })
        },
        tokens,
    )
}

pub fn parse_import(tokens: TokenStream) -> syn::Result<ImportInvocation> {
    let span = tokens.span();
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let mut for_each = None;
            for attr in input.call(syn::Attribute::parse_outer)? {
                if !attr.path().is_ident("for_each") {
                    return Err(syn::Error::new(attr.path().span(), "unknown attribute on `import!`; accepted: `#[for_each(collection)]`"));
                }
                for_each = Some(attr.parse_args_with(|i: ParseStream| parse_value(i))?);
            }
            let (mut to, mut id) = (None, None);
            fields(input, "`to`, `id` (and `#[for_each(...)]` before them)", |key, input| {
                match key.to_string().as_str() {
                    "to" => to = Some(parse_target(input)?),
                    "id" => id = Some(parse_value(input)?),
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            let example = "import!(to: aws_s3_bucket.logs, id: \"acme-logs\")";
            Ok(ImportInvocation { for_each, to: to.ok_or_else(|| missing(span, "to", example))?, id: id.ok_or_else(|| missing(span, "id", example))? })
        },
        tokens,
    )
}

pub fn parse_removed(tokens: TokenStream) -> syn::Result<RemovedInvocation> {
    let span = tokens.span();
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let (mut from, mut destroy) = (None, true);
            fields(input, "`from`, `destroy`", |key, input| {
                match key.to_string().as_str() {
                    "from" => from = Some(parse_target(input)?),
                    "destroy" => destroy = input.parse::<syn::LitBool>()?.value,
                    _ => return Ok(false),
                }
                Ok(true)
            })?;
            Ok(RemovedInvocation { from: from.ok_or_else(|| missing(span, "from", "removed!(from: aws_instance.legacy, destroy: false)"))?, destroy })
        },
        tokens,
    )
}

pub fn parse_check(tokens: TokenStream) -> syn::Result<CheckInvocation> {
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let name = Ident::parse_any(input)?;
            let content;
            braced!(content in input);
            let mut check = CheckInvocation { name, data: Vec::new(), asserts: Vec::new() };
            while !content.is_empty() {
                if content.peek(Token![let]) {
                    content.parse::<Token![let]>()?;
                    let binding: Ident = content.parse()?;
                    content.parse::<Token![=]>()?;
                    let mac: syn::Macro = content.parse()?;
                    if !mac.path.is_ident("data") {
                        return Err(syn::Error::new(mac.path.span(), "a check's `let` declares its scoped data source: `let probe = data!(type.name { ... });`"));
                    }
                    content.parse::<Token![;]>()?;
                    check.data.push((binding, mac));
                    continue;
                }
                let key = Ident::parse_any(&content)?;
                if key != "assert" {
                    return Err(syn::Error::new(key.span(), "a check holds `let probe = data!(...);` and `assert { condition: ..., error_message: \"...\" }` blocks"));
                }
                let body;
                braced!(body in content);
                let (mut condition, mut error_message) = (None, None);
                fields(&body, "`condition`, `error_message`", |key, input| {
                    match key.to_string().as_str() {
                        "condition" => condition = Some(parse_value(input)?),
                        "error_message" => error_message = Some(parse_value(input)?),
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                let example = "assert { condition: ..., error_message: \"...\" }";
                check.asserts.push((condition.ok_or_else(|| missing(key.span(), "condition", example))?, error_message.ok_or_else(|| missing(key.span(), "error_message", example))?));
                if content.peek(Token![,]) {
                    content.parse::<Token![,]>()?;
                }
            }
            Ok(check)
        },
        tokens,
    )
}

// ---- resolve -----------------------------------------------------------

/// The addresses of the item's blocks, checked once the whole item is seen.
#[derive(Default)]
pub struct Pending {
    targets: Vec<PendingTarget>,
    /// Literal names of the component instances the item opens
    /// (`stack.scope("orders")`): their resources are named `orders_<name>`.
    pub instances: BTreeSet<String>,
    /// Some instance is opened with a name computed at run time.
    pub dynamic_instances: bool,
}

/// `stack.scope(name)`: a literal name is an instance prefix the item
/// knows; any other makes every unknown address possibly an instance's.
pub fn note_instance(pending: &mut Pending, name: Option<&syn::Expr>) {
    match name {
        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) => {
            pending.instances.insert(s.value());
        }
        _ => pending.dynamic_instances = true,
    }
}

struct PendingTarget {
    role: Role,
    address: Address,
    key: KeyKind,
    for_each: bool,
    span: Span,
}

/// A target as the expansion builds it, and what its checks need.
pub struct ResolvedTarget {
    tokens: TokenStream,
    /// The type, when the macro knows it (an address, or a typed handle).
    type_name: Option<String>,
    /// The address and key kind, for the checks at the end of the item;
    /// `None` for a handle whose address only the run time knows.
    check: Option<(Address, KeyKind)>,
    span: Span,
}

fn resolve_target(resolver: &mut Resolver, t: TargetExpr, field: &str, scope: &Scope) -> Option<ResolvedTarget> {
    let key = match t.key {
        None => (quote!(::core::option::Option::None), KeyKind::None),
        Some(KeyExpr::Index(i)) => match i.base10_parse::<u64>() {
            Ok(n) => (quote!(::core::option::Option::Some(::tap::__private::graph::TargetKey::Instance(::tap::__private::reference::InstanceKey::Index(#n)))), KeyKind::Index),
            Err(e) => {
                resolver.diags.push(e);
                return None;
            }
        },
        Some(KeyExpr::Key(k)) => (quote!(::core::option::Option::Some(::tap::__private::graph::TargetKey::Instance(::tap::__private::reference::InstanceKey::Key(::std::string::String::from(#k))))), KeyKind::Key),
        Some(KeyExpr::Expr(v)) => {
            let value = resolver.value(v, &AttrPath::root().name(field), scope, &mut SpanMap::default());
            let v = value_tokens(&value);
            (quote!(::core::option::Option::Some(::tap::__private::graph::TargetKey::Expr(#v))), KeyKind::Expr)
        }
    };
    let (key_tokens, key_kind) = key;
    if let Some((type_ident, name_ident, data)) = t.address {
        let (type_name, name) = (name_of(&type_ident), name_of(&name_ident));
        let mode = if data { Mode::Data } else { Mode::Managed };
        let ctor = if data { quote!(data) } else { quote!(resource) };
        let tokens = quote! {
            ::tap::__private::graph::Target {
                address: ::std::sync::Arc::new(::tap::__private::reference::Address::#ctor(#type_name, #name)),
                key: #key_tokens,
            }
        };
        return Some(ResolvedTarget { tokens, type_name: Some(type_name.clone()), check: Some((Address::new(mode, &type_name, name), key_kind)), span: t.span });
    }
    let handle = t.handle.expect("BUG: a target is an address or a handle");
    let (type_name, check) = match scope.get(&handle.to_string()) {
        Some(Binding::Handle { mode, type_name, static_name, .. }) => {
            // A parameter's handle (`<name>`) or a loop's (`name[*]`): only the run time knows its address.
            let known = !static_name.starts_with('<') && !static_name.ends_with("[*]");
            (Some(type_name.clone()), known.then(|| (Address::new(*mode, type_name, static_name.as_str()), key_kind)))
        }
        Some(Binding::OpaqueHandle) => (None, None),
        _ => {
            resolver.diags.error(
                handle.span(),
                message(&format!("`{field}` names `{handle}`, which is neither an address nor a resource handle in scope"), Some("write the address, `type.name` (with `[0]` or `[\"key\"]` for one instance), or a variable bound to `resource!(...)`"), None),
            );
            return None;
        }
    };
    let tokens = quote_spanned! {handle.span()=>
        ::tap::__private::graph::Target { key: #key_tokens, ..::tap::__private::graph::Target::of(&#handle) }
    };
    Some(ResolvedTarget { tokens, type_name, check, span: t.span })
}

fn defer(resolver: &mut Resolver, role: Role, t: &ResolvedTarget, for_each: bool) {
    if let Some((address, key)) = &t.check {
        resolver.blocks.targets.push(PendingTarget { role, address: address.clone(), key: *key, for_each, span: t.span });
    }
}

/// At the end of the item: every recorded address against the resources
/// the item declares. An address the item cannot see (a component
/// instance's resource, a Rust loop's) is left to synthesis.
pub fn check_pending(resolver: &mut Resolver) {
    let pending = std::mem::take(&mut resolver.blocks.targets);
    let declared: BTreeMap<String, Option<Repeats>> = resolver.declared_names().collect();
    let looped: BTreeSet<String> = resolver.looped_names().collect();
    let candidates: Vec<String> = declared.keys().filter(|a| !a.starts_with("data.")).cloned().collect();
    let blocks = &resolver.blocks;
    let unseen = |a: &Address| {
        let from_loop = a.name.rsplit_once('_').is_some_and(|(base, i)| i.parse::<u64>().is_ok() && looped.contains(&format!("{}.{base}", a.type_name)));
        let from_instance = blocks.dynamic_instances || blocks.instances.iter().any(|i| a.name.starts_with(&format!("{i}_")));
        from_loop || from_instance
    };
    let mut problems = Vec::new();
    // A chain of moves (`a` to `b`, then `b` to `c`): `b` is an old address too.
    let moved_from: BTreeSet<(String, KeyKind)> = pending.iter().filter(|p| p.role == Role::MovedFrom).map(|p| (p.address.to_string(), p.key)).collect();
    for p in &pending {
        if p.address.mode == Mode::Managed && !declared.contains_key(&p.address.to_string()) && unseen(&p.address) {
            continue;
        }
        if p.role == Role::MovedTo && moved_from.contains(&(p.address.to_string(), p.key)) {
            continue;
        }
        let lookup = |a: &Address| declared.get(&a.to_string()).copied();
        if let Some((msg, help)) = target_problem(p.role, &p.address, p.key, p.for_each, &lookup, candidates.iter().map(String::as_str)) {
            problems.push((p.span, message(&msg, Some(&help), None)));
        }
    }
    for (span, msg) in problems {
        resolver.diags.error(span, msg);
    }
}

/// The code that records where the block was written.
fn origin(which: &str, span: Span, stack: &Ident) -> TokenStream {
    let line = quote_spanned!(span=> ::core::line!());
    quote!(#stack.__block_origin(#which, ::tap::__private::graph::Origin { file: ::core::file!(), line: #line });)
}

fn failed(stack: &Ident) -> syn::Expr {
    syn::parse_quote!({
        let _ = &#stack;
    })
}

// ---- expand ------------------------------------------------------------

/// `moved!`: both ends resolved and recorded, one type on both sides.
pub fn moved(resolver: &mut Resolver, tokens: TokenStream, span: Span, scope: &Scope, stack: &Ident) -> syn::Expr {
    let inv = match parse_moved(tokens) {
        Ok(inv) => inv,
        Err(e) => {
            resolver.diags.push(e);
            return failed(stack);
        }
    };
    let (Some(from), Some(to)) = (resolve_target(resolver, inv.from, "from", scope), resolve_target(resolver, inv.to, "to", scope)) else { return failed(stack) };
    if let (Some(a), Some(b)) = (&from.type_name, &to.type_name) {
        if a != b {
            resolver.diags.error(
                to.span,
                message(&format!("`moved` from a `{a}` to a `{b}`: Terraform moves state between addresses of one type"), Some(&format!("move to an address of type `{a}`, or import the object into the new resource instead")), None),
            );
            return failed(stack);
        }
    }
    let same = matches!((&from.check, &to.check), (Some((a, _)), Some((b, _))) if a == b);
    // Between instances of one resource (adding or dropping `count`), `from` is declared by design.
    if !same {
        defer(resolver, Role::MovedFrom, &from, false);
    }
    defer(resolver, Role::MovedTo, &to, false);
    let (f, t, origin) = (from.tokens, to.tokens, origin("moved", span, stack));
    syn::parse_quote!({
        #stack.moved(#f, #t);
        #origin
    })
}

/// `import!`: `each` is bound when it has `for_each`.
pub fn import(resolver: &mut Resolver, tokens: TokenStream, span: Span, scope: &Scope, stack: &Ident) -> syn::Expr {
    let inv = match parse_import(tokens) {
        Ok(inv) => inv,
        Err(e) => {
            resolver.diags.push(e);
            return failed(stack);
        }
    };
    let mut inner = scope.clone();
    // `for_each` as on a resource: of a kind Terraform takes, known at plan, `each` typed.
    let for_each = inv.for_each.map(|value| {
        let meta = crate::model::RepetitionMeta { repeats: Repeats::ForEach, name: Ident::new("for_each", value.span()), value };
        let (repetition, (bound, binding)) = resolver.repetition(meta, false, scope, &mut SpanMap::default());
        inner.bind(bound, binding);
        repetition.value
    });
    let before = resolver.diags.count();
    let Some(to) = resolve_target(resolver, inv.to, "to", &inner) else { return failed(stack) };
    let id = resolver.value(inv.id, &AttrPath::root().name("id"), &inner, &mut SpanMap::default());
    if resolver.diags.count() > before {
        return failed(stack);
    }
    if let Value::Str(s) = &id {
        if s.value().is_empty() {
            resolver.diags.error(s.span(), message("`import.id` is empty", Some("write the provider's import ID of the object: a bucket's name, an instance's ID"), None));
        }
    }
    defer(resolver, Role::ImportTo, &to, for_each.is_some());
    let (t, id, origin) = (to.tokens, value_tokens(&id), origin("import", span, stack));
    match for_each {
        Some(v) => {
            let v = value_tokens(&v);
            syn::parse_quote!({
                #stack.import_each(#v, #t, #id);
                #origin
            })
        }
        None => syn::parse_quote!({
            #stack.import(#t, #id);
            #origin
        }),
    }
}

/// `removed!`.
pub fn removed(resolver: &mut Resolver, tokens: TokenStream, span: Span, scope: &Scope, stack: &Ident) -> syn::Expr {
    let inv = match parse_removed(tokens) {
        Ok(inv) => inv,
        Err(e) => {
            resolver.diags.push(e);
            return failed(stack);
        }
    };
    let Some(from) = resolve_target(resolver, inv.from, "from", scope) else { return failed(stack) };
    defer(resolver, Role::RemovedFrom, &from, false);
    let (f, destroy, origin) = (from.tokens, inv.destroy, origin("removed", span, stack));
    syn::parse_quote!({
        #stack.removed(#f, #destroy);
        #origin
    })
}

/// `check!`: its data sources are declared like `data!` (schema and policy
/// included), then moved into the check; its assertions read them.
pub fn check(resolver: &mut Resolver, renderer: &mut Renderer, tokens: TokenStream, span: Span, scope: &Scope, stack: &Ident) -> syn::Expr {
    let inv = match parse_check(tokens) {
        Ok(inv) => inv,
        Err(e) => {
            resolver.diags.push(e);
            return failed(stack);
        }
    };
    let name = name_of(&inv.name);
    if inv.asserts.is_empty() {
        resolver.diags.error(inv.name.span(), message(&format!("check `{name}` has no `assert`"), Some("add `assert { condition: ..., error_message: \"...\" }`: a check needs at least one"), None));
    }
    let before = resolver.diags.count();
    let mut inner = scope.clone();
    let mut lets = Vec::new();
    let mut handles = Vec::new();
    for (binding, mac) in inv.data {
        let inv = match invocation(Mode::Data, mac.tokens.clone()) {
            Ok(inv) => inv,
            Err(e) => {
                resolver.diags.push(e);
                continue;
            }
        };
        let type_known = resolver.schema.has(Mode::Data, &inv.type_name());
        let repeats = inv.body.metas.repetition.as_ref().map(|r| r.repeats);
        let b = Binding::Handle { mode: Mode::Data, type_name: inv.type_name(), static_name: inv.static_name(), type_known, repeats };
        if let Ok(resource) = resolver.resource(inv, scope) {
            let expr = renderer.resource(resource, stack);
            lets.push(quote!(let #binding = #expr;));
            handles.push(binding.clone());
        }
        inner.bind(binding.to_string(), b);
    }
    let mut asserts = Vec::new();
    for (i, (condition, error_message)) in inv.asserts.into_iter().enumerate() {
        let path = AttrPath::root().name(&format!("assert[{i}]"));
        let c = resolver.value(condition, &path.name("condition"), &inner, &mut SpanMap::default());
        let m = resolver.value(error_message, &path.name("error_message"), &inner, &mut SpanMap::default());
        let (c, m) = (value_tokens(&c), value_tokens(&m));
        asserts.push(quote!(.assert(#c, #m)));
    }
    if resolver.diags.count() > before {
        return failed(stack);
    }
    let origin = origin("check", span, stack);
    syn::parse_quote!({
        #(#lets)*
        #stack.check_with_data(::tap::__private::graph::Check::new(#name) #(#asserts)*, &[#(#handles.untyped()),*]);
        #origin
    })
}
