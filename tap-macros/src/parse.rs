//! Tokens to [`crate::model`]. Only malformed syntax is an error here;
//! whether a name or value makes sense is decided by `resolve`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{braced, bracketed, parenthesized, Expr, Ident, LitStr, Pat, Token};

use tap_core::reference::Mode;

use crate::model::*;

/// Parses the inside of `resource!(...)` or `data!(...)`.
pub fn invocation(mode: Mode, tokens: TokenStream) -> syn::Result<Invocation> {
    let span = tokens.span();
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let type_ident = Ident::parse_any(input)?;
            input.parse::<Token![.]>().map_err(|e| {
                syn::Error::new(e.span(), "expected `.` between the resource type and its name, as in `aws_vpc.main { ... }`")
            })?;
            let name = Ident::parse_any(input)?;
            if input.is_empty() {
                return Err(syn::Error::new(
                    name.span(),
                    format!("`{type_ident}.{name}` has no body\nhelp: write `{type_ident}.{name} {{ ... }}` with the resource's arguments"),
                ));
            }
            let index = if input.peek(syn::token::Bracket) {
                let content;
                bracketed!(content in input);
                Some(content.parse::<Expr>()?)
            } else {
                None
            };
            if !input.peek(syn::token::Brace) {
                return Err(input.error("expected the body `{ ... }` after the resource name"));
            }
            let content;
            braced!(content in input);
            let body = parse_body(&content)?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens after the resource body"));
            }
            Ok(Invocation { mode, type_ident, name, index, body, span })
        },
        tokens,
    )
}

fn parse_body(input: ParseStream) -> syn::Result<Body> {
    let mut body = Body::default();
    while !input.is_empty() {
        if input.peek(Token![#]) {
            for attr in input.call(syn::Attribute::parse_outer)? {
                body.first_meta.get_or_insert(attr.path().span());
                parse_meta(&attr, &mut body.metas)?;
            }
            continue;
        }
        if input.peek(Token![for]) {
            body.entries.push(parse_dynamic(input)?);
            if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
            }
            continue;
        }
        let key = Ident::parse_any(input)?;
        if input.peek(Token![:]) && !input.peek(Token![::]) {
            input.parse::<Token![:]>()?;
            let value = parse_value(input)?;
            body.entries.push(Entry::Attr { key, value });
            if !input.is_empty() {
                input.parse::<Token![,]>().map_err(|e| syn::Error::new(e.span(), "expected `,` after the value"))?;
            }
        } else if input.peek(syn::token::Brace) {
            let content;
            let brace = braced!(content in input);
            let inner = parse_body(&content)?;
            body.entries.push(Entry::Block { key, body: inner, span: brace.span.join() });
            if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
            }
        } else {
            return Err(syn::Error::new(
                key.span(),
                format!("expected `{key}: value` for an argument or `{key} {{ ... }}` for a nested block"),
            ));
        }
    }
    Ok(body)
}

/// `for rule in collection { block { ... } }`: a `dynamic` block.
fn parse_dynamic(input: ParseStream) -> syn::Result<Entry> {
    let for_token: Token![for] = input.parse()?;
    let iterator: Ident = input.parse().map_err(|e| syn::Error::new(e.span(), "expected the iterator's name after `for`, as in `for rule in var.rules { ingress { ... } }`"))?;
    input.parse::<Token![in]>().map_err(|e| syn::Error::new(e.span(), "expected `in` after the iterator's name"))?;
    let collection = value_of_expr(&Expr::parse_without_eager_brace(input)?)?;
    let content;
    let brace = braced!(content in input);
    let key = Ident::parse_any(&content)?;
    let help = "a `dynamic` block is `for rule in collection { block_name { ... } }`: one nested block inside, which reads `rule.key` and `rule.value`";
    if !content.peek(syn::token::Brace) {
        return Err(syn::Error::new(key.span(), help));
    }
    let inner;
    braced!(inner in content);
    let body = parse_body(&inner)?;
    if !content.is_empty() {
        return Err(content.error(help));
    }
    let span = for_token.span.join(brace.span.join()).unwrap_or(for_token.span);
    Ok(Entry::Dynamic { iterator, collection: Box::new(collection), key, body, span })
}

/// One `#[...]` meta-argument, into its field of `metas`.
fn parse_meta(attr: &syn::Attribute, metas: &mut Metas) -> syn::Result<()> {
    let name = attr.path().get_ident().map(ToString::to_string).unwrap_or_default();
    match name.as_str() {
        "depends_on" => {
            let items = attr.parse_args_with(Punctuated::<Ident, Token![,]>::parse_terminated)?;
            metas.depends_on.extend(items);
        }
        "provider" => metas.provider = Some(attr.parse_args::<Ident>()?),
        "count" | "for_each" => {
            use tap_core::schema::iteration::Repeats;
            let name = attr.path().get_ident().expect("BUG: matched by name").clone();
            if let Some(first) = &metas.repetition {
                return Err(syn::Error::new(name.span(), format!("a resource takes one of `count` and `for_each`, and this one has `{}` already", first.name)));
            }
            let repeats = if name == "count" { Repeats::Count } else { Repeats::ForEach };
            let value = attr.parse_args_with(parse_value)?;
            metas.repetition = Some(RepetitionMeta { repeats, value, name });
        }
        "lifecycle" => parse_lifecycle(attr, metas.lifecycle.get_or_insert_with(Lifecycle::default))?,
        "provisioner" => metas.provisioners.push(attr.parse_args_with(parse_provisioner)?),
        "connection" => {
            let span = attr.path().span();
            let body = attr.parse_args_with(parse_body)?;
            metas.connection = Some(ConnectionMeta { body: Box::new(body), span });
        }
        "suppress" => {
            // `attr.span()` covers only `#` on stable; the name reads better.
            let span = attr.path().span();
            metas.suppress.push(attr.parse_args_with(|input: ParseStream| parse_suppress_args(input, span))?);
        }
        "override_" | "override_unchecked" => {
            let unchecked = name == "override_unchecked";
            metas.overrides.push(attr.parse_args_with(|input: ParseStream| {
                let path: LitStr = input.parse().map_err(|e| syn::Error::new(e.span(), format!("expected the path as a string, as in `#[{name}(\"lifecycle.prevent_destroy\", true)]`")))?;
                input.parse::<Token![,]>().map_err(|e| syn::Error::new(e.span(), "expected `,` and the value after the path"))?;
                let value = parse_value(input)?;
                Ok(OverrideMeta { path, value: Some(value), unchecked })
            })?);
        }
        "override_remove" => {
            let path: LitStr = attr.parse_args().map_err(|e| syn::Error::new(e.span(), "expected the path as a string, as in `#[override_remove(\"description\")]`"))?;
            metas.overrides.push(OverrideMeta { path, value: None, unchecked: false });
        }
        _ => {
            return Err(syn::Error::new(
                attr.path().span(),
                format!(
                    "unknown meta-argument `#[{name}]`\nhelp: accepted: `#[count(n)]`, `#[for_each(collection)]`, `#[depends_on(a, b)]`, `#[lifecycle(prevent_destroy)]`, `#[provisioner(local_exec {{ command: \"...\" }})]`, `#[connection(host: ...)]`, `#[provider(alias)]`, `#[suppress(\"TAP-XXX-000\", reason = \"...\")]`, `#[override_(\"path\", value)]`, `#[override_unchecked(\"path\", value)]`, `#[override_remove(\"path\")]`"
                ),
            ))
        }
    }
    Ok(())
}

/// The settings of one `#[lifecycle(...)]`, added to what earlier ones set.
fn parse_lifecycle(attr: &syn::Attribute, lifecycle: &mut Lifecycle) -> syn::Result<()> {
    attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("prevent_destroy") {
            lifecycle.prevent_destroy = true;
        } else if meta.path.is_ident("create_before_destroy") {
            lifecycle.create_before_destroy = true;
        } else if meta.path.is_ident("ignore_changes") {
            let value = meta.value()?;
            if value.peek(Ident) && !value.peek2(Token![.]) && !value.peek2(syn::token::Bracket) {
                let all: Ident = value.parse()?;
                if all != "all" {
                    return Err(syn::Error::new(all.span(), "expected `ignore_changes = all` or a list of attribute paths, as in `ignore_changes = [tags[\"Owner\"]]`"));
                }
                lifecycle.ignore_all = Some(all.span());
                return Ok(());
            }
            let content;
            bracketed!(content in value);
            while !content.is_empty() {
                lifecycle.ignore_changes.push(parse_ignore_path(&content)?);
                if !content.is_empty() {
                    content.parse::<Token![,]>()?;
                }
            }
        } else if meta.path.is_ident("replace_triggered_by") {
            let content;
            let value = meta.value()?;
            bracketed!(content in value);
            lifecycle.replace_triggered_by.extend(parse_comma_separated(&content)?);
        } else if meta.path.is_ident("precondition") || meta.path.is_ident("postcondition") {
            let span = meta.path.span();
            let (mut condition, mut error_message) = (None, None);
            meta.parse_nested_meta(|inner| {
                if inner.path.is_ident("condition") {
                    condition = Some(parse_value(inner.value()?)?);
                } else if inner.path.is_ident("error_message") {
                    error_message = Some(inner.value()?.parse::<LitStr>()?);
                } else {
                    return Err(inner.error("expected `condition = ...` or `error_message = \"...\"`"));
                }
                Ok(())
            })?;
            let (Some(condition), Some(error_message)) = (condition, error_message) else {
                return Err(syn::Error::new(span, "a condition needs `condition = ...` and `error_message = \"...\"`"));
            };
            let c = ConditionMeta { condition, error_message, span };
            if meta.path.is_ident("precondition") {
                lifecycle.preconditions.push(c);
            } else {
                lifecycle.postconditions.push(c);
            }
        } else {
            return Err(meta.error(
                "unknown lifecycle setting; accepted: `prevent_destroy`, `create_before_destroy`, `ignore_changes = [paths]` or `ignore_changes = all`, `replace_triggered_by = [handle.attribute]`, `precondition(condition = ..., error_message = \"...\")`, `postcondition(...)`",
            ));
        }
        Ok(())
    })
}

/// `tags`, `tags["Owner"]`, `ingress[0].cidr_blocks`: names, literal
/// indexes and string keys only, as Terraform takes them.
fn parse_ignore_path(input: ParseStream) -> syn::Result<IgnorePath> {
    use tap_core::path::Step;
    let first = Ident::parse_any(input)?;
    let (start, mut end) = (first.span(), first.span());
    let mut steps = vec![Step::Attr(name_of(&first))];
    loop {
        if input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            let name = Ident::parse_any(input)?;
            end = name.span();
            steps.push(Step::Attr(name_of(&name)));
        } else if input.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            end = bracket.span.close();
            if content.peek(LitStr) {
                steps.push(Step::Key(content.parse::<LitStr>()?.value()));
            } else if content.peek(syn::LitInt) {
                steps.push(Step::Index(content.parse::<syn::LitInt>()?.base10_parse()?));
            } else {
                return Err(content.error("an `ignore_changes` path takes a literal index (`[0]`) or key (`[\"Owner\"]`)"));
            }
            if !content.is_empty() {
                return Err(content.error("expected `]`"));
            }
        } else {
            break;
        }
    }
    Ok(IgnorePath { steps, span: start.join(end).unwrap_or(start) })
}

/// `local_exec { command: "..." }`: the kind, then its body.
fn parse_provisioner(input: ParseStream) -> syn::Result<ProvisionerMeta> {
    let kind = Ident::parse_any(input)?;
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!("expected the provisioner's arguments `{{ ... }}`, as in `#[provisioner({kind} {{ ... }})]`")));
    }
    let content;
    braced!(content in input);
    let body = parse_body(&content)?;
    if !input.is_empty() {
        return Err(input.error("unexpected tokens after the provisioner's arguments"));
    }
    Ok(ProvisionerMeta { kind, body })
}

/// `"TAP-LMB-001", reason = "..."`, optionally with `finding = "path"`.
pub fn parse_suppress_args(input: ParseStream, span: Span) -> syn::Result<Suppress> {
    let rule: LitStr = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), "expected the rule ID as a string, as in `suppress(\"TAP-LMB-001\", reason = \"...\")`"))?;
    let mut reason = None;
    let mut finding = None;
    while input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key = Ident::parse_any(input)?;
        let slot = match key.to_string().as_str() {
            "reason" => &mut reason,
            "finding" => &mut finding,
            _ => return Err(syn::Error::new(key.span(), "expected `reason = \"...\"` or `finding = \"attribute path\"`")),
        };
        if slot.is_some() {
            return Err(syn::Error::new(key.span(), format!("`{key}` is given twice")));
        }
        input.parse::<Token![=]>()?;
        *slot = Some(input.parse::<LitStr>()?);
    }
    if !input.is_empty() {
        return Err(input.error("expected `,` and `reason = \"...\"`"));
    }
    Ok(Suppress { rule, reason, finding, span })
}

/// Is the next token the end of a value?
fn at_value_end(input: ParseStream) -> bool {
    input.is_empty() || input.peek(Token![,])
}

/// One value: a literal, a list, a map, one of the DSL's forms (`null`,
/// `concat!`, `tf::`), a reference, or else any Rust expression. Each
/// step tries its own shape and leaves the input untouched when it does
/// not match.
pub(crate) fn parse_value(input: ParseStream) -> syn::Result<ValueExpr> {
    if let Some(literal) = parse_literal(input)? {
        return Ok(literal);
    }
    if input.peek(syn::token::Bracket) {
        return parse_list(input);
    }
    if input.peek(syn::token::Brace) {
        return parse_map(input);
    }
    if input.peek(Ident::peek_any) {
        if let Some(form) = parse_form(input)? {
            return Ok(form);
        }
        if let Some(reference) = try_reference(input)? {
            return Ok(reference);
        }
    }
    let expr: Expr = input.parse()?;
    if !at_value_end(input) {
        return Err(input.error("expected `,` after the value"));
    }
    lower(expr)
}

/// A Rust expression as the DSL reads it: operators, `if`/`else` and
/// `for` over DSL values become Terraform expressions (their operands are
/// read as values again); anything else stays a Rust expression. Whether
/// an operator is Terraform's or Rust's is decided once its operands are
/// resolved: one Terraform operand makes it Terraform's.
fn lower(expr: Expr) -> syn::Result<ValueExpr> {
    use tap_core::value::{BinaryOp as B, UnaryOp as U};
    let operand = |e: &Expr| syn::parse::Parser::parse2(parse_value, quote::ToTokens::to_token_stream(e)).map(Box::new);
    match &expr {
        Expr::Paren(p) => return syn::parse::Parser::parse2(parse_value, quote::ToTokens::to_token_stream(&p.expr)),
        Expr::Binary(b) => {
            let op = match b.op {
                syn::BinOp::Add(_) => B::Add,
                syn::BinOp::Sub(_) => B::Sub,
                syn::BinOp::Mul(_) => B::Mul,
                syn::BinOp::Div(_) => B::Div,
                syn::BinOp::Rem(_) => B::Rem,
                syn::BinOp::Eq(_) => B::Eq,
                syn::BinOp::Ne(_) => B::Ne,
                syn::BinOp::Lt(_) => B::Lt,
                syn::BinOp::Le(_) => B::Le,
                syn::BinOp::Gt(_) => B::Gt,
                syn::BinOp::Ge(_) => B::Ge,
                syn::BinOp::And(_) => B::And,
                syn::BinOp::Or(_) => B::Or,
                _ => return Ok(ValueExpr::Rust(expr)),
            };
            let (left, right) = (operand(&b.left)?, operand(&b.right)?);
            return Ok(ValueExpr::Binary { op, left, right, rust: expr });
        }
        Expr::Unary(u) => {
            let op = match u.op {
                syn::UnOp::Not(_) => U::Not,
                syn::UnOp::Neg(_) => U::Neg,
                _ => return Ok(ValueExpr::Rust(expr)),
            };
            let operand = operand(&u.expr)?;
            return Ok(ValueExpr::Unary { op, operand, rust: expr });
        }
        Expr::If(i) => {
            let (Some(then), Some((_, otherwise))) = (single_expr(&i.then_branch), &i.else_branch) else { return Ok(ValueExpr::Rust(expr)) };
            let otherwise = match &**otherwise {
                Expr::Block(b) => match single_expr(&b.block) {
                    Some(e) => e,
                    None => return Ok(ValueExpr::Rust(expr)),
                },
                other => other,
            };
            let (condition, then, otherwise) = (operand(&i.cond)?, operand(then)?, operand(otherwise)?);
            return Ok(ValueExpr::Conditional { condition, then, otherwise, rust: expr });
        }
        Expr::ForLoop(f) => return for_expression(f).map(|f| ValueExpr::For(Box::new(f))),
        _ => {}
    }
    Ok(ValueExpr::Rust(expr))
}

/// A Rust expression read as a value, as if written where a value goes:
/// an index or a collection written inside other syntax.
pub fn value_of_expr(expr: &Expr) -> syn::Result<ValueExpr> {
    syn::parse::Parser::parse2(parse_value, quote::ToTokens::to_token_stream(expr))
}

/// The one expression a block holds: `{ x }`.
fn single_expr(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.as_slice() {
        [syn::Stmt::Expr(e, None)] => Some(e),
        _ => None,
    }
}

/// `for v in xs { out }` as Terraform's `[for v in xs : out]`;
/// `for (k, v) in m { (key, out) }` as `{for k, v in m : key => out}`;
/// `if c { ... }` around the body keeps only the elements where `c` holds.
fn for_expression(f: &syn::ExprForLoop) -> syn::Result<ForExpr> {
    use syn::spanned::Spanned;
    let name = |p: &Pat| match p {
        Pat::Ident(i) if i.by_ref.is_none() && i.subpat.is_none() => Ok(i.ident.clone()),
        other => Err(syn::Error::new(other.span(), "a `for` expression binds a name, or two as `(key, value)`")),
    };
    let (key, value) = match &*f.pat {
        Pat::Tuple(t) if t.elems.len() == 2 => (Some(name(&t.elems[0])?), name(&t.elems[1])?),
        other => (None, name(other)?),
    };
    let shape_help = "a `for` expression's body is one value `{ out }`, a pair `{ (key, out) }` for a map, or either inside `{ if condition { ... } }`";
    let body = single_expr(&f.body).ok_or_else(|| syn::Error::new(f.body.span(), shape_help))?;
    let (condition, body) = match body {
        Expr::If(i) if i.else_branch.is_none() => (Some(&*i.cond), single_expr(&i.then_branch).ok_or_else(|| syn::Error::new(i.span(), shape_help))?),
        other => (None, other),
    };
    let value_of = |e: &Expr| syn::parse::Parser::parse2(parse_value, quote::ToTokens::to_token_stream(e));
    let (key_out, out) = match body {
        Expr::Tuple(t) if t.elems.len() == 2 => (Some(value_of(&t.elems[0])?), value_of(&t.elems[1])?),
        other => (None, value_of(other)?),
    };
    Ok(ForExpr {
        key,
        value,
        collection: value_of(&f.expr)?,
        key_out,
        out,
        condition: condition.map(value_of).transpose()?,
        span: f.for_token.span.join(f.body.span()).unwrap_or(f.for_token.span),
    })
}

/// `"text"`, `3`, `-1.5`, `true`, standing alone as the value.
fn parse_literal(input: ParseStream) -> syn::Result<Option<ValueExpr>> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        if at_value_end(input) {
            return Ok(Some(ValueExpr::Str(lit)));
        }
        return Err(input.error("expected `,` after the string"));
    }
    if input.peek(syn::LitInt) && peek_literal_alone(input) {
        return Ok(Some(ValueExpr::Int(input.parse()?, false)));
    }
    if input.peek(syn::LitFloat) && peek_literal_alone(input) {
        return Ok(Some(ValueExpr::Float(input.parse()?, false)));
    }
    if input.peek(syn::LitBool) && peek_literal_alone(input) {
        return Ok(Some(ValueExpr::Bool(input.parse()?)));
    }
    if input.peek(Token![-]) && (input.peek2(syn::LitInt) || input.peek2(syn::LitFloat)) {
        let fork = input.fork();
        fork.parse::<Token![-]>()?;
        if fork.peek(syn::LitInt) {
            fork.parse::<syn::LitInt>()?;
        } else {
            fork.parse::<syn::LitFloat>()?;
        }
        if at_value_end(&fork) {
            input.parse::<Token![-]>()?;
            return Ok(Some(if input.peek(syn::LitInt) {
                ValueExpr::Int(input.parse()?, true)
            } else {
                ValueExpr::Float(input.parse()?, true)
            }));
        }
    }
    Ok(None)
}

/// `[a, b, c]`.
fn parse_list(input: ParseStream) -> syn::Result<ValueExpr> {
    let content;
    let bracket = bracketed!(content in input);
    let items = parse_comma_separated(&content)?;
    Ok(ValueExpr::List(items, bracket.span.join()))
}

/// `{ Name: v, "aws:SourceArn": w }`.
fn parse_map(input: ParseStream) -> syn::Result<ValueExpr> {
    let content;
    let brace = braced!(content in input);
    let mut entries = Vec::new();
    while !content.is_empty() {
        let key = if content.peek(LitStr) {
            let lit: LitStr = content.parse()?;
            MapKey { text: lit.value(), span: lit.span() }
        } else {
            let ident = Ident::parse_any(&content)?;
            MapKey { text: name_of(&ident), span: ident.span() }
        };
        content.parse::<Token![:]>().map_err(|e| syn::Error::new(e.span(), "expected `key: value` in a map"))?;
        let value = parse_value(&content)?;
        entries.push((key, value));
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    Ok(ValueExpr::Map(entries, brace.span.join()))
}

/// The DSL's own forms: `null`, `concat!(...)`, `tf::function(...)`.
fn parse_form(input: ParseStream) -> syn::Result<Option<ValueExpr>> {
    let fork = input.fork();
    let ident = Ident::parse_any(&fork)?;
    if ident == "null" && at_value_end(&fork) {
        input.parse::<Ident>()?;
        return Ok(Some(ValueExpr::Null(ident.span())));
    }
    if ident == "concat" && fork.peek(Token![!]) {
        fork.parse::<Token![!]>()?;
        if fork.peek(syn::token::Paren) {
            let content;
            parenthesized!(content in fork);
            let parts = parse_comma_separated(&content)?;
            if at_value_end(&fork) {
                syn::parse::discouraged::Speculative::advance_to(input, &fork);
                return Ok(Some(ValueExpr::Concat(parts, ident.span())));
            }
        }
    }
    if ident == "tf" && fork.peek(Token![::]) {
        fork.parse::<Token![::]>()?;
        let mut function: Ident = fork.parse()?;
        // `tf::provider::aws::arn_parse(...)`: a provider-defined function.
        let mut provider = None;
        if function == "provider" && fork.peek(Token![::]) {
            fork.parse::<Token![::]>()?;
            provider = Some(fork.parse::<Ident>()?);
            fork.parse::<Token![::]>()?;
            function = fork.parse()?;
        }
        let content;
        parenthesized!(content in fork);
        let args = parse_comma_separated(&content)?;
        let span = ident.span().join(function.span()).unwrap_or(function.span());
        syn::parse::discouraged::Speculative::advance_to(input, &fork);
        return Ok(Some(ValueExpr::Call { provider, function, args, span }));
    }
    Ok(None)
}

/// Values separated by commas, to the end of a delimited group.
fn parse_comma_separated(content: ParseStream) -> syn::Result<Vec<ValueExpr>> {
    let mut items = Vec::new();
    while !content.is_empty() {
        items.push(parse_value(content)?);
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    Ok(items)
}

/// A literal is a DSL literal only when nothing follows it (`1 + x` is Rust).
fn peek_literal_alone(input: ParseStream) -> bool {
    let fork = input.fork();
    fork.parse::<syn::Lit>().is_ok() && at_value_end(&fork)
}

/// `binding.attr[0]["k"]` or `bindings[*].attr`, ending at a value boundary.
/// Whether `binding` is a resource handle is decided by `resolve`; if it is
/// not, the same tokens are used as a Rust expression.
fn try_reference(input: ParseStream) -> syn::Result<Option<ValueExpr>> {
    let fork = input.fork();
    let binding = Ident::parse_any(&fork)?;
    let start = binding.span();
    if fork.peek(syn::token::Bracket) {
        let peek_content;
        let inner = fork.fork();
        bracketed!(peek_content in inner);
        if peek_content.peek(Token![*]) {
            let content;
            bracketed!(content in fork);
            content.parse::<Token![*]>()?;
            if !content.is_empty() || !fork.peek(Token![.]) {
                return Ok(None);
            }
            fork.parse::<Token![.]>()?;
            let attr = Ident::parse_any(&fork)?;
            if !at_value_end(&fork) {
                return Err(fork.error("a splat `handles[*].attribute` must stand alone as a value"));
            }
            let span = start.join(attr.span()).unwrap_or(start);
            syn::parse::discouraged::Speculative::advance_to(input, &fork);
            return Ok(Some(ValueExpr::Splat { binding, attr, span }));
        }
    }
    let mut steps = Vec::new();
    let mut end = start;
    loop {
        if fork.peek(Token![.]) && !fork.peek(Token![..]) {
            fork.parse::<Token![.]>()?;
            if !fork.peek(Ident::peek_any) {
                return Ok(None);
            }
            let attr = Ident::parse_any(&fork)?;
            end = attr.span();
            steps.push(RefStep::Attr(attr));
        } else if fork.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in fork);
            end = bracket.span.close();
            if content.peek(LitStr) {
                let key: LitStr = content.parse()?;
                if !content.is_empty() {
                    return Ok(None);
                }
                steps.push(RefStep::Key(key));
            } else if content.peek(Token![*]) && !steps.is_empty() {
                let star: Token![*] = content.parse()?;
                if !content.is_empty() {
                    return Ok(None);
                }
                steps.push(RefStep::Each(star.span));
            } else {
                let Ok(index) = content.parse::<Expr>() else { return Ok(None) };
                if !content.is_empty() {
                    return Ok(None);
                }
                steps.push(RefStep::Index(index));
            }
        } else {
            break;
        }
    }
    // `handle.attr...`, `handles[i].attr...` (one handle of a collection,
    // or one instance of a resource with `count`), `handle["key"].attr...`
    // (one instance of a resource with `for_each`).
    let shape_ok = matches!((steps.first(), steps.get(1)), (Some(RefStep::Attr(_)), _) | (Some(RefStep::Index(_) | RefStep::Key(_)), Some(RefStep::Attr(_))));
    if !shape_ok || !at_value_end(&fork) {
        return Ok(None);
    }
    let span = start.join(end).unwrap_or(start);
    syn::parse::discouraged::Speculative::advance_to(input, &fork);
    Ok(Some(ValueExpr::Ref { binding, steps, span }))
}

/// Parses the inside of `provider!(...)`: `name { ... }` or `name.alias { ... }`.
pub fn provider(tokens: TokenStream) -> syn::Result<ProviderInvocation> {
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let name = Ident::parse_any(input)?;
            let alias = if input.peek(Token![.]) {
                input.parse::<Token![.]>()?;
                Some(Ident::parse_any(input)?)
            } else {
                None
            };
            if !input.peek(syn::token::Brace) {
                return Err(input.error(format!("expected the configuration `{{ ... }}` after the provider name, as in `provider!({name} {{ ... }})`")));
            }
            let content;
            braced!(content in input);
            let body = parse_body(&content)?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens after the provider configuration"));
            }
            Ok(ProviderInvocation { name, alias, body })
        },
        tokens,
    )
}

/// Parses the inside of `variable!(...)`: `name: type { settings }`,
/// where the type and the settings may each be left out.
pub fn variable(tokens: TokenStream) -> syn::Result<VariableInvocation> {
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let name = Ident::parse_any(input)?;
            let ty = if input.peek(Token![:]) {
                input.parse::<Token![:]>()?;
                let ident = Ident::parse_any(input)?;
                let mut text = ident.to_string();
                let mut span = ident.span();
                if input.peek(syn::token::Paren) {
                    let group: proc_macro2::Group = input.parse()?;
                    span = span.join(group.span()).unwrap_or(span);
                    text.push_str(&group.to_string());
                }
                Some((text, span))
            } else {
                None
            };
            let body = if input.peek(syn::token::Brace) {
                let content;
                braced!(content in input);
                parse_body(&content)?
            } else {
                Body::default()
            };
            if !input.is_empty() {
                return Err(input.error("expected `variable!(name: type { ... })`"));
            }
            Ok(VariableInvocation { name, ty, body })
        },
        tokens,
    )
}

/// Parses the inside of `local!(...)`: `name = value`.
pub fn local(tokens: TokenStream) -> syn::Result<LocalInvocation> {
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let name = Ident::parse_any(input)?;
            input.parse::<Token![=]>().map_err(|e| syn::Error::new(e.span(), "expected `local!(name = value)`"))?;
            let value = parse_value(input)?;
            if !input.is_empty() {
                return Err(input.error("expected `local!(name = value)`"));
            }
            Ok(LocalInvocation { name, value })
        },
        tokens,
    )
}

/// Parses the inside of `backend!(...)`: `name { ... }`.
pub fn backend(tokens: TokenStream) -> syn::Result<BackendInvocation> {
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let name = Ident::parse_any(input)?;
            if !input.peek(syn::token::Brace) {
                // On the name: at the end of the input, syn's own span would be the whole `#[stack]`.
                return Err(syn::Error::new(name.span(), format!("expected the arguments `{{ ... }}` after the backend name, as in `backend!({name} {{ ... }})`")));
            }
            let content;
            braced!(content in input);
            let body = parse_body(&content)?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens after the backend's arguments"));
            }
            Ok(BackendInvocation { name, body })
        },
        tokens,
    )
}

/// Parses the inside of `output!(...)`.
pub fn output(tokens: TokenStream) -> syn::Result<OutputInvocation> {
    syn::parse::Parser::parse2(
        |input: ParseStream| {
            let name = Ident::parse_any(input)?;
            let content;
            braced!(content in input);
            let mut out = OutputInvocation { name, value: None, description: None, sensitive: false };
            while !content.is_empty() {
                let key = Ident::parse_any(&content)?;
                content.parse::<Token![:]>()?;
                match key.to_string().as_str() {
                    "value" => out.value = Some(parse_value(&content)?),
                    "description" => out.description = Some(content.parse()?),
                    "sensitive" => out.sensitive = content.parse::<syn::LitBool>()?.value,
                    other => {
                        return Err(syn::Error::new(
                            key.span(),
                            format!("unknown output setting `{other}`; accepted: `value`, `description`, `sensitive`"),
                        ))
                    }
                }
                if !content.is_empty() {
                    content.parse::<Token![,]>()?;
                }
            }
            Ok(out)
        },
        tokens,
    )
}

/// Arguments of `#[stack(...)]`.
pub struct StackArgs {
    pub name: Option<Expr>,
    pub packs: Vec<LitStr>,
    pub suppressions: Vec<Suppress>,
    /// `policy = "path"`: the organisation policy file, instead of `tap.toml`'s.
    pub policy: Option<LitStr>,
}

impl Parse for StackArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = StackArgs { name: None, packs: Vec::new(), suppressions: Vec::new(), policy: None };
        while !input.is_empty() {
            let key = Ident::parse_any(input)?;
            match key.to_string().as_str() {
                "name" => {
                    input.parse::<Token![=]>()?;
                    args.name = Some(input.parse()?);
                }
                "packs" => {
                    input.parse::<Token![=]>()?;
                    let content;
                    bracketed!(content in input);
                    args.packs = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?.into_iter().collect();
                }
                "suppress" => {
                    let content;
                    parenthesized!(content in input);
                    let span = key.span();
                    args.suppressions.push(parse_suppress_args(&content, span)?);
                }
                "policy" => {
                    input.parse::<Token![=]>()?;
                    args.policy = Some(input.parse()?);
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown stack setting `{other}`; accepted: `name = ...`, `packs = [\"security\"]`, `suppress(\"TAP-XXX-000\", reason = \"...\")`, `policy = \"policy.toml\"`"),
                    ))
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// Arguments of `#[component(...)]`: only `policy = "path"`.
pub struct ComponentArgs {
    pub policy: Option<LitStr>,
}

impl Parse for ComponentArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = ComponentArgs { policy: None };
        while !input.is_empty() {
            let key = Ident::parse_any(input)?;
            if key != "policy" {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown component setting `{key}`; accepted: `policy = \"policy.toml\"`\nhelp: suppress a rule on the resource, or on the instance where the component is called"),
                ));
            }
            input.parse::<Token![=]>()?;
            args.policy = Some(input.parse()?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// Re-reads a reference's tokens as a Rust expression (for `self.env` and
/// other field accesses that are not resource handles).
pub fn reference_as_expr(binding: &Ident, steps: &[RefStep]) -> syn::Result<Expr> {
    use quote::quote;
    let steps = steps.iter().map(|s| match s {
        RefStep::Attr(a) => quote!(.#a),
        RefStep::Index(e) => quote!([#e]),
        RefStep::Key(k) => quote!([#k]),
        // Resolution rejects a splat on such a root before this.
        RefStep::Each(_) => quote!([..]),
    });
    syn::parse2(quote!(#binding #(#steps)*))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn value_of(tokens: proc_macro2::TokenStream) -> ValueExpr {
        value_of_result(tokens).unwrap()
    }

    fn value_of_result(tokens: proc_macro2::TokenStream) -> syn::Result<ValueExpr> {
        let inv = invocation(Mode::Managed, quote!(aws_vpc.main { x: #tokens }))?;
        match inv.body.entries.into_iter().next().unwrap() {
            Entry::Attr { value, .. } => Ok(value),
            Entry::Block { .. } | Entry::Dynamic { .. } => panic!("expected an attribute"),
        }
    }

    #[test]
    fn literals_lists_maps_and_negative_numbers() {
        assert!(matches!(value_of(quote!("a")), ValueExpr::Str(_)));
        assert!(matches!(value_of(quote!(-3)), ValueExpr::Int(ref l, neg) if neg || l.base10_digits().starts_with("-")));
        assert!(matches!(value_of(quote!([1, "a", true])), ValueExpr::List(items, _) if items.len() == 3));
        assert!(matches!(value_of(quote!({ Name: "x", "aws:SourceArn": y.arn })), ValueExpr::Map(e, _) if e[1].0.text == "aws:SourceArn"));
        assert!(matches!(value_of(quote!(null)), ValueExpr::Null(_)));
    }

    #[test]
    fn references_splats_calls_and_templates() {
        assert!(matches!(value_of(quote!(vpc.id)), ValueExpr::Ref { steps, .. } if steps.len() == 1));
        assert!(matches!(value_of(quote!(azs.names[i])), ValueExpr::Ref { steps, .. } if steps.len() == 2));
        assert!(matches!(value_of(quote!(subnets[*].id)), ValueExpr::Splat { .. }));
        assert!(matches!(value_of(quote!(nats[k].id)), ValueExpr::Ref { steps, .. } if matches!(steps[0], RefStep::Index(_))));
        assert!(matches!(value_of(quote!(tf::jsonencode({ a: 1 }))), ValueExpr::Call { provider: None, args, .. } if args.len() == 1));
        let provider_call = value_of(quote!(tf::provider::aws::arn_parse(role.arn)));
        assert!(matches!(&provider_call, ValueExpr::Call { provider: Some(p), function, args, .. } if p == "aws" && function == "arn_parse" && args.len() == 1));
        assert!(matches!(value_of(quote!(concat!("a", b.arn, "/*"))), ValueExpr::Concat(parts, _) if parts.len() == 3));
    }

    #[test]
    fn other_expressions_are_rust() {
        assert!(matches!(value_of(quote!(format!("x-{}", self.env))), ValueExpr::Rust(_)));
        assert!(matches!(value_of(quote!(self.cfg.name.clone())), ValueExpr::Rust(_)));
        assert!(matches!(value_of(quote!(i as i64)), ValueExpr::Rust(_)));
    }

    #[test]
    fn operators_conditionals_and_for_are_read_as_values() {
        // Whether `1 + n` is Terraform's or Rust's is decided when `n` is resolved.
        assert!(matches!(value_of(quote!(1 + n)), ValueExpr::Binary { left, right, .. } if matches!(*left, ValueExpr::Int(..)) && matches!(*right, ValueExpr::Rust(_))));
        assert!(matches!(value_of(quote!(if var.on { 1 } else { 0 })), ValueExpr::Conditional { condition, .. } if matches!(*condition, ValueExpr::Ref { .. })));
        assert!(matches!(value_of(quote!(!(var.a && var.b))), ValueExpr::Unary { operand, .. } if matches!(*operand, ValueExpr::Binary { .. })));
        let ValueExpr::For(f) = value_of(quote!(for (k, s) in var.subnets { if s.public { (k, s.cidr) } })) else { panic!("a for expression") };
        assert!(f.key.is_some() && f.key_out.is_some() && f.condition.is_some());
        assert!(matches!(value_of(quote!(var.admins[*].name)), ValueExpr::Ref { steps, .. } if matches!(steps[1], RefStep::Each(_))));
        assert!(value_of_result(quote!(for x in xs { let y = 1; y })).is_err());
    }

    #[test]
    fn blocks_metas_and_indexed_names() {
        let inv = invocation(
            Mode::Managed,
            quote!(aws_subnet.private[i] {
                #[depends_on(a, b)]
                #[suppress("TAP-EC2-002", reason = "a public subnet for the load balancer")]
                vpc_id: v.id,
                tags: { Name: "x" },
                timeouts { create: "5m" }
            }),
        )
        .unwrap();
        assert_eq!(inv.static_name(), "private[*]");
        assert_eq!((inv.body.metas.depends_on.len(), inv.body.metas.suppress.len()), (2, 1));
        assert_eq!(inv.body.entries.len(), 3);
        assert!(matches!(inv.body.entries[2], Entry::Block { .. }));
    }

    #[test]
    fn malformed_syntax_is_an_error() {
        assert!(invocation(Mode::Managed, quote!(aws_vpc main {})).is_err());
        assert!(invocation(Mode::Managed, quote!(aws_vpc.main { a "x" })).is_err());
        assert!(invocation(Mode::Managed, quote!(aws_vpc.main { #[bogus] a: 1 })).is_err());
    }
}
