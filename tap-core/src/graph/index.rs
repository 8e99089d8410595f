//! The stack's graph: resources indexed by address, and the reference
//! edges between them in both directions. Validation, the policy rules and
//! synthesis read the stack through it.
//!
//! Layer: model. Built once in O(n) with one walk of every body, so
//! validation and rules that look across resources stay linear in the
//! stack size. It reads the stack and decides nothing.

use std::collections::HashMap;
use std::sync::Arc;

use crate::graph::{Provider, Repetition, Resource, Stack};
use crate::path::{AttrPath, Step};
use crate::reference::{Address, Mode, Reference, Root, EACH};
use crate::schema::{provider_of, Block, Descriptors};
use crate::value::{Fields, Value};

/// Finds the schema block of a type when its resources carry no facts
/// (the compile-time view, where the macros hold the schema).
pub type BlockLookup<'a> = dyn Fn(Mode, &str) -> Option<&'a Block> + 'a;

/// A reference written in a resource body, with where it stands.
pub type Edge<'a> = (AttrPath, &'a Reference);

/// The index of one stack, built once ([`Graph::new`]): resources by
/// address, the references between them in both directions, and each
/// provider's configuration as a body. Validation, the policy rules and
/// rendering read the stack through it, so none walks the bodies again.
pub struct Graph<'a> {
    /// The stack it indexes.
    pub stack: &'a Stack,
    by_address: HashMap<&'a Address, &'a Resource>,
    /// Per resource (by position in the stack), the references in its body.
    outgoing: Vec<Vec<Edge<'a>>>,
    /// Per target, where it is referred to: (resource position, edge position),
    /// so each edge's path is kept once, in `outgoing`.
    referrers: HashMap<&'a Address, Vec<(usize, usize)>>,
    blocks: Option<&'a BlockLookup<'a>>,
    /// Per provider (by position in the stack), its configuration, built
    /// once for validation, the policy and synthesis.
    provider_configs: Vec<Fields>,
    /// The descriptors of the stack's providers.
    descriptors: Descriptors<'a>,
}

impl<'a> Graph<'a> {
    /// Indexes `stack`, in one walk of every body. Of two resources with
    /// one address (a mistake validation reports), the first is the one
    /// found by address.
    pub fn new(stack: &'a Stack) -> Self {
        let mut by_address = HashMap::with_capacity(stack.resources.len());
        let mut referrers: HashMap<&'a Address, Vec<(usize, usize)>> = HashMap::new();
        for r in &stack.resources {
            by_address.entry(&*r.address).or_insert(r);
        }
        let mut outgoing = Vec::with_capacity(stack.resources.len());
        for (i, r) in stack.resources.iter().enumerate() {
            let edges = body_references(r);
            for (j, (_, reference)) in edges.iter().enumerate() {
                if let Some(target) = reference_target(r, reference) {
                    referrers.entry(&**target).or_default().push((i, j));
                }
            }
            outgoing.push(edges);
        }
        let provider_configs = stack.providers.iter().map(Provider::config).collect();
        let descriptors = Descriptors::new(stack.provider_facts().into_values().filter_map(|f| f.descriptor()));
        Graph { stack, by_address, outgoing, referrers, blocks: None, provider_configs, descriptors }
    }

    /// The same graph with these descriptors instead of those its
    /// resources' facts carry (the compile-time view, where the macros
    /// hold the crate's descriptors).
    pub fn with_descriptors(mut self, descriptors: Descriptors<'a>) -> Self {
        self.descriptors = descriptors;
        self
    }

    /// The descriptors of the stack's providers (and the embedded ones).
    pub fn descriptors(&self) -> &Descriptors<'a> {
        &self.descriptors
    }

    /// Every provider configuration of the stack, with its configuration
    /// as a body ([`Provider::config`], built once).
    pub fn providers(&self) -> impl Iterator<Item = (&'a Provider, &Fields)> + '_ {
        self.stack.providers.iter().zip(&self.provider_configs)
    }

    /// The configuration of one of the stack's providers as a body; `None`
    /// for a provider that is not the stack's.
    pub fn provider_config(&self, provider: &Provider) -> Option<&Fields> {
        self.providers().find(|(p, _)| std::ptr::eq(*p, provider)).map(|(_, config)| config)
    }

    /// The provider configuration a resource uses (its type's provider,
    /// with its alias), if the stack has one.
    pub fn provider_of(&self, resource: &Resource) -> Option<(&'a Provider, &Fields)> {
        let local = resource.facts.map_or_else(|| provider_of(resource.type_name()), |f| f.provider().local_name());
        self.providers().find(|(p, _)| p.name == local && p.alias == resource.provider_alias)
    }

    /// The same graph, finding schema blocks through `lookup` for
    /// resources without facts.
    pub(crate) fn with_blocks(mut self, lookup: &'a BlockLookup<'a>) -> Self {
        self.blocks = Some(lookup);
        self
    }

    /// The schema block of a resource's type: from its facts, or from the
    /// lookup given; `None` when neither knows the type.
    pub fn block_of(&self, resource: &Resource) -> Option<&'a Block> {
        match resource.facts {
            Some(facts) => Some(facts.block()),
            None => self.blocks.and_then(|lookup| lookup(resource.address.mode, resource.type_name())),
        }
    }

    /// The references in the body of the stack's `index`-th resource, in body order.
    pub fn references_of(&self, index: usize) -> &[Edge<'a>] {
        &self.outgoing[index]
    }

    /// The resource a reference points at, if declared.
    pub fn resolve(&self, reference: &Reference) -> Option<&'a Resource> {
        self.by_address.get(&**reference.target()?).copied()
    }

    /// The resource declared at `address`, if any.
    pub fn get(&self, address: &Address) -> Option<&'a Resource> {
        self.by_address.get(address).copied()
    }

    /// Every resource with an attribute that refers to `address`, with that attribute's path.
    pub fn referrers(&self, address: &Address) -> impl Iterator<Item = (&'a Resource, &AttrPath)> + '_ {
        let stack = self.stack;
        self.referrers.get(address).into_iter().flatten().map(move |&(i, j)| (&stack.resources[i], &self.outgoing[i][j].0))
    }

    /// Resources of `type_name` whose attribute `attr` (top level) refers to `address`.
    pub fn referrers_via(&self, address: &Address, type_name: &str, attr: &str) -> Vec<&'a Resource> {
        self.referrers(address).filter(|(r, p)| r.type_name() == type_name && p.first_name() == Some(attr)).map(|(r, _)| r).collect()
    }
}

/// The resource a reference in `holder`'s body reads: its target, or,
/// where `holder`'s `for_each` iterates another resource's instances,
/// that resource for `each.value` (the instance).
fn reference_target<'v>(holder: &'v Resource, reference: &'v Reference) -> Option<&'v Arc<Address>> {
    match (&reference.root, &holder.repetition) {
        (Root::Resource(target), _) => Some(target),
        (Root::Bound(n), Some(Repetition::ForEach(Value::Ref(over)))) if &**n == EACH && reference.path.first_name() == Some("value") && over.path.is_root() => over.target(),
        _ => None,
    }
}

/// The resource a value of `holder`'s body reads directly, and the
/// attribute it reads: a reference (`aws_s3_bucket.b.id`, or one instance,
/// `aws_s3_bucket.b["a"].id`), an instance Terraform chooses
/// (`aws_s3_bucket.b[each.key].id`), or `each.value.id` where `holder`'s
/// `for_each` iterates that resource's instances.
pub fn direct_target<'v>(holder: &'v Resource, value: &'v Value) -> Option<(&'v Address, Option<&'v str>)> {
    let attribute = |steps: &'v [Step]| match steps.first() {
        Some(Step::Attr(a)) => Some(a.as_str()),
        _ => None,
    };
    match value {
        Value::Ref(r) if r.target().is_some() => Some((r.target()?, r.attribute())),
        Value::Ref(r) => Some((reference_target(holder, r)?, attribute(&r.path.steps()[1..]))),
        Value::Expr(e) => match &**e {
            crate::value::Expr::Index { collection: Value::Ref(r), path, .. } if r.path.is_root() => Some((r.target()?, attribute(path.steps()))),
            _ => None,
        },
        _ => None,
    }
}

/// Every reference in a resource body, with its path.
fn body_references(resource: &Resource) -> Vec<Edge<'_>> {
    let mut edges = Vec::new();
    let mut path = AttrPath::root();
    for (name, value) in &resource.body {
        path.push(Step::Attr(name.clone()));
        value.for_each_reference(&mut path, &mut |p, r| edges.push((p.clone(), r)));
        path.pop();
    }
    edges
}
