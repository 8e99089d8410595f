//! The stack: providers, backend, resources and data sources, outputs,
//! assets and suppressions, with the edges between them.
//!
//! Layer: model. Building a stack never fails and never checks anything:
//! mistakes are collected by [`crate::validate`] and the policy engine so a
//! user sees all of them at once. [`Graph`] indexes a built stack for the
//! layers above.

pub mod blocks;
mod index;
pub mod lifecycle;
pub mod overrides;
mod scope;
pub mod shape;
mod variable;

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use crate::asset::Asset;
use crate::path::AttrPath;
use crate::path::Step;
use crate::reference::{Address, InstanceKey, Mode, Reference};
use crate::schema::iteration::Repeats;
use crate::schema::{Block, Descriptor};
use crate::value::{Fields, Value};

pub use blocks::{Assertion, Check, Import, Moved, Removed, Target, TargetKey};
pub use index::{direct_target, Edge, Graph};
pub use lifecycle::{Condition, Provisioner};
pub use overrides::{Change, Override};
pub use scope::{Instance, InstanceId, Scope, ScopeCollision};
pub use variable::{Local, Validation, Var, Variable, Variables};

/// A schema block embedded as JSON by generated code, parsed on first use,
/// once per process.
pub(crate) struct LazyBlock {
    json: &'static str,
    parsed: OnceLock<Block>,
}

impl LazyBlock {
    pub(crate) const fn new(json: &'static str) -> Self {
        LazyBlock { json, parsed: OnceLock::new() }
    }

    /// The block; `owner` names it in the panic a malformed expansion would be
    /// (a closure, so the hot path allocates nothing).
    fn get(&self, owner: impl FnOnce() -> String) -> &Block {
        self.parsed.get_or_init(|| Block::from_json(self.json).unwrap_or_else(|e| panic!("BUG: schema facts of {} do not parse: {e}", owner())))
    }
}

/// A descriptor a crate supplied in `tap.toml`, embedded as JSON by
/// generated code, parsed on first use, once per process.
pub(crate) struct LazyDescriptor {
    json: &'static str,
    parsed: OnceLock<Descriptor>,
}

impl LazyDescriptor {
    pub(crate) const fn new(json: &'static str) -> Self {
        LazyDescriptor { json, parsed: OnceLock::new() }
    }

    fn get(&self, owner: &str) -> &Descriptor {
        // The macros parsed the same text before embedding it.
        self.parsed.get_or_init(|| Descriptor::from_json(self.json).unwrap_or_else(|e| panic!("BUG: the descriptor of provider `{owner}` does not parse: {e}")))
    }
}

/// What the schema says of one provider, emitted by `tap-macros` for the
/// providers a stack uses: its local name (`aws`), its source address
/// (`hashicorp/aws`), the version constraint written to
/// `required_providers` when nothing else names one, its configuration
/// block, and the descriptor its crate supplied, if any. Made only by
/// generated code.
pub struct ProviderFacts {
    pub(crate) local_name: &'static str,
    pub(crate) source: &'static str,
    pub(crate) version: &'static str,
    pub(crate) config: LazyBlock,
    pub(crate) descriptor: Option<LazyDescriptor>,
}

impl ProviderFacts {
    /// The provider's local name: `aws`, the prefix of its type names and
    /// the key of its `required_providers` entry.
    pub fn local_name(&self) -> &'static str {
        self.local_name
    }

    /// The provider's source address, as `required_providers` gives it:
    /// `hashicorp/aws`.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// The version constraint; empty when the schema's origin gives none.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The provider's configuration block, parsed on first use.
    pub fn config_block(&self) -> &Block {
        self.config.get(|| format!("provider `{}`", self.local_name))
    }

    /// The provider's descriptor: the one its crate supplied, else the one
    /// tap embeds for it, if any.
    pub fn descriptor(&self) -> Option<&Descriptor> {
        match &self.descriptor {
            Some(lazy) => Some(lazy.get(self.local_name)),
            None => Descriptor::embedded(self.local_name),
        }
    }
}

impl std::fmt::Debug for ProviderFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderFacts").field("source", &self.source).field("version", &self.version).finish()
    }
}

/// The schema facts of one resource type, emitted by `tap-macros` for
/// exactly the types a stack uses (a few kilobytes of JSON each), so the
/// binary never parses the whole provider schema. Parsed on first use,
/// once per process. Made only by generated code.
pub struct TypeFacts {
    pub(crate) type_name: &'static str,
    pub(crate) mode: Mode,
    pub(crate) provider: &'static ProviderFacts,
    pub(crate) block: LazyBlock,
}

impl TypeFacts {
    /// The Terraform type name: `aws_s3_bucket`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Managed resource or data source: one type name can be both
    /// (`aws_vpc`), with a different schema each.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The provider the type belongs to.
    pub fn provider(&self) -> &'static ProviderFacts {
        self.provider
    }

    /// The type's schema block, parsed on first use.
    pub fn block(&self) -> &Block {
        self.block.get(|| format!("`{}`", self.type_name))
    }
}

impl std::fmt::Debug for TypeFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeFacts").field("type_name", &self.type_name).finish()
    }
}

/// Where a resource was declared, for messages that name both ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The source file, as `file!()` names it: `app/src/stack.rs`; empty
    /// when unknown.
    pub file: &'static str,
    /// The line, from 1; `0` when unknown (a resource built in code rather
    /// than by `resource!`), and messages then leave the place out.
    pub line: u32,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// `lifecycle { ... }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    /// `prevent_destroy = true`: Terraform rejects any plan that would
    /// destroy the resource.
    pub prevent_destroy: bool,
    /// `create_before_destroy = true`: on replacement, Terraform creates
    /// the new object before it destroys the old one.
    pub create_before_destroy: bool,
    /// `ignore_changes`: the attributes whose changes outside Terraform
    /// never cause an update, each a path as Terraform writes it (`tags`,
    /// `tags["Owner"]`, `ingress[0].cidr_blocks`); written only when not empty.
    pub ignore_changes: Vec<String>,
    /// `ignore_changes = all`: every attribute; wins over the list.
    pub ignore_all_changes: bool,
    /// `replace_triggered_by`: the resource is replaced when one of these
    /// resources, or attributes of theirs, changes (Terraform 1.2).
    pub replace_triggered_by: Vec<Reference>,
    /// `precondition` blocks, checked before the resource is planned (Terraform 1.2).
    pub preconditions: Vec<Condition>,
    /// `postcondition` blocks, checked after; they may read `self` (Terraform 1.2).
    pub postconditions: Vec<Condition>,
}

/// How many instances of a resource Terraform makes: the `count` or
/// `for_each` meta-argument. Each instance has Terraform's own address,
/// `type.name[0]` or `type.name["key"]`, and reads its own index or key
/// through [`Reference::count_index`], [`Reference::each_key`] and
/// [`Reference::each_value`].
#[derive(Clone, Debug, PartialEq)]
pub enum Repetition {
    /// `count = n`: instances `[0]` to `[n - 1]`. Known at plan.
    Count(Value),
    /// `for_each = collection`: one instance per key of a map, or per
    /// string of a set. Its keys must be known at plan.
    ForEach(Value),
}

impl Repetition {
    /// The value iterated: the count, or the `for_each` collection.
    pub fn value(&self) -> &Value {
        match self {
            Repetition::Count(v) | Repetition::ForEach(v) => v,
        }
    }

    /// Which meta-argument it is.
    pub fn repeats(&self) -> Repeats {
        match self {
            Repetition::Count(_) => Repeats::Count,
            Repetition::ForEach(_) => Repeats::ForEach,
        }
    }

    /// Its Terraform name: `count` or `for_each`.
    pub fn meta_argument(&self) -> &'static str {
        self.repeats().meta_argument()
    }

    /// The name it binds for the body: `count` or `each`.
    pub fn binds(&self) -> &'static str {
        self.repeats().binds()
    }
}

/// A resource or data source as declared.
#[derive(Clone, Debug)]
pub struct Resource {
    /// `aws_s3_bucket.logs`.
    pub address: Arc<Address>,
    /// The schema facts of its type, when `resource!` declared it.
    pub(crate) facts: Option<&'static TypeFacts>,
    /// Its arguments and nested blocks as written, by name; a block written
    /// more than once holds the list of its instances. Null arguments are
    /// left out of the Terraform JSON.
    pub body: BTreeMap<String, Value>,
    /// `count` or `for_each`: `None` for a single instance.
    pub repetition: Option<Repetition>,
    /// `depends_on`: dependencies Terraform cannot see in the body's
    /// references; written sorted and without repeats.
    pub depends_on: Vec<Arc<Address>>,
    /// Its `lifecycle` block, if it has one.
    pub lifecycle: Option<Lifecycle>,
    /// `provider = <provider>.<alias>`, the provider taken from the type's
    /// name ([`crate::schema::provider_of`]).
    pub provider_alias: Option<String>,
    /// The suppressions written on the resource itself
    /// (`#[suppress(...)]`); an instance's are on
    /// [`Instance::suppressions`], the stack's on its
    /// [`StackPolicy`](crate::policy::StackPolicy).
    pub suppressions: Vec<Suppression>,
    /// Where `resource!` or `data!` declared it; unknown (line `0`) for a
    /// resource built in code.
    pub origin: Origin,
    /// The component instance it was declared in, if any.
    pub instance: Option<InstanceId>,
    /// Its overrides, in the order set ([`Resource::override_at`]): those of
    /// arguments and blocks are already in [`Resource::body`]; those of
    /// meta-arguments are merged when it renders.
    pub overrides: Vec<Override>,
    /// Its provisioners, in the order Terraform runs them: a last resort
    /// (see [`lifecycle`]).
    pub provisioners: Vec<Provisioner>,
    /// The `connection` its provisioners use, unless one has its own.
    pub connection: Option<Fields>,
}

/// An explicit, reasoned exception to a rule, on a resource or on the
/// stack. Whether it names a rule, applies and has a good reason is
/// checked by the policy layer (`policy::check_suppression`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The ID of the rule it silences: `TAP-EC2-001`.
    pub rule_id: String,
    /// Why the exception is safe, for the reviewer and the report; the
    /// policy layer rejects a missing or trivial one.
    pub reason: String,
    /// A precise suppression covers only the findings at this path of its
    /// resource, or under it (`policy.Statement[1].Action[0]`, or
    /// `ingress[2]` for every finding in that rule); `None` covers every
    /// finding of the rule.
    pub finding: Option<AttrPath>,
}

impl Suppression {
    /// A suppression of every finding of `rule_id` where it is written,
    /// with the reason a reviewer reads:
    /// `Suppression::new("TAP-EC2-001", "the bastion allows SSH from the office range only")`.
    pub fn new(rule_id: &str, reason: &str) -> Self {
        Suppression { rule_id: rule_id.to_owned(), reason: reason.to_owned(), finding: None }
    }

    /// The same suppression, covering only the findings at `path` or under it.
    pub fn for_finding(mut self, path: AttrPath) -> Self {
        self.finding = Some(path);
        self
    }

    /// Does it cover a finding at `path` (of its rule)?
    pub fn covers(&self, path: &AttrPath) -> bool {
        self.finding.as_ref().is_none_or(|f| path.starts_with(f))
    }
}

impl Resource {
    /// A resource with an empty body, declared in code (`resource!` also
    /// gives it its type's schema facts).
    pub fn new(address: Address) -> Self {
        Resource {
            address: Arc::new(address),
            facts: None,
            body: BTreeMap::new(),
            repetition: None,
            depends_on: Vec::new(),
            lifecycle: None,
            provider_alias: None,
            suppressions: Vec::new(),
            origin: Origin::default(),
            instance: None,
            overrides: Vec::new(),
            provisioners: Vec::new(),
            connection: None,
        }
    }

    /// The escape hatch: sets the argument, nested block or meta-argument
    /// at `path` (`lifecycle.replace_triggered_by`, `rule.0.status`,
    /// `rule[0].status`) where tap has no other way to write it, replacing
    /// what the body had there. The schema still checks the value wherever
    /// it knows the path, the policy sees it, and the synthesis summary
    /// lists it. A malformed path is reported by validation.
    pub fn override_at(&mut self, path: &str, value: impl Into<Value>) -> &mut Self {
        self.record_override(path, Change::Set(value.into()), false)
    }

    /// [`Resource::override_at`] for a name the schema does not know but
    /// that is close to one it does: taken as meant (an argument newer
    /// than the embedded provider schema), not refused as a likely typo.
    pub fn override_unchecked(&mut self, path: &str, value: impl Into<Value>) -> &mut Self {
        self.record_override(path, Change::Set(value.into()), true)
    }

    /// Removes the argument, block or meta-argument at `path` (CDKTF's
    /// `addOverride(path, undefined)`); listed in the summary like any override.
    pub fn remove_at(&mut self, path: &str) -> &mut Self {
        self.record_override(path, Change::Remove, false)
    }

    fn record_override(&mut self, path: &str, change: Change, unchecked: bool) -> &mut Self {
        let block = self.facts.map(TypeFacts::block);
        overrides::record(&mut self.overrides, &mut self.body, block, path, change, unchecked);
        self
    }

    /// The schema block of its type, when `resource!` declared it.
    pub fn schema_block(&self) -> Option<&Block> {
        self.facts.map(TypeFacts::block)
    }

    /// Sets one argument (or, with a [`Value::Block`], a nested block),
    /// replacing what the body had under `name`: for resources built in
    /// code rather than by `resource!`.
    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.body.insert(name.to_owned(), value.into());
        self
    }

    /// The same resource, with `count = n` or `for_each = collection`.
    pub fn repeated(mut self, repetition: Repetition) -> Self {
        self.repetition = Some(repetition);
        self
    }

    /// The Terraform type of its address: `aws_s3_bucket`.
    pub fn type_name(&self) -> &str {
        &self.address.type_name
    }
}

/// The Rust type of a handle to a resource of one Terraform type:
/// `Handle<aws_kms_key>`. The `tap` crate has one marker per type of every
/// embedded provider (`tap::types`); it implements this trait for each.
/// A marker is the type's [`shape`](shape::Shape): a handle dereferences
/// to it, so rustc checks `handle.attribute` against the type.
pub trait ResourceType: shape::Shape {
    /// `aws_kms_key`.
    const TYPE_NAME: &'static str;
    /// `Managed` for a resource type's marker, `Data` for a data source's
    /// (`tap::types::data`): [`Handle::of`] checks both.
    const MODE: Mode;
}

/// The type parameter of an untyped [`Handle`]: a handle to a resource of
/// any type, for generic helpers. Every typed handle converts to it.
#[derive(Debug)]
pub enum AnyType {}

/// A handle to a declared resource or data source; `attr` makes references.
///
/// `Handle<aws_kms_key>` can only hold a handle to an `aws_kms_key`, so a
/// component's parameter says which type it accepts and the compiler
/// rejects any other. `Handle` (of [`AnyType`]) holds any handle: a typed
/// handle converts with `.into()` or `.as_ref()`.
///
/// `Handle<T>` dereferences to `T`'s [`shape`](shape::Shape), whose fields
/// are `T`'s attributes: `orders.arn` inside `resource!` is checked by rustc
/// wherever `orders` comes from, and `orders.arnn` is an error naming
/// `Handle<aws_dynamodb_table>` that suggests `arn`.
#[repr(transparent)]
pub struct Handle<T = AnyType> {
    pub(crate) address: Arc<Address>,
    // `fn() -> T`: the handle owns no `T` (a marker is a shape, not data), and
    // stays `Send + Sync` whatever `T` is.
    _type: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    pub(crate) fn at(address: Arc<Address>) -> Self {
        Handle { address, _type: PhantomData }
    }

    /// The address of the resource it points at: `aws_s3_bucket.logs`,
    /// `data.aws_region.current`.
    pub fn address(&self) -> &Arc<Address> {
        &self.address
    }

    /// A reference to one of its attributes: `vpc.attr("id")`.
    pub fn attr(&self, name: &str) -> Value {
        Value::Ref(self.reference(name))
    }

    /// The same as [`Handle::attr`], as a [`Reference`] (to add index or key steps).
    pub fn reference(&self, name: &str) -> Reference {
        Reference::new(self.address.clone(), AttrPath::root().name(name))
    }

    /// One instance of a resource with `count` or `for_each`, to read its
    /// attributes: `subnets.instance(InstanceKey::Index(0)).attr("id")`
    /// is `aws_subnet.private[0].id`.
    pub fn instance(&self, key: InstanceKey) -> Reference {
        let step = match key {
            InstanceKey::Index(i) => Step::Index(usize::try_from(i).expect("an instance index fits in memory")),
            InstanceKey::Key(k) => Step::Key(k),
        };
        Reference::new(self.address.clone(), vec![step])
    }

    /// All instances of a resource with `count` (a list) or `for_each` (a
    /// map): what another resource's `for_each` iterates to make one
    /// instance per instance of this one.
    pub fn instances(&self) -> Value {
        Value::Ref(Reference::new(self.address.clone(), AttrPath::root()))
    }

    /// The same handle, untyped.
    pub fn untyped(&self) -> Handle {
        Handle::at(self.address.clone())
    }
}

impl<T: ResourceType> Handle<T> {
    /// The handle of an untyped one, if it is one of a `T`: for code that
    /// gets handles from a generic helper and hands them to a typed one.
    pub fn of(handle: &Handle) -> Option<Self> {
        (handle.address.type_name == T::TYPE_NAME && handle.address.mode == T::MODE).then(|| Handle::at(handle.address.clone()))
    }
}

impl<T: ResourceType> std::ops::Deref for Handle<T> {
    type Target = T;

    fn deref(&self) -> &T {
        shape::shape()
    }
}

impl<T: ResourceType> AsRef<Handle> for Handle<T> {
    fn as_ref(&self) -> &Handle {
        // SAFETY: `Handle` is `repr(transparent)` over its `Arc<Address>`
        // (the `PhantomData` is zero-sized), so `Handle<T>` and
        // `Handle<AnyType>` have the same layout for every `T`.
        unsafe { &*(self as *const Handle<T>).cast::<Handle>() }
    }
}

impl<T: ResourceType> From<Handle<T>> for Handle {
    fn from(handle: Handle<T>) -> Handle {
        Handle::at(handle.address)
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle::at(self.address.clone())
    }
}

impl<T> std::fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Handle").field(&self.address.to_string()).finish()
    }
}

impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.address == other.address
    }
}

impl<T> Eq for Handle<T> {}

impl<T> std::hash::Hash for Handle<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.address.hash(state)
    }
}

/// A provider configuration (`provider "aws" { ... }`): any provider, by
/// its local name, source address and version constraint. Its arguments
/// are checked against the provider's configuration block at synthesis
/// whenever the stack knows that block (from `provider!`, or from a
/// resource of the provider).
#[derive(Clone, Debug)]
pub struct Provider {
    /// The local name: `aws`, the prefix of the provider's type names.
    pub name: String,
    /// `hashicorp/aws`.
    pub source: String,
    /// `~> 6.25`; empty for none.
    pub version: String,
    /// `alias`: a second configuration of the same provider (another
    /// region, another account), which a resource selects with
    /// [`Resource::provider_alias`]; `None` for the default one.
    pub alias: Option<String>,
    /// The `region` argument, if set.
    pub region: Option<String>,
    /// Tags the provider puts on every resource it manages, written in the
    /// block its descriptor names (AWS: `default_tags { tags = ... }`);
    /// tag rules see them merged under each resource's own `tags`.
    pub default_tags: BTreeMap<String, String>,
    /// Other arguments and blocks, by name.
    pub extra: BTreeMap<String, Value>,
    /// The schema facts, when `provider!` declared it.
    pub(crate) facts: Option<&'static ProviderFacts>,
    /// Its overrides, in the order set ([`Provider::override_at`]), applied
    /// last to its [`config`](Provider::config).
    pub overrides: Vec<Override>,
}

impl Provider {
    /// Any provider: `Provider::new("random", "hashicorp/random", "~> 3.7")`.
    pub fn new(name: &str, source: &str, version: &str) -> Self {
        Provider {
            name: name.to_owned(),
            source: source.to_owned(),
            version: version.to_owned(),
            alias: None,
            region: None,
            default_tags: BTreeMap::new(),
            extra: BTreeMap::new(),
            facts: None,
            overrides: Vec::new(),
        }
    }

    /// The escape hatch for a provider configuration: sets the argument or
    /// block at `path`, after everything else (`region` and the default
    /// tags included). Checked, listed and reported as
    /// [`Resource::override_at`] is.
    pub fn override_at(self, path: &str, value: impl Into<Value>) -> Self {
        self.with_override(path, Change::Set(value.into()), false)
    }

    /// [`Provider::override_at`] taking a name close to a known one as meant
    /// ([`Resource::override_unchecked`]).
    pub fn override_unchecked(self, path: &str, value: impl Into<Value>) -> Self {
        self.with_override(path, Change::Set(value.into()), true)
    }

    /// Removes the argument or block at `path` from the configuration.
    pub fn remove_at(self, path: &str) -> Self {
        self.with_override(path, Change::Remove, false)
    }

    fn with_override(mut self, path: &str, change: Change, unchecked: bool) -> Self {
        // Applied to a copy of the configuration so that a path that cannot
        // be applied is known now; `config` applies it for real.
        let mut config = self.config();
        let block = self.facts.map(ProviderFacts::config_block);
        overrides::record(&mut self.overrides, &mut config, block, path, change, unchecked);
        self
    }

    /// The schema of its configuration block, when `provider!` declared it.
    pub fn schema_block(&self) -> Option<&Block> {
        self.facts.map(ProviderFacts::config_block)
    }

    /// Sets one configuration argument (or, with a [`Value::Block`], a block).
    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(name.to_owned(), value.into());
        self
    }

    /// The configuration as a body: every argument and block, `region` and
    /// the default tags included (in the block its descriptor names). What
    /// synthesis renders and validation checks: [`Graph`] builds it once
    /// per stack ([`Graph::provider_config`]).
    pub fn config(&self) -> crate::value::Fields {
        let mut body = self.extra.clone();
        if let Some(region) = &self.region {
            body.insert("region".into(), Value::from(region.as_str()));
        }
        if !self.default_tags.is_empty() {
            // A provider without a descriptor that gives default tags a
            // meaning gets the usual layout, which its schema then judges.
            let (block, attribute) = match self.descriptor().and_then(|d| d.default_tags.as_ref()) {
                Some(meaning) => (meaning.block.as_str(), meaning.attribute.as_str()),
                None => ("default_tags", "tags"),
            };
            let tags = self.default_tags.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str())));
            let block_value = Value::Block([(attribute.to_owned(), Value::Map(tags.collect()))].into());
            body.insert(block.into(), Value::List(vec![block_value]));
        }
        let block = self.facts.map(ProviderFacts::config_block);
        for o in self.overrides.iter().filter(|o| o.problem.is_none()) {
            // Checked when it was recorded; validation reports the rest.
            let _ = overrides::apply(&mut body, block, &o.path, &o.change);
        }
        body
    }

    /// The provider's descriptor: from its facts, else the one tap embeds
    /// for its local name.
    pub fn descriptor(&self) -> Option<&Descriptor> {
        match self.facts {
            Some(facts) => facts.descriptor(),
            None => Descriptor::embedded(&self.name),
        }
    }

    /// A provider as its descriptor names it: local name, source and
    /// version constraint.
    pub fn described(descriptor: &Descriptor) -> Self {
        Provider::new(&descriptor.local_name, &descriptor.source, &descriptor.version)
    }

    /// The AWS provider, pinned to the version its embedded descriptor names.
    pub fn aws(region: &str) -> Self {
        let aws = Descriptor::embedded("aws").expect("BUG: tap embeds the AWS descriptor");
        Provider { region: Some(region.to_owned()), ..Provider::described(aws) }
    }

    /// The same provider, as the configuration named `alias`:
    /// `.alias("us_east_1")`.
    pub fn alias(mut self, alias: &str) -> Self {
        self.alias = Some(alias.to_owned());
        self
    }

    /// Adds one default tag: `.default_tag("Owner", "payments")`.
    pub fn default_tag(mut self, key: &str, value: &str) -> Self {
        self.default_tags.insert(key.to_owned(), value.to_owned());
        self
    }
}

/// Where Terraform keeps state: a backend (`s3`, `local`, `gcs`,
/// `azurerm`, `consul`, `pg`, `http`, `remote`) or the `cloud` block of
/// HCP Terraform, with its arguments as written. Any backend of Terraform
/// is one value of this type; its arguments are checked against the
/// backend's table ([`crate::schema::backends`]) by `backend!` at compile
/// time and by validation at synthesis, never here.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    /// The backend's name (`s3`), or `cloud` for the `cloud` block.
    pub kind: String,
    /// Its arguments by name; a nested block or object (`s3`'s
    /// `assume_role`, `cloud`'s `workspaces`) is a [`Value::Block`].
    pub arguments: Fields,
}

impl Backend {
    /// A backend of `kind` with no arguments yet: `Backend::new("gcs")`.
    pub fn new(kind: &str) -> Self {
        Backend { kind: kind.to_owned(), arguments: Fields::new() }
    }

    /// The same backend with one more argument (replacing one of the same
    /// name): `.with("prefix", "orders")`.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.arguments.insert(name.to_owned(), value.into());
        self
    }

    /// `backend "s3"`, encrypted, locked with a lock file beside the state
    /// object (`use_lockfile`, which needs Terraform 1.11): the state of a
    /// team and a pipeline.
    pub fn s3(bucket: &str, key: &str, region: &str) -> Self {
        Backend::new("s3").with("bucket", bucket).with("key", key).with("region", region).with("encrypt", true).with("use_lockfile", true)
    }

    /// `backend "s3"`, encrypted, locked with a DynamoDB table (deprecated
    /// by Terraform 1.11, the only locking before it).
    pub fn s3_dynamodb(bucket: &str, key: &str, region: &str, table: &str) -> Self {
        Backend::new("s3").with("bucket", bucket).with("key", key).with("region", region).with("encrypt", true).with("dynamodb_table", table)
    }

    /// `backend "local"`: state in a file beside the configuration, for
    /// experiments and tests.
    pub fn local(path: &str) -> Self {
        Backend::new("local").with("path", path)
    }

    /// The `cloud` block of HCP Terraform: the organization and one
    /// workspace by name (Terraform 1.1).
    pub fn cloud(organization: &str, workspace: &str) -> Self {
        let mut workspaces = Fields::new();
        workspaces.insert("name".into(), Value::from(workspace));
        Backend::new(crate::schema::backends::CLOUD).with("organization", organization).with("workspaces", Value::Block(workspaces))
    }
}

/// `output "name" { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The `value`: usually a reference to an attribute (`vpc.attr("id")`).
    pub value: Value,
    /// The `description`, for whoever reads `terraform output` or uses the
    /// stack's outputs.
    pub description: String,
    /// `sensitive = true`: Terraform hides the value in plan and apply
    /// output (it is still in the state); written only when true.
    pub sensitive: bool,
    /// The value's type, as `output!` infers it at compile time (variables'
    /// and locals' types, the provider's attribute types, literals and
    /// operators); `None` when nobody inferred it. Not rendered: Terraform
    /// outputs carry no type.
    pub ty: Option<crate::schema::TypeConstraint>,
}

/// A whole Terraform configuration.
#[derive(Debug)]
pub struct Stack {
    /// The stack's name: its directory (`stacks/<name>/`), and the name the
    /// configuration's `"//"` header and the policy reports give it.
    pub name: String,
    /// `terraform.required_version`: the floor (`>= 1.0.0` unless set); synthesis raises it to what the stack's features need.
    pub required_version: String,
    /// Provider configurations, written in this order; their
    /// `required_providers` entries win over those the resources imply.
    pub providers: Vec<Provider>,
    /// Where Terraform keeps the state; `None` for Terraform's default, a
    /// local `terraform.tfstate`.
    pub backend: Option<Backend>,
    /// Resources and data sources, in the order they were declared; a
    /// duplicate address is kept here and reported by validation.
    pub resources: Vec<Resource>,
    /// Outputs by name; a name declared twice keeps the later output, and
    /// validation reports it.
    pub outputs: BTreeMap<String, Output>,
    /// Input variables by name (`var.<name>`); a name declared twice keeps
    /// the later one, and validation reports it.
    pub variables: BTreeMap<String, Variable>,
    /// Local values by name (`local.<name>`); likewise.
    pub locals: BTreeMap<String, Value>,
    /// Zips of Lambda code, written under `assets/` beside the configuration.
    pub assets: Vec<Asset>,
    /// Component instances, in the order they were opened ([`Stack::scope`]).
    pub instances: Vec<Instance>,
    /// `moved` blocks, in the order written.
    pub moved: Vec<Moved>,
    /// `import` blocks, in the order written.
    pub imports: Vec<Import>,
    /// `removed` blocks, in the order written.
    pub removed: Vec<Removed>,
    /// `check` blocks, in the order written; validation reports a name used twice.
    pub checks: Vec<Check>,
    /// Instances opened twice with the same path (kept for validation).
    pub(crate) scope_collisions: Vec<ScopeCollision>,
    /// Output names declared more than once (kept for validation).
    pub(crate) duplicate_outputs: Vec<String>,
    /// Variable and local names declared more than once, as `var.x` and
    /// `local.x` (kept for validation).
    pub(crate) duplicate_values: Vec<String>,
    /// Overrides given a handle of no resource in this stack (kept for validation).
    pub(crate) stray_overrides: Vec<(Arc<Address>, String)>,
}

impl Stack {
    /// An empty stack named `name`, requiring Terraform `>= 1.0.0`.
    pub fn new(name: &str) -> Self {
        Stack {
            name: name.to_owned(),
            required_version: ">= 1.0.0".into(),
            providers: Vec::new(),
            backend: None,
            resources: Vec::new(),
            outputs: BTreeMap::new(),
            variables: BTreeMap::new(),
            locals: BTreeMap::new(),
            assets: Vec::new(),
            instances: Vec::new(),
            moved: Vec::new(),
            imports: Vec::new(),
            removed: Vec::new(),
            checks: Vec::new(),
            scope_collisions: Vec::new(),
            duplicate_outputs: Vec::new(),
            duplicate_values: Vec::new(),
            stray_overrides: Vec::new(),
        }
    }

    /// Declares an input variable and returns the reference to it, of the
    /// shape its type has (`Var<Number>`): `var.<name>` in the
    /// configuration. A name used twice is reported by validation.
    pub fn variable<K: 'static>(&mut self, name: &str, variable: Variable) -> Var<K> {
        if self.variables.insert(name.to_owned(), variable).is_some() {
            self.duplicate_values.push(format!("var.{name}"));
        }
        Var::named(name)
    }

    /// Declares the variables of a Rust type (`#[derive(Variables)]`) and
    /// returns their references: `let var = stack.declare::<Inputs>();`
    /// makes `var.retention` read `var.retention`.
    pub fn declare<V: Variables>(&mut self) -> V::Handles {
        V::declare(self)
    }

    /// Declares a local value and returns the reference to it:
    /// `local.<name>`. A name used twice is reported by validation.
    pub fn local<K: 'static>(&mut self, name: &str, value: impl Into<Value>) -> Local<K> {
        if self.locals.insert(name.to_owned(), value.into()).is_some() {
            self.duplicate_values.push(format!("local.{name}"));
        }
        Local::named(name)
    }

    /// [`Resource::override_at`] on the resource `handle` points at:
    /// `stack.override_at(&bucket, "lifecycle.replace_triggered_by", Value::raw("[aws_kms_key.data.id]"))`.
    pub fn override_at<T>(&mut self, handle: &Handle<T>, path: &str, value: impl Into<Value>) -> &mut Self {
        self.on_resource(handle, path, |r| r.override_at(path, value))
    }

    /// [`Resource::override_unchecked`] on the resource `handle` points at.
    pub fn override_unchecked<T>(&mut self, handle: &Handle<T>, path: &str, value: impl Into<Value>) -> &mut Self {
        self.on_resource(handle, path, |r| r.override_unchecked(path, value))
    }

    /// [`Resource::remove_at`] on the resource `handle` points at.
    pub fn remove_at<T>(&mut self, handle: &Handle<T>, path: &str) -> &mut Self {
        self.on_resource(handle, path, |r| r.remove_at(path))
    }

    fn on_resource<T>(&mut self, handle: &Handle<T>, path: &str, f: impl FnOnce(&mut Resource) -> &mut Resource) -> &mut Self {
        // The last one of that address: a duplicate is validation's to report.
        match self.resources.iter_mut().rev().find(|r| r.address == handle.address) {
            Some(r) => {
                f(r);
            }
            None => self.stray_overrides.push((handle.address.clone(), path.to_owned())),
        }
        self
    }

    /// Adds a provider configuration (a second one of the same provider
    /// needs an [`alias`](Provider::alias)).
    pub fn provider(&mut self, provider: Provider) -> &mut Self {
        self.providers.push(provider);
        self
    }

    /// Sets where Terraform keeps the state, replacing any backend set before.
    pub fn backend(&mut self, backend: Backend) -> &mut Self {
        self.backend = Some(backend);
        self
    }

    /// Adds a resource or data source and returns its handle. Duplicates are
    /// reported by validation, not here.
    pub fn add(&mut self, resource: Resource) -> Handle {
        let handle = Handle::at(resource.address.clone());
        self.resources.push(resource);
        handle
    }

    /// Adds an output that is not sensitive:
    /// `stack.output("vpc_id", "the VPC's ID", vpc.attr("id"))`. A name
    /// used twice is reported by validation.
    pub fn output(&mut self, name: &str, description: &str, value: impl Into<Value>) -> &mut Self {
        self.output_with(name, Output { value: value.into(), description: description.to_owned(), sensitive: false, ty: None })
    }

    /// Adds an output with every setting given ([`Output::sensitive`]
    /// included). A name used twice is reported by validation.
    pub fn output_with(&mut self, name: &str, output: Output) -> &mut Self {
        if self.outputs.insert(name.to_owned(), output).is_some() {
            self.duplicate_outputs.push(name.to_owned());
        }
        self
    }

    /// Registers an asset (a zip of Lambda code) to be written beside the configuration.
    pub fn asset(&mut self, asset: Asset) -> crate::asset::AssetHandle {
        let handle = asset.handle();
        self.assets.push(asset);
        handle
    }

    /// The schema facts of every provider the stack uses, by local name:
    /// declared with `provider!`, or implied by a resource's type.
    pub fn provider_facts(&self) -> BTreeMap<&'static str, &'static ProviderFacts> {
        let declared = self.providers.iter().filter_map(|p| p.facts);
        let scoped = self.checks.iter().flat_map(|c| &c.data);
        let implied = self.resources.iter().chain(scoped).filter_map(|r| r.facts.map(TypeFacts::provider));
        declared.chain(implied).map(|f| (f.local_name, f)).collect()
    }

    /// Managed resources (not data sources) of one type.
    pub fn resources_of_type<'a, 't>(&'a self, type_name: &'t str) -> impl Iterator<Item = &'a Resource> + use<'a, 't> {
        self.resources.iter().filter(move |r| r.address.mode == Mode::Managed && r.address.type_name == type_name)
    }
}
