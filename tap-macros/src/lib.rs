//! tap-macros: `#[stack]` and the `resource!`, `data!`, `output!`,
//! `provider!` and `backend!` forms inside it, checked at compile time
//! against the provider schemas, the backends' argument tables and tap's
//! security rules.
//!
//! This crate holds entry points only; parsing, checking and code
//! generation live in their modules, and the checks themselves in
//! `tap_core` so synthesis runs the same ones. Internal: no semver
//! promise for anything but the macros' surface.
//!
//! Users depend on the `tap` crate, which re-exports these macros with
//! the model they generate code for (at `::tap::__private`).

#![deny(missing_docs)]

mod blocks;
mod diag;
mod driver;
mod env;
mod expand;
#[cfg(test)]
mod every_type;
mod model;
mod parse;
mod policy;
mod policy_phase;
mod resolve;
mod resolved;
mod schema;
mod scope;
mod shapes;
mod typed_ref;
mod variables;

use proc_macro::TokenStream;

/// Marks the `impl` of a stack's configuration type. Its `fn define(&self,
/// stack: &mut Stack)` declares the stack with `resource!`, `data!` and
/// `output!`. Settings: `name = expr`, `packs = ["security", "serverless"]`,
/// `suppress("TAP-XXX-000", reason = "...")` (repeatable), `policy =
/// "path/to/policy.toml"` (instead of the one `tap.toml` names).
#[proc_macro_attribute]
pub fn stack(args: TokenStream, item: TokenStream) -> TokenStream {
    driver::stack(args.into(), item.into()).into()
}

/// Marks a component: a function (or the impl of a configuration type)
/// whose `scope: &mut Scope` parameter receives the resources it declares
/// with `resource!`, `data!` and `output!`, checked as a stack's are.
/// Handle parameters typed `&Handle<aws_kms_key>` are checked like local
/// handles. Setting: `policy = "path/to/policy.toml"`.
#[proc_macro_attribute]
pub fn component(args: TokenStream, item: TokenStream) -> TokenStream {
    driver::component(args.into(), item.into()).into()
}

fn outside_stack(which: &str, input: TokenStream) -> TokenStream {
    let span = proc_macro2::TokenStream::from(input).into_iter().next().map(|t| t.span()).unwrap_or_else(proc_macro2::Span::call_site);
    syn::Error::new(
        span,
        format!("`{which}!` is only valid inside an `impl` marked `#[stack]` or a function marked `#[component]`\nhelp: the attribute checks every resource against the schema and the security rules, and resolves references between them"),
    )
    .to_compile_error()
    .into()
}

/// The marker types of `tap::types` (invoked once, by the `tap` crate).
#[doc(hidden)]
#[proc_macro]
pub fn __resource_types(_input: TokenStream) -> TokenStream {
    shapes::marker_types().into()
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

/// `variable!(retention: number { default: 365, description: "...", validation { condition: var.retention >= 365, error_message: "..." } })`:
/// declares an input variable; returns its `Var` handle. Read it as
/// `var.retention` (or through the handle) anywhere in the stack.
#[proc_macro]
pub fn variable(input: TokenStream) -> TokenStream {
    outside_stack("variable", input)
}

/// `local!(tags = { Team: "payments", Env: var.env })`: declares a local
/// value; returns its `Local` handle. Read it as `local.tags` after this line.
#[proc_macro]
pub fn local(input: TokenStream) -> TokenStream {
    outside_stack("local", input)
}

/// `#[derive(Variables)]` on a struct: one input variable per field, typed
/// from the field's Rust type (or `#[variable(type = "...")]`), described by
/// its doc comment, with `#[variable(default = ..., sensitive, ephemeral,
/// nullable = false, validation(condition = ..., error_message = "..."))]`.
/// `let var = stack.declare::<Inputs>();` then gives `var.field` references.
#[proc_macro_derive(Variables, attributes(variable))]
pub fn derive_variables(input: TokenStream) -> TokenStream {
    variables::derive(input.into()).into()
}

/// `backend!(s3 { bucket: "state", key: "orders.tfstate", use_lockfile: true })`:
/// sets where Terraform keeps the state (any backend, or `cloud` for HCP
/// Terraform), checked against the backend's argument table.
#[proc_macro]
pub fn backend(input: TokenStream) -> TokenStream {
    outside_stack("backend", input)
}

/// `output!(vpc_id { value: vpc.id, description: "..." })`: declares an output.
#[proc_macro]
pub fn output(input: TokenStream) -> TokenStream {
    outside_stack("output", input)
}

/// `moved!(from: aws_subnet.private_0, to: aws_subnet.private[0])`: a
/// `moved` block (Terraform 1.1). `to` is a resource of the stack (an
/// address, or a handle in scope); `from` one it no longer declares.
#[proc_macro]
pub fn moved(input: TokenStream) -> TokenStream {
    outside_stack("moved", input)
}

/// `import!(to: aws_s3_bucket.logs, id: "acme-logs")`, or with
/// `#[for_each(var.buckets)]` before `to: aws_s3_bucket.b[each.key], id:
/// each.value`: an `import` block (Terraform 1.5; 1.7 with `for_each`).
#[proc_macro]
pub fn import(input: TokenStream) -> TokenStream {
    outside_stack("import", input)
}

/// `removed!(from: aws_instance.legacy, destroy: false)`: a `removed`
/// block (Terraform 1.7); `destroy: false` forgets the object and leaves it standing.
#[proc_macro]
pub fn removed(input: TokenStream) -> TokenStream {
    outside_stack("removed", input)
}

/// `check!(health { let probe = data!(...); assert { condition: ..., error_message: "..." } })`:
/// a `check` block (Terraform 1.5) with an optional scoped data source.
#[proc_macro]
pub fn check(input: TokenStream) -> TokenStream {
    outside_stack("check", input)
}
