//! References whose root the macro cannot see: `orders.arn` where `orders`
//! was returned by a function, `network.vpc.id` through a struct field,
//! `subnets[0].id` through a `Vec`, `key.arn` bound by `if let Some(key)`.
//!
//! Phase: expand. The macro has no binding for the root, so the check is
//! rustc's: a `Handle<T>` dereferences to `T`'s shape, whose fields are
//! `T`'s attributes (`tap_core::graph::shape`), so the path as written
//! type-checks only if it names them. The generated code walks the path's
//! prefixes, finds by type the first one that is a handle (autoref
//! specialization on `tap::__private::probe`), and makes the rest of the
//! path that handle's reference. A path with no handle on it is a plain
//! Rust value, converted as any other expression is.
//!
//! It adds no check of its own: whatever is wrong is rustc's error on the
//! user's token.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use crate::model::RefStep;
use crate::parse;

/// The value of `root.steps...` for a root the macro has no binding for.
pub fn unknown_root(root: &Ident, steps: &[RefStep], span: Span) -> TokenStream {
    let expr = parse::reference_as_expr(root, steps).expect("BUG: reference tokens re-parse as an expression");
    // A clone: the branch that finds a handle may run instead, and it only
    // borrows the path (a struct of `Var`s stays usable after `var.x`).
    let as_rust_value = quote_spanned!(span=> ::tap::__private::value_of(::core::clone::Clone::clone(&#expr)));
    let Some((last, before)) = steps.split_last() else { return as_rust_value };

    // Generated names are hygienic: the user's tokens cannot see them.
    let here = Span::mixed_site();
    let prefix = |k: usize| format_ident!("__tap_p{}", k, span = here);
    let index = |k: usize| format_ident!("__tap_i{}", k, span = here);
    let found = Ident::new("__tap_ref", here);

    // Each index expression is evaluated once, before the walk.
    let indexes = steps.iter().enumerate().filter_map(|(k, step)| {
        let RefStep::Index(e) = step else { return None };
        let name = index(k);
        Some(match e {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) if i.suffix().is_empty() => quote!(let #name: usize = #e;),
            _ => quote!(let #name = #e;),
        })
    });
    // How step `k` continues the reference once the handle is found.
    let continued = |k: usize, step: &RefStep| match step {
        RefStep::Attr(a) => {
            let a = crate::model::name_of(a);
            quote!(.attr(#a))
        }
        RefStep::Index(_) => {
            let i = index(k);
            quote!(.index((&::tap::__private::probe::IndexProbe(&#i)).step()))
        }
        RefStep::Key(key) => quote!(.key(#key)),
        // Resolution rejects a splat on a root it cannot see.
        RefStep::Each(_) => quote!(),
    };
    // How step `k` goes one value further along the path, in Rust: through
    // a struct's field, a collection's element, or a handle's shape. The
    // user's tokens keep their spans, so a wrong name is rustc's error there.
    let walked = |k: usize, step: &RefStep| {
        let from = prefix(k);
        match step {
            RefStep::Attr(a) => quote!(&(*#from).#a),
            RefStep::Index(_) => {
                let i = index(k);
                quote!(&(*#from)[#i])
            }
            RefStep::Key(key) => quote!(&(*#from)[#key]),
            RefStep::Each(_) => quote!(#from),
        }
    };

    let first = prefix(0);
    let mut walk = vec![quote! {
        let #first = &(#root);
        let #found = (&::tap::__private::probe::Probe(#first)).root();
    }];
    for (k, step) in before.iter().enumerate() {
        let (next, walked, continued) = (prefix(k + 1), walked(k, step), continued(k, step));
        walk.push(quote! {
            let #next = #walked;
            let #found = match #found {
                ::core::option::Option::Some(r) => ::core::option::Option::Some(r #continued),
                ::core::option::Option::None => (&::tap::__private::probe::Probe(#next)).root(),
            };
        });
    }
    let last = continued(before.len(), last);
    quote! {
        {
            #[allow(unused_imports)]
            use ::tap::__private::probe::{ViaInteger as _, ViaKey as _, ViaReferent as _, ViaRust as _};
            #(#indexes)*
            #(#walk)*
            match #found {
                ::core::option::Option::Some(r) => ::tap::__private::value::Value::Ref(r #last),
                ::core::option::Option::None => #as_rust_value,
            }
        }
    }
}
