//! tap-core: the library behind tap.
//!
//! # Architecture
//!
//! Modules form layers; each imports only from the layers below it, so a
//! change to the policy engine can never ripple into the model, and the
//! compile-time checker in `tap-macros` can use the lower layers alone.
//!
//! | layer | modules | what it is |
//! |---|---|---|
//! | 1. values | [`path`], [`reference`](mod@reference), [`value`] | attribute paths, addresses, references (to resources, variables, locals), the value model (expressions included) and its rendering |
//! | 2. schema | [`schema`] | the provider schema, Terraform's functions and type constraints, and the checks of bodies against them |
//! | 3. assets | [`asset`] | reproducible zips for Lambda code |
//! | 4. model | [`graph`] | the stack, resources, handles, variables and locals, providers, suppressions, [overrides](graph::overrides) (the escape hatch), and [`graph::Graph`], the stack's index |
//! | 5. navigate, rule | [`navigate`], [`rule`] | the one navigator over values (block instances, references, locals, JSON documents, default tags, what "set" means, what a variable's declaration guarantees); the interface every policy rule implements, of which the model knows nothing |
//! | 6. validate, render | [`validate`], [`element`] | whole-stack validation before synthesis; each element's own Terraform JSON fragment |
//! | 7. policy | [`policy`] | security rules, packs, organisation policy files, a stack's policy, suppression checks, the report |
//! | 8. definition | [`definition`] | a stack as defined: the model and its policy, side by side |
//! | 9. synth | [`synth`] | assembles the elements' fragments into deterministic Terraform JSON, written atomically |
//! | 10. testing | [`testing`] | in-memory synthesis and assertions on the Terraform JSON, for the tests of stacks and components |
//!
//! `tap-macros` runs the same schema checks and policy rules at compile
//! time; this crate has no proc-macro dependency.
//!
//! # Supported API
//!
//! The modules above and [`prelude`] are the API that stack authors and
//! tools use. `__private` is plumbing for the code `#[stack]` generates:
//! hidden from the docs, and free to change in any release.

#![deny(missing_docs)]

pub mod asset;
pub mod definition;
pub mod element;
pub mod graph;
pub mod navigate;
pub mod path;
pub mod policy;
pub mod reference;
pub mod rule;
pub mod schema;
pub mod synth;
pub mod testing;
pub mod validate;
pub mod value;

/// What stack authors need, in one import.
pub mod prelude {
    pub use crate::asset::{Asset, AssetHandle};
    pub use crate::definition::{DefinedStack, StackDefinition};
    pub use crate::graph::{AnyType, Backend, Check, Handle, Lifecycle, Local, Origin, Output, Provider, Repetition, Resource, ResourceType, Scope, Stack, Suppression, Target, Var, Variable, Variables};
    pub use crate::path::{AttrPath, Step};
    pub use crate::reference::{Address, InstanceKey, Mode, Reference};
    pub use crate::policy::{PolicySource, StackPolicy};
    pub use crate::rule::{Finding, Level, Outcome, PolicyRule};
    pub use crate::value::Value;
}

/// Plumbing for the code that `tap-macros` generates. Not part of the API:
/// nothing here keeps a promise between releases.
#[doc(hidden)]
pub mod __private {
    use std::sync::Arc;

    use crate::graph::{Graph, Handle, LazyBlock, LazyDescriptor, Origin, Provider, ProviderFacts, Resource, ResourceType, Scope, Suppression, TypeFacts};
    use crate::path::AttrPath;
    pub use crate::definition::StackDefinition;
    pub use crate::policy::PolicySource;
    use crate::reference::{Address, Mode};
    use crate::schema::Block;
    use crate::value::{add_block, Fields, Value};

    /// The schema facts of one type, as a `static` in the expansion.
    pub const fn type_facts(type_name: &'static str, mode: Mode, block_json: &'static str, provider: &'static ProviderFacts) -> TypeFacts {
        TypeFacts { type_name, mode, provider, block: LazyBlock::new(block_json) }
    }

    /// The schema facts of one provider, as a `static` in the expansion.
    pub const fn provider_facts(local_name: &'static str, source: &'static str, version: &'static str, config_json: &'static str) -> ProviderFacts {
        ProviderFacts { local_name, source, version, config: LazyBlock::new(config_json), descriptor: None }
    }

    /// [`provider_facts`] of a provider whose crate supplied a descriptor
    /// (as JSON, checked by the macros).
    pub const fn described_provider_facts(local_name: &'static str, source: &'static str, version: &'static str, config_json: &'static str, descriptor_json: &'static str) -> ProviderFacts {
        ProviderFacts { local_name, source, version, config: LazyBlock::new(config_json), descriptor: Some(LazyDescriptor::new(descriptor_json)) }
    }

    /// What `provider!` becomes: the provider its facts describe, with the
    /// configuration as written.
    pub fn configured_provider(facts: &'static ProviderFacts, alias: Option<&str>, config: Vec<(&'static str, Value)>) -> Provider {
        let mut provider = Provider::new(facts.local_name, facts.source, facts.version);
        provider.alias = alias.map(str::to_owned);
        provider.extra = fields(config);
        provider.facts = Some(facts);
        provider
    }

    /// What `#[provisioner(kind { ... })]` becomes.
    pub fn provisioner(kind: &str, arguments: Vec<(&'static str, Value)>) -> crate::graph::Provisioner {
        crate::graph::Provisioner::new(kind, fields(arguments))
    }

    /// What `#[connection(...)]` becomes.
    pub fn connection(arguments: Vec<(&'static str, Value)>) -> Fields {
        fields(arguments)
    }

    /// A reference to a whole resource: `replace_triggered_by = [config]`.
    pub fn whole_resource(address: &Arc<Address>) -> crate::reference::Reference {
        crate::reference::Reference::new(address.clone(), AttrPath::root())
    }

    /// What `backend!` becomes: the backend, with its arguments as written.
    pub fn configured_backend(kind: &'static str, arguments: Vec<(&'static str, Value)>) -> crate::graph::Backend {
        crate::graph::Backend { kind: kind.to_owned(), arguments: fields(arguments) }
    }

    /// What each `resource!` and `data!` becomes: one non-generic call, so
    /// the code generated per invocation stays small and compile time grows
    /// linearly with the number of resources.
    pub fn declare(address: Address, facts: &'static TypeFacts, origin: Origin, body: Vec<(&'static str, Value)>) -> Resource {
        let mut r = Resource::new(address);
        r.facts = Some(facts);
        r.origin = origin;
        r.body = fields(body);
        r
    }

    /// A nested block from `(name, value)` pairs as written; a block
    /// written twice becomes a list of its instances.
    pub fn block_of(entries: Vec<(&'static str, Value)>) -> Value {
        Value::Block(fields(entries))
    }

    /// A map from `(key, value)` pairs: `{ k: v }`.
    pub fn map_of(entries: Vec<(&'static str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// `for iterator in for_each { name { content } }`: a `dynamic` block.
    pub fn dynamic_of(for_each: Value, iterator: &str, content: Value) -> Value {
        Value::expr(crate::value::Expr::Dynamic(Box::new(crate::value::Dynamic { for_each, iterator: iterator.to_owned(), content })))
    }

    /// `collection[key].path`: an element chosen by a value Terraform
    /// knows; `path` comes as a reference on a placeholder root.
    pub fn element_of(collection: Value, key: Value, path: crate::reference::Reference) -> Value {
        Value::expr(crate::value::Expr::Index { collection, key, path: path.path })
    }

    /// The instance key a Rust value names: a number is a `count` index,
    /// a string a `for_each` key.
    pub fn instance_key(key: impl IntoInstanceKey) -> crate::reference::InstanceKey {
        key.into_instance_key()
    }

    /// A Rust value that names an instance: `subnets[i].id`.
    pub trait IntoInstanceKey {
        /// The key.
        fn into_instance_key(self) -> crate::reference::InstanceKey;
    }

    macro_rules! index_keys {
        ($($t:ty),*) => {$(
            impl IntoInstanceKey for $t {
                fn into_instance_key(self) -> crate::reference::InstanceKey {
                    crate::reference::InstanceKey::Index(u64::try_from(self).unwrap_or_else(|_| panic!("instance index out of range: a `count` index is a non-negative integer")))
                }
            }
        )*};
    }
    index_keys!(u8, u16, u32, u64, usize, i32, i64);

    impl IntoInstanceKey for &str {
        fn into_instance_key(self) -> crate::reference::InstanceKey {
            crate::reference::InstanceKey::Key(self.to_owned())
        }
    }

    impl IntoInstanceKey for String {
        fn into_instance_key(self) -> crate::reference::InstanceKey {
            crate::reference::InstanceKey::Key(self)
        }
    }

    impl IntoInstanceKey for &String {
        fn into_instance_key(self) -> crate::reference::InstanceKey {
            crate::reference::InstanceKey::Key(self.clone())
        }
    }

    /// Any Rust expression in a body.
    pub fn value_of(value: impl Into<Value>) -> Value {
        value.into()
    }

    /// `collection[*].path`: `path` comes as a reference built on a
    /// placeholder root, of which only the steps count.
    pub fn splat_of(collection: Value, path: crate::reference::Reference) -> Value {
        Value::expr(crate::value::Expr::Splat { collection, path: path.path })
    }

    /// A value known only when the stack runs: the compile-time checker's
    /// stand-in for a Rust expression. Never part of a running stack.
    pub fn unknown() -> Value {
        Value::Unknown
    }

    /// `#[suppress("ID", reason = "...", finding = "path")]`: the macros
    /// checked that the path parses.
    pub fn precise_suppression(rule_id: &str, reason: &str, finding: &str) -> Suppression {
        Suppression::new(rule_id, reason).for_finding(AttrPath::parse(finding).expect("BUG: the macros checked the finding path"))
    }

    /// The organisation policy a stack was checked against, as the
    /// expansion embeds it (`include_str!`): its rules run again at synthesis.
    pub fn org_policy(file: &str, text: &str) -> PolicySource {
        PolicySource { file: file.to_owned(), text: text.to_owned() }
    }

    /// `#[component]`'s first statement: records which component fills the instance.
    pub fn enter_component(scope: &mut Scope<'_>, component: &'static str) {
        scope.enter_component(component);
    }

    /// The compile-time view's graph: schema blocks of resources without
    /// facts come from `lookup` (the macros hold the schemas).
    pub fn graph_with_blocks<'a>(graph: Graph<'a>, lookup: &'a (dyn Fn(Mode, &str) -> Option<&'a Block> + 'a)) -> Graph<'a> {
        graph.with_blocks(lookup)
    }

    /// A list index written as any integer expression (`names[i]`).
    pub fn list_index<I: TryInto<usize>>(index: I) -> usize {
        index.try_into().unwrap_or_else(|_| panic!("list index out of range: a Terraform list index is a non-negative integer"))
    }

    /// A handle to nothing, emitted next to compile errors so one mistake
    /// does not cause a cascade of others.
    pub fn placeholder_handle() -> Handle {
        Handle::at(Arc::new(Address::resource("tap_placeholder", "placeholder")))
    }

    /// A handle as the Rust type of its resource type: what `resource!`
    /// returns for a type that has a marker in `tap::types`.
    pub fn typed<T: ResourceType>(handle: Handle) -> Handle<T> {
        Handle::at(handle.address)
    }

    /// `handles[*].attr`: one reference per handle, of any handle type.
    pub fn splat<'h, T: 'h>(handles: impl IntoIterator<Item = &'h Handle<T>>, attr: &str) -> Value {
        Value::List(handles.into_iter().map(|h| h.attr(attr)).collect())
    }

    /// What the code for a reference whose root the macros cannot see uses
    /// to find, by type, where the handle is on the path the user wrote
    /// (`network.vpc.id`: after `network.vpc`). Autoref specialization: a
    /// method call on `&Probe(x)` finds [`probe::ViaReferent`] when `x` is a
    /// [`Referent`](crate::graph::shape::Referent), else the fallback one
    /// level of `&` further out. It works on concrete types, which is what a
    /// path written in a stack has.
    pub mod probe {
        use crate::graph::shape::Referent;
        use crate::reference::Reference;

        /// A value on the path, probed for what it is.
        pub struct Probe<'a, T: ?Sized>(pub &'a T);

        /// The value is a handle (or another referent): the reference starts here.
        pub trait ViaReferent {
            /// The reference to the value itself.
            fn root(&self) -> Option<Reference>;
        }

        impl<R: Referent + ?Sized> ViaReferent for Probe<'_, R> {
            fn root(&self) -> Option<Reference> {
                Some(self.0.root_reference())
            }
        }

        /// Any other value: a Rust value on the way to a handle.
        pub trait ViaRust {
            /// Not the start of a reference.
            fn root(&self) -> Option<Reference>;
        }

        impl<T: ?Sized> ViaRust for &Probe<'_, T> {
            fn root(&self) -> Option<Reference> {
                None
            }
        }

        /// An index written on the path, probed for whether it can index a
        /// Terraform list (an integer) or only a Rust collection.
        pub struct IndexProbe<'a, T: ?Sized>(pub &'a T);

        /// An integer index: a step of the reference's path too.
        pub trait ViaInteger {
            /// The index as a path step.
            fn step(&self) -> usize;
        }

        macro_rules! integer_steps {
            ($($int:ty),*) => {$(
                impl ViaInteger for IndexProbe<'_, $int> {
                    fn step(&self) -> usize {
                        super::list_index(*self.0)
                    }
                }
            )*};
        }
        integer_steps!(usize, u64, u32, u16, u8, i64, i32, i16, i8);

        /// Any other index (a Rust map's key): it can only come before the handle.
        pub trait ViaKey {
            /// Never reached: a path past a handle indexes only with integers,
            /// which rustc checks through the shape.
            fn step(&self) -> usize;
        }

        impl<T: ?Sized> ViaKey for &IndexProbe<'_, T> {
            fn step(&self) -> usize {
                panic!("BUG: a non-integer index on a path past a handle type-checked")
            }
        }
    }

    fn fields(entries: Vec<(&'static str, Value)>) -> Fields {
        let mut out = Fields::new();
        for (name, value) in entries {
            match value {
                // A nested block (the macros reject an argument set twice).
                Value::Block(_) => add_block(&mut out, name, value),
                dynamic if dynamic.is_dynamic() => add_block(&mut out, name, dynamic),
                other => {
                    out.insert(name.to_owned(), other);
                }
            }
        }
        out
    }
}
