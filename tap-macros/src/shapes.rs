//! The marker types of `tap::types`, generated once from the embedded
//! provider schemas: one struct per resource type and (in `data`) per data
//! source, whose fields are the type's attributes and nested blocks. A
//! `Handle<T>` dereferences to `T`, so rustc checks every path through a
//! handle (`tap_core::graph::shape` says how).
//!
//! Phase: codegen for the `tap` crate only; no stack is checked here.
//! Structs with named fields, not unit structs: a unit struct is also a
//! value, and would turn a user's `let aws_vpc = ...` into a pattern.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

use tap_core::reference::Mode;
use tap_core::schema::{Attribute, Block, CtyType, NestingMode};

use crate::schema::embedded_providers;

/// `tap::types`: the markers, `data` with the data sources' markers, and
/// `nested` with the shapes of nested blocks and objects (hidden: only
/// rustc's messages name them).
pub fn marker_types() -> TokenStream {
    let mut nested = Vec::new();
    let mut markers = |mode: Mode| -> Vec<TokenStream> {
        let mut items = Vec::new();
        for provider in embedded_providers() {
            for type_name in provider.type_names(mode) {
                let Some(Ok(block)) = provider.block(mode, type_name) else { panic!("BUG: embedded type `{type_name}` has no usable schema") };
                let owner = match mode {
                    Mode::Managed => type_name.to_owned(),
                    Mode::Data => format!("data_{type_name}"),
                };
                let mut gen = ShapeGen { nested: &mut nested };
                let ident = format_ident!("{}", type_name);
                let doc = format!("`{type_name}` of `{}`: the type of its handles, whose fields are its attributes.", provider.source);
                let shape = gen.block_shape(&ident, &owner, block, quote!(#[doc = #doc]));
                let mode_tokens = match mode {
                    Mode::Managed => quote!(::tap_core::reference::Mode::Managed),
                    Mode::Data => quote!(::tap_core::reference::Mode::Data),
                };
                items.push(quote! {
                    #shape
                    impl ::tap_core::graph::ResourceType for #ident {
                        const TYPE_NAME: &'static str = #type_name;
                        const MODE: ::tap_core::reference::Mode = #mode_tokens;
                    }
                });
            }
        }
        items
    };
    let managed = markers(Mode::Managed);
    let data = markers(Mode::Data);
    quote! {
        #(#managed)*
        /// Data sources: `Handle<data::aws_caller_identity>`.
        pub mod data {
            #(#data)*
        }
        /// The shapes of nested blocks and object attributes.
        #[doc(hidden)]
        pub mod nested {
            #(#nested)*
        }
    }
}

/// Emits shape structs; nested ones go into `nested`.
struct ShapeGen<'a> {
    nested: &'a mut Vec<TokenStream>,
}

impl ShapeGen<'_> {
    /// A shape struct for a block: one field per attribute and nested block.
    fn block_shape(&mut self, ident: &Ident, owner: &str, block: &Block, attrs: TokenStream) -> TokenStream {
        let attributes: Vec<_> = block.attributes.iter().map(|(name, a)| (name, self.attribute_kind(owner, name, a))).collect();
        let blocks: Vec<_> = block
            .block_types
            .iter()
            .map(|(name, b)| {
                let inner = self.nested_shape(owner, name, |gen, ident, owner| gen.block_shape(ident, owner, &b.block, quote!()));
                let kind = match b.nesting_mode {
                    NestingMode::Single | NestingMode::Group => quote!(::tap_core::graph::shape::Object<#inner>),
                    NestingMode::List | NestingMode::Set => quote!(::tap_core::graph::shape::Blocks<#inner>),
                    NestingMode::Map => quote!(::tap_core::graph::shape::Map<::tap_core::graph::shape::Object<#inner>>),
                };
                (name, kind)
            })
            .collect();
        let fields: Vec<(Ident, TokenStream)> = attributes.into_iter().chain(blocks).filter_map(|(name, kind)| Some((field_ident(name)?, kind))).collect();
        struct_tokens(ident, &fields, attrs)
    }

    /// The shape of a nested block or object, emitted into `nested`; returns the path to it.
    fn nested_shape(&mut self, owner: &str, name: &str, emit: impl FnOnce(&mut Self, &Ident, &str) -> TokenStream) -> TokenStream {
        let owner = format!("{owner}__{name}");
        let ident = format_ident!("{}", owner);
        let shape = emit(self, &ident, &owner);
        self.nested.push(shape);
        // `__resource_types!` expands in `tap::types`, and nothing else invokes it.
        quote!(crate::types::nested::#ident)
    }

    fn attribute_kind(&mut self, owner: &str, name: &str, attribute: &Attribute) -> TokenStream {
        if let Some(nested) = &attribute.nested_type {
            let inner = self.nested_shape(owner, name, |gen, ident, owner| {
                let fields: Vec<(Ident, TokenStream)> =
                    nested.attributes.iter().filter_map(|(n, a)| Some((field_ident(n)?, gen.attribute_kind(owner, n, a)))).collect();
                struct_tokens(ident, &fields, quote!())
            });
            let object = quote!(::tap_core::graph::shape::Object<#inner>);
            return match nested.nesting_mode {
                NestingMode::Single | NestingMode::Group => object,
                NestingMode::List => quote!(::tap_core::graph::shape::List<#object>),
                NestingMode::Set => quote!(::tap_core::graph::shape::Set<#object>),
                NestingMode::Map => quote!(::tap_core::graph::shape::Map<#object>),
            };
        }
        match &attribute.ty {
            Some(ty) => self.cty_kind(owner, name, ty),
            None => quote!(::tap_core::graph::shape::Dynamic),
        }
    }

    fn cty_kind(&mut self, owner: &str, name: &str, ty: &CtyType) -> TokenStream {
        let shape = quote!(::tap_core::graph::shape);
        match ty {
            CtyType::String => quote!(#shape::Str),
            CtyType::Number => quote!(#shape::Number),
            CtyType::Bool => quote!(#shape::Bool),
            CtyType::Dynamic | CtyType::Tuple(_) => quote!(#shape::Dynamic),
            CtyType::List(e) => {
                let e = self.cty_kind(owner, name, e);
                quote!(#shape::List<#e>)
            }
            CtyType::Set(e) => {
                let e = self.cty_kind(owner, name, e);
                quote!(#shape::Set<#e>)
            }
            CtyType::Map(e) => {
                let e = self.cty_kind(owner, name, e);
                quote!(#shape::Map<#e>)
            }
            CtyType::Object(fields) => {
                let inner = self.nested_shape(owner, name, |gen, ident, owner| {
                    let fields: Vec<(Ident, TokenStream)> = fields.iter().filter_map(|(n, t)| Some((field_ident(n)?, gen.cty_kind(owner, n, t)))).collect();
                    struct_tokens(ident, &fields, quote!())
                });
                quote!(#shape::Object<#inner>)
            }
        }
    }
}

/// A shape struct and its one value.
fn struct_tokens(ident: &Ident, fields: &[(Ident, TokenStream)], attrs: TokenStream) -> TokenStream {
    let decls = fields.iter().map(|(n, kind)| quote!(pub #n: ::tap_core::graph::shape::Attribute<#kind>));
    quote! {
        #attrs
        pub struct #ident { #(#decls),* }
        // SAFETY: zero-sized, and made of `Attribute` fields only.
        unsafe impl ::tap_core::graph::shape::Shape for #ident {}
    }
}

/// The field for a Terraform name: raw for a Rust keyword (`r#type`);
/// none for a name no Rust field can have (`self`), which is then only
/// reachable through a handle the macro sees, or `handle.attr("self")`.
fn field_ident(name: &str) -> Option<Ident> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid || matches!(name, "self" | "Self" | "super" | "crate" | "_") {
        return None;
    }
    Some(match syn::parse_str::<Ident>(name) {
        Ok(_) => Ident::new(name, Span::call_site()),
        Err(_) => Ident::new_raw(name, Span::call_site()),
    })
}
