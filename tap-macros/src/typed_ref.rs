//! References whose root the macro cannot see: `orders.arn` where `orders`
//! was returned by a function, `network.vpc.id` through a struct field,
//! `subnets[0].id` through a `Vec`, `key.arn` bound by `if let Some(key)`.
//!
//! Phase: expand. The macro has no binding for the root, so the check is
//! left to rustc's type checker: the generated code navigates the Rust
//! value and lands on a handle's attribute through its type.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;
use syn::Ident;

use crate::model::RefStep;
use crate::parse;

/// The value of `root.steps...` for a root the macro has no binding for.
pub fn unknown_root(root: &Ident, steps: &[RefStep], span: Span) -> TokenStream {
    let expr = parse::reference_as_expr(root, steps).expect("BUG: reference tokens re-parse as an expression");
    quote_spanned!(span=> ::tap::__private::value_of(#expr))
}
