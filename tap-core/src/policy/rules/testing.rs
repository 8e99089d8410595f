//! Helpers for rule unit tests: build small stacks without the macros.

use crate::graph::{Graph, Resource, Stack};
use crate::policy::{evaluate_rules, selected_rules, Outcome, Rule, StackPolicy, PACKS};
use crate::reference::Address;
use crate::value::Value;

pub fn resource(type_name: &str, name: &str) -> Resource {
    Resource::new(Address::resource(type_name, name))
}

pub fn lambda(name: &str) -> Resource {
    resource("aws_lambda_function", name)
}

/// A data source with an empty body.
pub fn data(type_name: &str, name: &str) -> Resource {
    Resource::new(Address::data(type_name, name))
}

/// A list of literal strings.
pub fn strs(items: &[&str]) -> Value {
    Value::list(items.iter().map(|s| Value::from(*s)))
}

/// A nested block instance.
pub fn block<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Block(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A reference to `type.name.attr`.
pub fn reference(type_name: &str, name: &str, attr: &str) -> Value {
    let r = Resource::new(Address::resource(type_name, name));
    let mut s = Stack::new("t");
    s.add(r).attr(attr)
}

/// A reference to `data.type.name.attr`.
pub fn data_reference(type_name: &str, name: &str, attr: &str) -> Value {
    let mut s = Stack::new("t");
    s.add(data(type_name, name)).attr(attr)
}

/// Evaluates `rule` on the first resource of a stack made of `resources`.
pub fn eval(rule: &Rule, resources: Vec<Resource>) -> Outcome {
    let mut stack = Stack::new("t");
    for r in resources {
        stack.add(r);
    }
    let graph = Graph::new(&stack);
    (rule.check)(&stack.resources[0], &graph)
}

/// Runs `rule` the way synthesis does, through [`evaluate_rules`] and its
/// filter on resource types, on a stack made of `resources` with every pack
/// on, and returns the outcomes of this rule for the first resource: empty
/// when the engine left that resource alone.
pub fn eval_in_engine(rule: &'static Rule, resources: Vec<Resource>) -> Vec<Outcome> {
    let mut stack = Stack::new("t");
    let policy = StackPolicy { packs: PACKS.iter().map(|p| p.name.to_owned()).collect(), ..StackPolicy::default() };
    assert!(selected_rules(&policy.packs).expect("shipped packs exist").iter().any(|(r, _)| r.id == rule.id), "no pack selects {}", rule.id);
    for r in resources {
        stack.add(r);
    }
    let graph = Graph::new(&stack);
    let first = &stack.resources[0];
    evaluate_rules(&stack, &policy, &graph)
        .expect("shipped packs exist")
        .into_iter()
        .filter(|e| e.rule.id() == rule.id && std::ptr::eq(e.resource, first))
        .map(|e| e.outcome)
        .collect()
}
