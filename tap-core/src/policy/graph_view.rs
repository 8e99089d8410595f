//! The read-only view of a stack that rules and validation use: resolve a
//! reference, find who refers to a resource. Built once in O(n), so rules
//! that look across resources stay linear in the stack size.

use std::collections::HashMap;

use crate::graph::{Resource, Stack};
use crate::path::AttrPath;
use crate::reference::{Address, Reference};
use crate::value::Value;

pub struct Graph<'a> {
    pub stack: &'a Stack,
    by_address: HashMap<&'a Address, &'a Resource>,
    referrers: HashMap<&'a Address, Vec<(&'a Resource, AttrPath)>>,
}

impl<'a> Graph<'a> {
    pub fn new(stack: &'a Stack) -> Self {
        let mut by_address = HashMap::with_capacity(stack.resources.len());
        let mut referrers: HashMap<&'a Address, Vec<(&'a Resource, AttrPath)>> = HashMap::new();
        for r in &stack.resources {
            by_address.entry(&*r.address).or_insert(r);
        }
        for r in &stack.resources {
            for (name, value) in &r.body {
                collect_refs(value, &AttrPath::root().name(name), &mut |target, path| {
                    referrers.entry(target).or_default().push((r, path));
                });
            }
        }
        Graph { stack, by_address, referrers }
    }

    /// The resource a reference points at, if declared.
    pub fn resolve(&self, reference: &Reference) -> Option<&'a Resource> {
        self.by_address.get(&*reference.target).copied()
    }

    pub fn get(&self, address: &Address) -> Option<&'a Resource> {
        self.by_address.get(address).copied()
    }

    /// Every resource with an attribute that refers to `address`, with that attribute's path.
    pub fn referrers(&self, address: &Address) -> &[(&'a Resource, AttrPath)] {
        self.referrers.get(address).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Resources of `type_name` whose attribute `attr` (top level) refers to `address`.
    pub fn referrers_via(&self, address: &Address, type_name: &str, attr: &str) -> Vec<&'a Resource> {
        self.referrers(address)
            .iter()
            .filter(|(r, p)| r.type_name() == type_name && p.0.first() == Some(&crate::path::Seg::Name(attr.to_owned())))
            .map(|(r, _)| *r)
            .collect()
    }
}

fn collect_refs<'a>(value: &'a Value, path: &AttrPath, f: &mut dyn FnMut(&'a Address, AttrPath)) {
    match value {
        Value::Ref(r) => f(&r.target, path.clone()),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_refs(item, &path.index(i), f);
            }
        }
        Value::Map(m) | Value::Block(m) => {
            for (k, v) in m {
                collect_refs(v, &path.name(k), f);
            }
        }
        Value::Call(c) => c.args.iter().for_each(|a| collect_refs(a, path, f)),
        Value::Template(parts) => parts.iter().for_each(|p| collect_refs(p, path, f)),
        _ => {}
    }
}
