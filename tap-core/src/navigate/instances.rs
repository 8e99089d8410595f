//! The instances of a resource with `count` or `for_each`, where the
//! stack knows them, and the body each instance has.
//!
//! Layer: navigate. Rules run on every instance whose index or key is
//! known before Terraform runs: `count = 3`, `for_each` over a map written
//! in the stack, a local, or a variable pinned by its validation. Each
//! instance's body is the resource's with `count.index`, `each.key` and
//! `each.value` (and a `dynamic` block's iterator) replaced by what they
//! are for that instance. Where the collection is known only at plan, the
//! resource is read as written, and those names are unknown.

use std::collections::BTreeMap;

use crate::graph::{Graph, Repetition, Resource};
use crate::path::{AttrPath, Step};
use crate::reference::{InstanceKey, Reference, Root};
use crate::value::{Expr, For, Value};

use super::{evaluate, get, resolve_owned};

/// How many instances a resource has, as far as the stack knows.
#[derive(Debug, PartialEq)]
pub enum Instances<'v> {
    /// No `count` or `for_each`: one instance, the resource itself.
    Single,
    /// Each instance's key, and the value the repetition binds for it
    /// (`count` → `{index}`, `each` → `{key, value}`).
    Known(Vec<(InstanceKey, Value)>),
    /// The iterated value is known only at plan.
    Unknown(&'v Value),
}

/// The instances of `resource`.
pub fn instances<'v>(resource: &'v Resource, graph: &Graph<'_>) -> Instances<'v> {
    let Some(repetition) = &resource.repetition else { return Instances::Single };
    let iterated = repetition.value();
    let Some(known) = evaluate(iterated, &|r| resolve_owned(r, graph)) else { return Instances::Unknown(iterated) };
    match (repetition, collection_entries(&known)) {
        (Repetition::Count(_), _) => match count_of(&known) {
            Some(n) => Instances::Known((0..n).map(|i| (InstanceKey::Index(i), Value::map([("index", Value::Int(i as i64))]))).collect()),
            None => Instances::Unknown(iterated),
        },
        (Repetition::ForEach(_), Some(entries)) => {
            Instances::Known(entries.into_iter().map(|(k, v)| (InstanceKey::Key(k.clone()), Value::map([("key", Value::Str(k)), ("value", v)]))).collect())
        }
        (Repetition::ForEach(_), None) => Instances::Unknown(iterated),
    }
}

/// A whole, non-negative count.
fn count_of(value: &Value) -> Option<u64> {
    match value {
        Value::Int(n) => u64::try_from(*n).ok(),
        Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 => Some(*f as u64),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// What `for_each` iterates, as (key, value) pairs: a map's entries, or a
/// set of strings' members (each its own key and value). Terraform
/// refuses a list (its elements have no keys): that is not a collection here.
pub fn collection_entries(value: &Value) -> Option<Vec<(String, Value)>> {
    match value {
        Value::Map(m) | Value::Block(m) => Some(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::Call(c) if c.function == "toset" && c.args.len() == 1 => set_members(&c.args[0]),
        _ => None,
    }
}

fn set_members(value: &Value) -> Option<Vec<(String, Value)>> {
    let Value::List(items) = value else { return None };
    let mut members: Vec<String> = items.iter().map(|i| i.as_str().map(str::to_owned)).collect::<Option<_>>()?;
    members.sort();
    members.dedup();
    Some(members.into_iter().map(|m| (m.clone(), Value::Str(m))).collect())
}

/// One instance of `resource` as the rules read it: its body with the
/// repetition's name bound to `bound` (`None` for a single resource), and
/// every `dynamic` block whose collection is known expanded into its blocks.
pub fn instance(resource: &Resource, bound: Option<&Value>, graph: &Graph<'_>) -> Resource {
    let mut out = resource.clone();
    for value in out.body.values_mut() {
        if let (Some(repetition), Some(bound)) = (&resource.repetition, bound) {
            *value = bind(value, repetition.binds(), bound);
        }
        expand_dynamic_blocks(value, graph);
    }
    out
}

/// Does the body hold anything [`instance`] would change?
pub fn varies(resource: &Resource) -> bool {
    resource.repetition.is_some() || resource.body.values().any(holds_dynamic)
}

fn holds_dynamic(value: &Value) -> bool {
    let mut found = false;
    value.walk(&mut AttrPath::root(), &mut |_, v| found |= matches!(v, Value::Expr(e) if matches!(**e, Expr::Dynamic(_))));
    found
}

/// Replaces each `dynamic` block inside `value` whose collection is known
/// by the blocks it makes; one known only at plan stays as it is.
fn expand_dynamic_blocks(value: &mut Value, graph: &Graph<'_>) {
    match value {
        Value::Expr(e) => {
            if let Expr::Dynamic(d) = &**e {
                if let Some(blocks) = dynamic_blocks(d, graph) {
                    *value = Value::List(blocks);
                }
            }
        }
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                expand_dynamic_blocks(&mut item, graph);
                // A dynamic block beside literal ones of the same name adds its blocks to theirs.
                match item {
                    Value::List(blocks) if blocks.iter().all(|b| matches!(b, Value::Block(_))) => out.extend(blocks),
                    other => out.push(other),
                }
            }
            *items = out;
        }
        Value::Block(fields) => fields.values_mut().for_each(|v| expand_dynamic_blocks(v, graph)),
        _ => {}
    }
}

/// The blocks a `dynamic` block makes, when its collection is known: one
/// per element, the iterator bound to `{key, value}` (a list's key is the index).
pub fn dynamic_blocks(d: &crate::value::Dynamic, graph: &Graph<'_>) -> Option<Vec<Value>> {
    let known = evaluate(&d.for_each, &|r| resolve_owned(r, graph))?;
    let entries: Vec<(Value, Value)> = match &known {
        Value::List(items) => items.iter().enumerate().map(|(i, v)| (Value::Int(i as i64), v.clone())).collect(),
        other => collection_entries(other)?.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
    };
    let mut blocks = Vec::with_capacity(entries.len());
    for (key, element) in entries {
        let mut block = bind(&d.content, &d.iterator, &Value::map([("key", key), ("value", element)]));
        expand_dynamic_blocks(&mut block, graph);
        blocks.push(block);
    }
    Some(blocks)
}

/// `value` with every reference to the bound name `name` replaced by what
/// it reads in `bound` (unknown when `bound` has nothing there). An
/// element chosen by a key that became known is a plain reference again:
/// `var.zones[count.index]` is `var.zones[0]` in instance 0.
pub fn bind(value: &Value, name: &str, bound: &Value) -> Value {
    let again = |v: &Value| bind(v, name, bound);
    match value {
        Value::Ref(r) if matches!(&r.root, Root::Bound(n) if &**n == name) => match r.path.is_root() {
            true => bound.clone(),
            false => get(bound, &r.path).cloned().unwrap_or(Value::Unknown),
        },
        Value::List(items) => Value::List(items.iter().map(again).collect()),
        Value::Map(m) => Value::Map(bind_fields(m, name, bound)),
        Value::Block(m) => Value::Block(bind_fields(m, name, bound)),
        Value::Template(parts) => Value::Template(parts.iter().map(again).collect()),
        Value::Call(c) => {
            let mut c = c.clone();
            c.args = c.args.iter().map(again).collect();
            Value::Call(c)
        }
        Value::Expr(e) => match &**e {
            Expr::Conditional { condition, then, otherwise } => Value::conditional(again(condition), again(then), again(otherwise)),
            Expr::Binary { op, left, right } => Value::expr(Expr::Binary { op: *op, left: again(left), right: again(right) }),
            Expr::Unary { op, operand } => Value::expr(Expr::Unary { op: *op, operand: again(operand) }),
            // A `for` that binds the same name hides the outer one inside it.
            Expr::For(f) => {
                let hidden = f.value == name || f.key.as_deref() == Some(name);
                let inner = |v: &Value| if hidden { v.clone() } else { again(v) };
                Value::expr(Expr::For(For {
                    key: f.key.clone(),
                    value: f.value.clone(),
                    collection: again(&f.collection),
                    key_out: f.key_out.as_ref().map(inner),
                    out: inner(&f.out),
                    condition: f.condition.as_ref().map(inner),
                }))
            }
            Expr::Index { collection, key, path } => element(again(collection), again(key), path),
            Expr::Splat { collection, path } => Value::expr(Expr::Splat { collection: again(collection), path: path.clone() }),
            Expr::Dynamic(d) => Value::expr(Expr::Dynamic(Box::new(crate::value::Dynamic {
                for_each: again(&d.for_each),
                iterator: d.iterator.clone(),
                // The iterator's own name hides an outer one of the same name.
                content: if d.iterator == name { d.content.clone() } else { again(&d.content) },
            }))),
        },
        other => other.clone(),
    }
}

fn bind_fields(fields: &BTreeMap<String, Value>, name: &str, bound: &Value) -> BTreeMap<String, Value> {
    fields.iter().map(|(k, v)| (k.clone(), bind(v, name, bound))).collect()
}

/// `collection[key].path`, as a plain reference when the key is known and
/// the collection is a reference.
pub(crate) fn element(collection: Value, key: Value, path: &AttrPath) -> Value {
    let step = match &key {
        Value::Int(i) if *i >= 0 => Some(Step::Index(*i as usize)),
        Value::Str(s) => Some(Step::Key(s.clone())),
        _ => None,
    };
    match (collection, step) {
        (Value::Ref(r), Some(step)) => {
            let mut steps = r.path.steps().to_vec();
            steps.push(step);
            steps.extend(path.steps().iter().cloned());
            Value::Ref(Reference { root: r.root, path: AttrPath::from(steps) })
        }
        (collection, _) => Value::expr(Expr::Index { collection, key, path: path.clone() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Stack;
    use crate::reference::Address;

    fn subnets(repetition: Repetition) -> Resource {
        Resource::new(Address::resource("aws_subnet", "private"))
            .set("cidr_block", Value::Ref(Reference::each_value().attr("cidr")))
            .set("tags", Value::map([("Name", Value::Ref(Reference::each_key()))]))
            .repeated(repetition)
    }

    #[test]
    fn known_for_each_gives_one_body_per_key() {
        let by_zone = Value::map([
            ("b", Value::map([("cidr", Value::from("10.0.2.0/24"))])),
            ("a", Value::map([("cidr", Value::from("10.0.1.0/24"))])),
        ]);
        let mut stack = Stack::new("t");
        stack.local::<()>("zones", by_zone);
        stack.add(subnets(Repetition::ForEach(Value::Ref(Reference::local("zones")))));
        let graph = Graph::new(&stack);
        let Instances::Known(found) = instances(&stack.resources[0], &graph) else { panic!("the local is known") };
        let keys: Vec<String> = found.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(keys, ["[\"a\"]", "[\"b\"]"]);
        let a = instance(&stack.resources[0], Some(&found[0].1), &graph);
        assert_eq!(a.body["cidr_block"], Value::from("10.0.1.0/24"));
        assert_eq!(a.body["tags"], Value::map([("Name", Value::from("a"))]));
    }

    #[test]
    fn count_and_sets_and_what_is_known_only_at_plan() {
        let mut stack = Stack::new("t");
        stack.variable::<()>("zones", crate::graph::Variable::default());
        let zone = Value::expr(Expr::Index { collection: Value::Ref(Reference::variable("zones")), key: Value::Ref(Reference::count_index()), path: AttrPath::root() });
        stack.add(Resource::new(Address::resource("aws_subnet", "c")).set("availability_zone", zone).repeated(Repetition::Count(Value::Int(2))));
        stack.add(subnets(Repetition::ForEach(Value::call("toset", vec![Value::list([Value::from("x"), Value::from("w"), Value::from("x")])]))));
        stack.add(subnets(Repetition::ForEach(Value::Ref(Reference::variable("zones")))));
        let graph = Graph::new(&stack);
        let Instances::Known(counted) = instances(&stack.resources[0], &graph) else { panic!("count = 2") };
        assert_eq!(counted.len(), 2);
        let second = instance(&stack.resources[0], Some(&counted[1].1), &graph);
        assert_eq!(crate::value::to_terraform_json(&second.body["availability_zone"]), "${var.zones[1]}");
        let Instances::Known(set) = instances(&stack.resources[1], &graph) else { panic!("a literal set") };
        assert_eq!(set.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>(), ["[\"w\"]", "[\"x\"]"]);
        assert!(matches!(instances(&stack.resources[2], &graph), Instances::Unknown(Value::Ref(_))));
        assert_eq!(instances(&Resource::new(Address::resource("aws_vpc", "v")), &graph), Instances::Single);
    }

    #[test]
    fn known_dynamic_blocks_expand_and_unknown_ones_stay() {
        let rule = |collection: Value| {
            let content = Value::Block([("from_port".to_owned(), Value::Ref(Reference::bound("rule").attr("value").attr("port")))].into());
            Value::expr(Expr::Dynamic(Box::new(crate::value::Dynamic { for_each: collection, iterator: "rule".into(), content })))
        };
        let ports = Value::list([Value::map([("port", Value::Int(443))]), Value::map([("port", Value::Int(80))])]);
        let mut stack = Stack::new("t");
        stack.variable::<()>("rules", crate::graph::Variable::default());
        stack.add(Resource::new(Address::resource("aws_security_group", "web")).set("ingress", rule(ports)));
        stack.add(Resource::new(Address::resource("aws_security_group", "api")).set("ingress", rule(Value::Ref(Reference::variable("rules")))));
        let graph = Graph::new(&stack);
        assert!(varies(&stack.resources[0]) && !varies(&Resource::new(Address::resource("aws_vpc", "v"))));
        let web = instance(&stack.resources[0], None, &graph);
        let ports: Vec<&Value> = match &web.body["ingress"] {
            Value::List(blocks) => blocks.iter().map(|b| &b.as_object().unwrap()["from_port"]).collect(),
            other => panic!("expanded into blocks: {other:?}"),
        };
        assert_eq!(ports, [&Value::Int(443), &Value::Int(80)]);
        let api = instance(&stack.resources[1], None, &graph);
        assert!(holds_dynamic(&api.body["ingress"]), "known only at plan");
    }
}
