//! tap-macros: `#[stack]` and the `resource!`, `data!` and `output!` forms
//! inside it, checked at compile time against the provider schema and
//! tap's security rules.
//!
//! This crate holds entry points only; parsing, checking and code
//! generation live in their modules, and the checks themselves in
//! `tap_core` so synthesis runs the same ones. Internal: no semver
//! promise for anything but the macros' surface.
//!
//! ```
//! use tap_core::prelude::*;
//! use tap_macros::stack;
//!
//! pub struct Network { pub cidr: String }
//!
//! #[stack(name = "network")]
//! impl Network {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let vpc = resource!(aws_vpc.main {
//!             cidr_block: self.cidr.clone(),
//!             enable_dns_support: true,
//!         });
//!         output!(vpc_id { value: vpc.id, description: "the VPC's id" });
//!     }
//! }
//!
//! let stack = Network { cidr: "10.0.0.0/16".into() }.build();
//! let out = tap_core::synth::synthesize(&stack).unwrap();
//! assert!(String::from_utf8_lossy(&out.files["cdk.tf.json"]).contains("${aws_vpc.main.id}"));
//! ```

mod check;
mod diag;
mod expand;
#[cfg(test)]
mod every_type;
mod model;
mod parse;
mod schema;
mod scope;

use proc_macro::TokenStream;

/// Marks the `impl` of a stack's configuration type. Its `fn define(&self,
/// stack: &mut Stack)` declares the stack with `resource!`, `data!` and
/// `output!`. Settings: `name = expr`, `packs = ["security", "serverless"]`,
/// `suppress("TAP-XXX-000", reason = "...")` (repeatable).
#[proc_macro_attribute]
pub fn stack(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::stack(args.into(), item.into()).into()
}

fn outside_stack(which: &str, input: TokenStream) -> TokenStream {
    let span = proc_macro2::TokenStream::from(input).into_iter().next().map(|t| t.span()).unwrap_or_else(proc_macro2::Span::call_site);
    syn::Error::new(
        span,
        format!("`{which}!` is only valid inside an `impl` marked `#[stack]`\nhelp: the stack attribute checks every resource against the schema and the security rules, and resolves references between them"),
    )
    .to_compile_error()
    .into()
}

/// `resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" })`: declares a managed resource; returns its handle.
#[proc_macro]
pub fn resource(input: TokenStream) -> TokenStream {
    outside_stack("resource", input)
}

/// `data!(aws_availability_zones.available { state: "available" })`: declares a data source; returns its handle.
#[proc_macro]
pub fn data(input: TokenStream) -> TokenStream {
    outside_stack("data", input)
}

/// `provider!(aws.east { region: "us-east-1" })`: configures a provider (the
/// alias is optional), checked against the provider's configuration block.
#[proc_macro]
pub fn provider(input: TokenStream) -> TokenStream {
    outside_stack("provider", input)
}

/// `output!(vpc_id { value: vpc.id, description: "..." })`: declares an output.
#[proc_macro]
pub fn output(input: TokenStream) -> TokenStream {
    outside_stack("output", input)
}
