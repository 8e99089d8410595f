//! The one navigator: what an [`AttrPath`] reaches in a value, and whether
//! a value is set. Built-in rules, organisation rules and `tap::testing`
//! read values through it, so they agree on every shape.
//!
//! Layer: navigate, just above the model (it follows references through
//! the stack's [`Graph`]) and below the rules. It decides nothing about
//! compliance and never fails: what it cannot know yet is
//! [`Reached::Unknown`].
//!
//! Settled once, for every reader:
//! - a block written once is addressable as its instance `[0]`, and `[*]`
//!   reaches it as a list of one; a name after a list of exactly one
//!   instance steps into that instance (rendered JSON writes every block
//!   as a list), after a list of several it reaches nothing;
//! - a reference reads the value configured on its target, through the
//!   stack; one to an attribute the target does not configure (computed
//!   by Terraform, or an undeclared target) is unknown;
//! - `jsonencode(x)` is entered as `x`, and a name step into a string
//!   enters the JSON document the string holds;
//! - a resource's `tags` are read as Terraform's `tags_all`: the
//!   provider's `default_tags.tags` with the resource's own tags over them;
//! - a value is set unless it is missing, null or `""` ([`is_set`]); a
//!   reference to a value Terraform computes counts as set.

mod eval;
mod instances;
mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::graph::{Graph, Resource};
use crate::path::{AttrPath, Step};
use crate::graph::Variable;
use crate::reference::{Reference, Root};
use crate::value::Expr;
use crate::schema::descriptor::DefaultTags;
use crate::value::Value;

pub use eval::{evaluate, Guarantee};
pub use instances::{bind, collection_entries, dynamic_blocks, instance, instances, varies, Instances};
pub(crate) use text::{known_text, text, Text};

/// How many references [`resolve`] follows before giving up (cycles are a validation error).
pub(crate) const MAX_HOPS: usize = 16;

/// What a path reached at one place.
#[derive(Clone, Debug, PartialEq)]
pub enum Reached<'v> {
    /// A value as written there (references inside it not yet followed).
    Value(Cow<'v, Value>),
    /// Unset, or null.
    Missing,
    /// Known only later: a Rust expression at compile time, or a value
    /// Terraform computes.
    Unknown,
}

/// A tree the navigator steps through: the value model, or rendered
/// Terraform JSON (what `tap::testing` reads).
pub trait Tree: Sized {
    /// The entry `name` of an object (a block, a map).
    fn field(&self, name: &str) -> Option<&Self>;
    /// The elements, if this is a list.
    fn elements(&self) -> Option<&[Self]>;
}

impl Tree for Value {
    fn field(&self, name: &str) -> Option<&Value> {
        self.as_object()?.get(name)
    }

    fn elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }
}

impl Tree for serde_json::Value {
    fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.as_object()?.get(name)
    }

    fn elements(&self) -> Option<&[serde_json::Value]> {
        self.as_array().map(Vec::as_slice)
    }
}

/// One step from `node` (which stands at `path`): every place it reaches,
/// with its path, and what is there (`None`: nothing). The one definition
/// of block instances, for every kind of tree.
pub fn step<'t, T: Tree>(node: &'t T, step: &Step, path: &AttrPath) -> Vec<(AttrPath, Option<&'t T>)> {
    match step {
        Step::Attr(name) | Step::Key(name) => {
            let next = path.with(step.clone());
            if let Some(found) = node.field(name) {
                return vec![(next, Some(found))];
            }
            match node.elements() {
                // A block rendered as a list of its one instance.
                Some([only]) => vec![(path.index(0).with(step.clone()), only.field(name))],
                _ => vec![(next, None)],
            }
        }
        Step::Index(i) => match node.elements() {
            Some(items) => vec![(path.index(*i), items.get(*i))],
            // A block written once is its own instance 0.
            None => vec![(path.index(*i), (*i == 0).then_some(node))],
        },
        Step::Each => match node.elements() {
            Some(items) => items.iter().enumerate().map(|(i, item)| (path.index(i), Some(item))).collect(),
            None => vec![(path.index(0), Some(node))],
        },
    }
}

/// The one place `path` names in `tree`, when it names exactly one.
pub fn get<'t, T: Tree>(tree: &'t T, path: &AttrPath) -> Option<&'t T> {
    let mut current = tree;
    let mut at = AttrPath::root();
    for s in path.steps() {
        let mut reached = step(current, s, &at);
        if reached.len() != 1 {
            return None;
        }
        let (next_at, next) = reached.pop().expect("BUG: one place was just counted");
        current = next?;
        at = next_at;
    }
    Some(current)
}

/// The one place `path` names in a resource body (or any object's
/// fields), as written: [`get`] from the body's entries.
pub fn get_in<'v>(body: &'v BTreeMap<String, Value>, path: &AttrPath) -> Option<&'v Value> {
    let (first, rest) = path.steps().split_first()?;
    let (Step::Attr(name) | Step::Key(name)) = first else { return None };
    get(body.get(name)?, &AttrPath::from(rest.to_vec()))
}

/// The value a written value stands for: references followed to the value
/// configured on their target. `None` when a reference reads something
/// only known at apply time: a computed attribute, an attribute the target
/// does not set, an undeclared target.
///
/// A local value is followed to its expression; a variable to the one
/// value its validations allow, if they allow one (otherwise it is known
/// only at plan: see [`guarantee`]); a conditional whose condition is
/// known to the branch it takes.
pub fn resolve<'v>(value: &'v Value, graph: &'v Graph<'_>) -> Option<&'v Value> {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        current = match current {
            Value::Ref(r) => follow(r, graph)?,
            Value::Expr(e) => match &**e {
                Expr::Conditional { condition, then, otherwise } => match evaluate(condition, &|r| resolve_owned(r, graph))? {
                    Value::Bool(true) => then,
                    Value::Bool(false) => otherwise,
                    _ => return None,
                },
                // An element chosen when Terraform runs: unknown until then.
                Expr::Index { .. } | Expr::Dynamic(_) => return None,
                _ => return Some(current),
            },
            _ => return Some(current),
        };
    }
    None
}

/// A reference's value, when it is known, for [`evaluate`].
pub(crate) fn resolve_owned(reference: &Reference, graph: &Graph<'_>) -> Option<Value> {
    let v = resolve(follow(reference, graph)?, graph)?;
    (!matches!(v, Value::Unknown)).then(|| v.clone())
}

/// The value a reference reads on its target, as configured.
fn follow<'v>(reference: &Reference, graph: &'v Graph<'_>) -> Option<&'v Value> {
    match &reference.root {
        // One instance reads the body as written: what differs between
        // instances (`each.value`) stays unknown there. `[*]` reads them all.
        Root::Resource(_) if reference.instance_step() == Some(&Step::Each) => None,
        Root::Resource(_) => get_in(&graph.resolve(reference)?.body, &AttrPath::from(reference.attribute_steps().to_vec())),
        Root::Local(name) => get_from(graph.stack.locals.get(&**name)?, &reference.path),
        Root::Variable(name) => get_from(pinned(name, graph.stack.variables.get(&**name)?)?, &reference.path),
        Root::Bound(_) => None,
    }
}

/// [`get`], where an empty path is the value itself.
fn get_from<'v>(value: &'v Value, path: &AttrPath) -> Option<&'v Value> {
    if path.is_root() {
        Some(value)
    } else {
        get(value, path)
    }
}

/// The one value a variable's validations allow (`var.x == v`,
/// `contains([v], var.x)`), as written in the validation.
fn pinned<'v>(name: &str, variable: &'v Variable) -> Option<&'v Value> {
    let allowed = Guarantee::of(name, variable);
    let only = allowed.pinned()?;
    let mut found = None;
    for v in &variable.validations {
        v.condition.walk(&mut AttrPath::root(), &mut |_, x| {
            if found.is_none() && x == only {
                found = Some(x);
            }
        });
    }
    found
}

/// The variable a value reads, directly or through local values, and
/// what its declaration guarantees: what a rule uses when the value
/// itself is known only at plan.
pub fn guarantee<'v>(value: &'v Value, graph: &'v Graph<'_>) -> Option<(&'v str, Guarantee)> {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        let Value::Ref(r) = current else { return None };
        match &r.root {
            Root::Variable(name) if r.path.is_root() => return Some((name, Guarantee::of(name, graph.stack.variables.get(&**name)?))),
            Root::Local(name) if r.path.is_root() => current = graph.stack.locals.get(&**name)?,
            _ => return None,
        }
    }
    None
}

/// Is the value set: `Some(false)` when it is missing, null or `""`,
/// `None` while it is known only later. A reference counts as set unless
/// its target configures it as null or `""`: a value Terraform computes is
/// there once it applies.
pub fn is_set(value: Option<&Value>, graph: &Graph) -> Option<bool> {
    match value {
        None | Some(Value::Null) => Some(false),
        Some(Value::Unknown) => None,
        Some(Value::Str(s)) => Some(!s.is_empty()),
        Some(v @ (Value::Ref(_) | Value::Template(_))) => Some(!matches!(text(Some(v), graph).as_ref().map(Text::known), None | Some(Some("")))),
        Some(_) => Some(true),
    }
}

/// What a reached place holds, by the one notion of set: a place holding
/// null or `""` is missing, one known only later is unknown.
fn settle<'v>(value: Cow<'v, Value>, graph: &Graph) -> Reached<'v> {
    match is_set(Some(&value), graph) {
        Some(true) => Reached::Value(value),
        Some(false) => Reached::Missing,
        None => Reached::Unknown,
    }
}

/// Every value `path` reaches in `resource`, with its concrete path
/// (`[*]` expanded to each index). Leaves are as written: a reference at
/// the end of the path is not followed.
pub fn reach<'v>(resource: &'v Resource, graph: &'v Graph<'_>, path: &AttrPath) -> Vec<(AttrPath, Reached<'v>)> {
    let mut out = Vec::new();
    let Some((first, rest)) = path.steps().split_first() else { return out };
    let (Step::Attr(name) | Step::Key(name)) = first else { return out };
    let at = AttrPath::root().with(first.clone());
    // The provider's descriptor says which argument its default tags merge into.
    let default_tags = graph.descriptors().for_type(resource.type_name()).and_then(|d| d.default_tags.as_ref());
    if let Some(meaning) = default_tags.filter(|m| *name == m.merged_into) {
        match tags_all(resource, graph, meaning, rest) {
            Some(tags) if rest.is_empty() && tags.is_empty() => out.push((at, Reached::Missing)),
            Some(tags) => walk(Some(Cow::Owned(Value::Map(tags))), rest, at, graph, &mut out),
            None => out.push((rest.first().map_or_else(|| at.clone(), |key| at.with(key.clone())), Reached::Unknown)),
        }
        return out;
    }
    walk(resource.body.get(name).map(Cow::Borrowed), rest, at, graph, &mut out);
    out
}

fn walk<'v>(value: Option<Cow<'v, Value>>, steps: &[Step], path: AttrPath, graph: &'v Graph<'_>, out: &mut Vec<(AttrPath, Reached<'v>)>) {
    let Some(value) = value else { return out.push((path, Reached::Missing)) };
    let Some((next, rest)) = steps.split_first() else { return out.push((path, settle(value, graph))) };
    let inner = match enter(value, graph, matches!(next, Step::Attr(_) | Step::Key(_))) {
        Reached::Value(v) => v,
        other => return out.push((path, other)),
    };
    match inner {
        Cow::Borrowed(v) => {
            for (p, found) in step(v, next, &path) {
                walk(found.map(Cow::Borrowed), rest, p, graph, out);
            }
        }
        Cow::Owned(v) => {
            for (p, found) in step(&v, next, &path) {
                walk(found.map(|f| Cow::Owned(f.clone())), rest, p, graph, out);
            }
        }
    }
}

/// The value a step reads into: references followed to their configured
/// value, `jsonencode(x)` as `x`, and (for a name step) a JSON string as
/// the document it holds.
fn enter<'v>(value: Cow<'v, Value>, graph: &'v Graph<'_>, by_name: bool) -> Reached<'v> {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        current = match current {
            Cow::Borrowed(v @ Value::Ref(_)) => match resolve(v, graph) {
                Some(target) => Cow::Borrowed(target),
                None => return Reached::Unknown,
            },
            Cow::Owned(Value::Ref(r)) => match follow(&r, graph) {
                Some(target) => Cow::Borrowed(target),
                None => return Reached::Unknown,
            },
            Cow::Borrowed(Value::Call(c)) if c.function == "jsonencode" && c.args.len() == 1 => Cow::Borrowed(&c.args[0]),
            // A `dynamic` block is its blocks, when its collection is known.
            current @ Cow::Borrowed(Value::Expr(_)) | current @ Cow::Owned(Value::Expr(_)) if matches!(&*current, Value::Expr(e) if matches!(**e, Expr::Dynamic(_))) => {
                let Value::Expr(e) = &*current else { unreachable!("BUG: matched just above") };
                let Expr::Dynamic(d) = &**e else { unreachable!("BUG: matched just above") };
                match dynamic_blocks(d, graph) {
                    Some(blocks) => Cow::Owned(Value::List(blocks)),
                    None => return Reached::Unknown,
                }
            }
            Cow::Owned(Value::Call(mut c)) if c.function == "jsonencode" && c.args.len() == 1 => Cow::Owned(c.args.remove(0)),
            current => {
                return match &*current {
                    Value::Null => Reached::Missing,
                    Value::Unknown | Value::Call(_) => Reached::Unknown,
                    v @ (Value::Str(_) | Value::Template(_)) if by_name => match text(Some(v), graph).map(|t| t.parse_json()) {
                        Some(Ok(document)) => Reached::Value(Cow::Owned(document)),
                        Some(Err(None)) => Reached::Unknown,
                        Some(Err(Some(_))) | None => Reached::Missing,
                    },
                    _ => Reached::Value(current),
                };
            }
        };
    }
    Reached::Unknown
}

/// A resource's `tags` as Terraform's `tags_all`: the provider's default
/// tags with the resource's own over them. When the default tags are
/// known only later, a tag the resource sets itself is still known
/// (`rest` names it); otherwise `None`: known only later.
fn tags_all(resource: &Resource, graph: &Graph, meaning: &DefaultTags, rest: &[Step]) -> Option<BTreeMap<String, Value>> {
    let own = match resource.body.get(&meaning.merged_into) {
        None => BTreeMap::new(),
        Some(tags) => match enter(Cow::Borrowed(tags), graph, false) {
            Reached::Value(v) => v.as_object().cloned().unwrap_or_default(),
            Reached::Missing => BTreeMap::new(),
            Reached::Unknown => return None,
        },
    };
    let own = own.into_iter().filter(|(_, v)| *v != Value::Null);
    match default_tags(resource, graph, meaning) {
        Some(mut all) => {
            all.extend(own);
            Some(all)
        }
        None => {
            let own: BTreeMap<String, Value> = own.collect();
            match rest.first() {
                Some(Step::Attr(key) | Step::Key(key)) if own.contains_key(key) => Some(own),
                _ => None,
            }
        }
    }
}

/// The default tags of the provider configuration the resource uses (as
/// its descriptor places them: `default_tags { tags }` for AWS); `None`
/// when they are only known later.
fn default_tags(resource: &Resource, graph: &Graph, meaning: &DefaultTags) -> Option<BTreeMap<String, Value>> {
    let Some((_, config)) = graph.provider_of(resource) else {
        return Some(BTreeMap::new());
    };
    // The block's first instance: the provider takes one.
    let block = match config.get(&meaning.block) {
        None | Some(Value::Null) => return Some(BTreeMap::new()),
        Some(Value::List(items)) if items.is_empty() => return Some(BTreeMap::new()),
        Some(written) => get(written, &AttrPath::root().index(0))?,
    };
    match block.as_object()?.get(&meaning.attribute) {
        None | Some(Value::Null) => Some(BTreeMap::new()),
        Some(Value::Map(tags)) => Some(tags.clone()),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::graph::{Provider, Stack};
    use crate::reference::Address;

    fn resource(type_name: &str, name: &str) -> Resource {
        Resource::new(Address::resource(type_name, name))
    }

    fn block(entries: &[(&str, Value)]) -> Value {
        Value::Block(entries.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
    }

    fn path(text: &str) -> AttrPath {
        AttrPath::parse(text).unwrap()
    }

    /// What `path` reaches on the stack's first resource, as `path: value` lines.
    fn reached(stack: &Stack, at: &str) -> Vec<String> {
        let graph = Graph::new(stack);
        reach(&stack.resources[0], &graph, &path(at))
            .into_iter()
            .map(|(p, r)| match r {
                Reached::Value(v) => format!("{p}: {}", crate::value::to_terraform_json(&v)),
                Reached::Missing => format!("{p}: missing"),
                Reached::Unknown => format!("{p}: unknown"),
            })
            .collect()
    }

    fn stack_of(resources: Vec<Resource>) -> Stack {
        let mut stack = Stack::new("t");
        for r in resources {
            stack.add(r);
        }
        stack
    }

    // Settled: `[0]` on a block written once is that block. The rules'
    // reference walker found nothing there; the organisation rules' walker
    // found the instance.
    #[test]
    fn a_block_written_once_is_instance_zero() {
        let config = block(&[("subnet_ids", Value::list([Value::from("subnet-1")]))]);
        assert_eq!(get(&config, &AttrPath::root().index(0)), Some(&config));
        let vpc = resource("aws_lambda_function", "f").set("vpc_config", config.clone());
        let reader = resource("aws_x", "r").set("ids", Value::Ref(Reference::new(vpc.address.clone(), path("vpc_config[0].subnet_ids"))));
        let stack = stack_of(vec![reader, vpc]);
        let graph = Graph::new(&stack);
        assert_eq!(resolve(&stack.resources[0].body["ids"], &graph), Some(&Value::list([Value::from("subnet-1")])));
        assert_eq!(reached(&stack, "ids[0]"), [r#"ids[0]: "subnet-1""#]);
        let stack = stack_of(vec![resource("aws_lambda_function", "f").set("vpc_config", config)]);
        assert_eq!(reached(&stack, "vpc_config[*].subnet_ids"), [r#"vpc_config[0].subnet_ids: ["subnet-1"]"#]);
        assert_eq!(reached(&stack, "vpc_config[1].subnet_ids"), ["vpc_config[1]: missing"]);
    }

    // Settled: a name after a list of instances steps into the one
    // instance, and reaches nothing after several. `Resource::get` took the
    // first of several; the test matcher took only a single one.
    #[test]
    fn a_name_steps_through_one_instance_only() {
        let one = Value::list([block(&[("enabled", Value::Bool(true))])]);
        let two = Value::list([block(&[("enabled", Value::Bool(true))]), block(&[("enabled", Value::Bool(false))])]);
        assert_eq!(get(&one, &path("enabled")), Some(&Value::Bool(true)));
        assert_eq!(get(&two, &path("enabled")), None);
        let rendered = json!({ "rule": [{ "id": "a" }, { "id": "b" }], "pitr": [{ "enabled": true }] });
        assert_eq!(get(&rendered, &path("pitr.enabled")), Some(&json!(true)), "rendered JSON writes a block as a list of one");
        assert_eq!(get(&rendered, &path("rule.id")), None);
        assert_eq!(get(&rendered, &path("rule[1].id")), Some(&json!("b")));
        let stack = stack_of(vec![resource("aws_x", "a").set("rule", two)]);
        assert_eq!(reached(&stack, "rule.enabled"), ["rule.enabled: missing"]);
        assert_eq!(reached(&stack, "rule[*].enabled"), ["rule[0].enabled: true", "rule[1].enabled: false"]);
    }

    // Settled: `""` is not set, for every reader. The rules' predicates said
    // so; the organisation rules' `present` accepted it.
    #[test]
    fn an_empty_string_is_not_set() {
        let stack = stack_of(vec![resource("aws_x", "a").set("kms_key_id", "").set("name", "n").set("later", Value::Unknown)]);
        let graph = Graph::new(&stack);
        let body = &stack.resources[0].body;
        assert_eq!(is_set(body.get("kms_key_id"), &graph), Some(false));
        assert_eq!(is_set(body.get("missing"), &graph), Some(false));
        assert_eq!(is_set(Some(&Value::Null), &graph), Some(false));
        assert_eq!(is_set(body.get("name"), &graph), Some(true));
        assert_eq!(is_set(body.get("later"), &graph), None);
        assert_eq!(reached(&stack, "kms_key_id"), ["kms_key_id: missing"]);
        assert_eq!(reached(&stack, "later"), ["later: unknown"]);
    }

    // Settled: a reference is followed to its target's configured value
    // mid-path and counts as set; one to a computed attribute is unknown.
    #[test]
    fn references_are_followed_through_the_stack() {
        let key = resource("aws_kms_key", "k").set("description", "").set("policy", Value::jsonencode(Value::map([("Version", Value::from("2012-10-17"))])));
        let address = key.address.clone();
        let at = |attr: &str| Value::Ref(Reference::new(address.clone(), AttrPath::root().name(attr)));
        let reader = resource("aws_x", "r").set("doc", at("policy")).set("arn", at("arn")).set("empty", at("description"));
        let stack = stack_of(vec![reader, key]);
        assert_eq!(reached(&stack, "doc.Version"), [r#"doc.Version: "2012-10-17""#]);
        assert_eq!(reached(&stack, "arn.x"), ["arn: unknown"], "Terraform computes `arn`");
        let graph = Graph::new(&stack);
        let body = &stack.resources[0].body;
        assert_eq!(is_set(body.get("arn"), &graph), Some(true), "a computed value is there once Terraform applies");
        assert_eq!(is_set(body.get("empty"), &graph), Some(false), "the target configures `\"\"`");
    }

    // Settled: `jsonencode(x)` is `x`, and a name step enters a JSON string.
    #[test]
    fn json_documents_are_entered() {
        let statement = Value::map([("Principal", Value::from("*"))]);
        let encoded = Value::jsonencode(Value::map([("Statement", Value::list([statement]))]));
        let written = r#"{"Statement": {"Principal": {"AWS": ["a", "*"]}}}"#;
        let stack = stack_of(vec![resource("aws_x", "a").set("policy", encoded).set("text", written).set("bad", "{")]);
        assert_eq!(reached(&stack, "policy.Statement[*].Principal"), [r#"policy.Statement[0].Principal: "*""#]);
        assert_eq!(reached(&stack, "text.Statement[*].Principal.AWS[1]"), [r#"text.Statement[0].Principal.AWS[1]: "*""#]);
        assert_eq!(reached(&stack, "bad.Statement"), ["bad: missing"]);
    }

    // Settled: `tags` is read as `tags_all`, the provider's default tags
    // with the resource's own over them; only `tags.<key>` merged before.
    #[test]
    fn tags_include_the_providers_default_tags() {
        let bucket = resource("aws_s3_bucket", "b").set("tags", Value::map([("team", Value::from("data"))]));
        let mut stack = stack_of(vec![bucket]);
        stack.provider(Provider::aws("eu-west-1").default_tag("owner", "platform").default_tag("team", "ops"));
        assert_eq!(reached(&stack, "tags"), [r#"tags: {"owner":"platform","team":"data"}"#]);
        assert_eq!(reached(&stack, "tags.owner"), [r#"tags.owner: "platform""#]);
        let mut later = stack_of(vec![resource("aws_s3_bucket", "b").set("tags", Value::map([("team", Value::from("data"))]))]);
        later.provider(Provider::aws("eu-west-1").set("default_tags", Value::Unknown));
        assert_eq!(reached(&later, "tags.team"), [r#"tags.team: "data""#], "a tag of its own is known");
        assert_eq!(reached(&later, "tags.owner"), ["tags.owner: unknown"]);
        let untagged = stack_of(vec![resource("aws_s3_bucket", "b")]);
        assert_eq!(reached(&untagged, "tags.owner"), ["tags.owner: missing"]);
    }
}
