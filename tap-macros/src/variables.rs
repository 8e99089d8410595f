//! `#[derive(Variables)]`: a Rust struct that declares a stack's input
//! variables, one per field.
//!
//! Phase: orchestration. Each field becomes a `variable!` (its type from
//! the field's Rust type or `#[variable(type = "...")]`, its description
//! from the doc comment, its settings from `#[variable(...)]`), and the
//! generated `declare` runs through the same driver as a stack, so a
//! field is resolved and checked exactly as a `variable!` is.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericArgument, PathArguments, Type};

/// The derive's output, or its errors.
pub fn derive(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(input.ident.span(), "`#[derive(Variables)]` goes on a struct with named fields, one per variable"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new(input.ident.span(), "`#[derive(Variables)]` needs named fields: each name is a variable's name"));
    };
    let name = &input.ident;
    let vis = &input.vis;
    let handles = format_ident!("{}Vars", name);
    let mut handle_fields = Vec::new();
    let mut declarations = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("BUG: named fields have names");
        let settings = Settings::of(field)?;
        let (ty_text, optional) = match &settings.ty {
            Some(text) => (text.value(), false),
            None => rust_type(&field.ty).ok_or_else(|| {
                syn::Error::new(field.ty.span(), "tap cannot tell this field's Terraform type; give it as `#[variable(type = \"object({ name: string })\")]`")
            })?,
        };
        // The handle's kind is the one `variable!` gives the type; a type that
        // does not parse is reported by `variable!` on the field.
        let kind = match tap_core::schema::TypeConstraint::parse(&ty_text) {
            Ok(ty) => crate::expand::kind_tokens(&ty),
            Err(_) => quote!(::tap::__private::graph::shape::Dynamic),
        };
        let description = doc_comment(&field.attrs).ok_or_else(|| {
            syn::Error::new(ident.span(), format!("variable `{ident}` has no description\nhelp: document the field with a `///` comment: Terraform shows it when it asks for a value"))
        })?;
        let ty_tokens: TokenStream = ty_text.parse().map_err(|_| syn::Error::new(field.ty.span(), format!("`{ty_text}` is not a type")))?;
        let mut body = settings.body;
        if optional && !settings.has_default {
            body.extend(quote!(default: null,));
        }
        handle_fields.push(quote!(#[doc = #description] pub #ident: ::tap::__private::graph::Var<#kind>));
        declarations.push(quote!(#ident: variable!(#ident: #ty_tokens { description: #description, #body })));
    }
    let doc = format!("The `var.*` references of [`{name}`]'s variables: `var.name` in a stack after `let var = stack.declare::<{name}>();`.");
    let declare = quote! {
        impl ::tap::__private::graph::Variables for #name {
            type Handles = #handles;
            fn declare(stack: &mut ::tap::__private::graph::Stack) -> #handles {
                #handles { #(#declarations),* }
            }
        }
    };
    let item: syn::ItemImpl = syn::parse2(declare)?;
    let expanded = crate::driver::variables_impl(item);
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #vis struct #handles { #(#handle_fields),* }
        #expanded
    })
}

/// `#[variable(...)]` on a field: the body of its `variable!`, and its type when given.
struct Settings {
    ty: Option<syn::LitStr>,
    body: TokenStream,
    has_default: bool,
}

impl Settings {
    fn of(field: &syn::Field) -> syn::Result<Settings> {
        let mut out = Settings { ty: None, body: TokenStream::new(), has_default: false };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("variable")) {
            attr.parse_nested_meta(|meta| {
                let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
                match key.as_str() {
                    "type" => out.ty = Some(meta.value()?.parse()?),
                    "sensitive" | "ephemeral" => {
                        let k = format_ident!("{}", key);
                        out.body.extend(quote!(#k: true,));
                    }
                    "nullable" => {
                        let v: syn::LitBool = meta.value()?.parse()?;
                        out.body.extend(quote!(nullable: #v,));
                    }
                    "default" => {
                        let v: syn::Expr = meta.value()?.parse()?;
                        out.has_default = true;
                        out.body.extend(quote!(default: #v,));
                    }
                    "validation" => {
                        let (mut condition, mut error) = (None, None);
                        meta.parse_nested_meta(|inner| {
                            if inner.path.is_ident("condition") {
                                condition = Some(inner.value()?.parse::<syn::Expr>()?);
                            } else if inner.path.is_ident("error_message") {
                                error = Some(inner.value()?.parse::<syn::LitStr>()?);
                            } else {
                                return Err(inner.error("a validation takes `condition = ...` and `error_message = \"...\"`"));
                            }
                            Ok(())
                        })?;
                        let (Some(c), Some(e)) = (condition, error) else { return Err(meta.error("a validation needs `condition = ...` and `error_message = \"...\"`")) };
                        out.body.extend(quote!(validation { condition: #c, error_message: #e }));
                    }
                    _ => return Err(meta.error("accepted: `type = \"...\"`, `default = ...`, `sensitive`, `ephemeral`, `nullable = false`, `validation(condition = ..., error_message = \"...\")`")),
                }
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// The `///` lines, joined.
fn doc_comment(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let text = lines.join(" ").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// A Rust type's Terraform type, and whether it is an `Option` (nullable,
/// `null` by default).
fn rust_type(ty: &Type) -> Option<(String, bool)> {
    let Type::Path(p) = ty else {
        return match ty {
            Type::Reference(r) if matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str")) => Some(("string".into(), false)),
            _ => None,
        };
    };
    let last = p.path.segments.last()?;
    let args: Vec<&Type> = match &last.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let inner = |t: &Type| rust_type(t).filter(|(_, optional)| !optional).map(|(text, _)| text);
    Some(match (last.ident.to_string().as_str(), args.as_slice()) {
        ("u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "f32" | "f64", []) => ("number".into(), false),
        ("String", []) => ("string".into(), false),
        ("bool", []) => ("bool".into(), false),
        ("Vec", [t]) => (format!("list({})", inner(t)?), false),
        ("BTreeSet" | "HashSet", [t]) => (format!("set({})", inner(t)?), false),
        ("BTreeMap" | "HashMap", [Type::Path(k), t]) if k.path.is_ident("String") => (format!("map({})", inner(t)?), false),
        ("Option", [t]) => (inner(t)?, true),
        _ => return None,
    })
}
