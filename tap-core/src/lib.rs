//! tap-core: the library behind tap.
//!
//! - [`graph`]: the stack, resources, handles, providers, backend, outputs.
//! - [`value`] and [`reference`]: the value model; references are values.
//! - [`schema`]: the provider schema and the checks of bodies against it.
//! - [`validate`]: whole-stack validation before synthesis.
//! - [`policy`]: security rules, packs, suppressions, report.
//! - [`synth`]: deterministic Terraform JSON, written atomically.
//! - [`asset`]: reproducible zips for Lambda code.
//!
//! `tap-macros` uses the same schema checks and policy rules at compile
//! time; this crate has no proc-macro dependency.

pub mod asset;
pub mod graph;
pub mod path;
pub mod policy;
pub mod reference;
pub mod schema;
pub mod synth;
pub mod validate;
pub mod value;

/// What generated code and stack authors need, in one import.
pub mod prelude {
    pub use crate::asset::{Asset, AssetHandle};
    pub use crate::graph::{Backend, Handle, Lifecycle, Origin, Output, Provider, Resource, Stack, StackDefinition, TypeFacts};
    pub use crate::policy::Suppression;
    pub use crate::reference::{Address, Mode, Reference, Step};
    pub use crate::value::Value;
}
