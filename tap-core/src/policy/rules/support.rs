//! Helpers shared by the rules: nested blocks written either as one block or
//! as a list of blocks, flags, and the usual shapes of "this flag must be
//! true" rules. Reading values is the navigator's ([`crate::navigate`]):
//! block instances, references followed to the value configured on their
//! target, partly known strings ([`Text`]) and whether a value is set.
//!
//! A helper that cannot decide returns `Err(Finding)` pointing at the value
//! that is only known later; [`outcome`] turns it into `Outcome::Unknown`.

use std::collections::BTreeMap;

use crate::graph::{Graph, Resource};
pub(crate) use crate::navigate::{known_text, resolve, text, Text};
use crate::navigate::{self, step};
use crate::path::{AttrPath, Step};
use crate::policy::{Finding, Outcome};
use crate::reference::{Address, Mode};
use crate::value::Value;

/// The fields of a block or object.
pub(crate) type Object = BTreeMap<String, Value>;

/// A decision, or the place whose value is only known later.
pub(crate) type Decided<T> = Result<T, Finding>;

pub(crate) fn finding(path: &AttrPath) -> Finding {
    Finding { path: path.clone(), detail: None }
}

/// A value that comes from a variable whose declaration does not
/// guarantee what the rule needs (`needs`: "be at least 365"): the
/// finding says which variable to constrain, and how. Every rule that
/// decides a variable by its guarantee fails closed with this.
pub(crate) fn unconstrained(path: &AttrPath, variable: &str, needs: &str) -> Finding {
    let at = if path.is_root() { "the value".to_owned() } else { format!("`{path}`") };
    finding(path).with_detail(format!(
        "{at} comes from `var.{variable}`, whose declaration does not guarantee it will {needs}; add a `validation` to `var.{variable}` that does (a bound such as `var.{variable} >= n`, `contains([...], var.{variable})` or `can(regex(\"...\", var.{variable}))`)"
    ))
}

/// An undecided result becomes `Outcome::Unknown`.
pub(crate) fn outcome(result: Decided<Outcome>) -> Outcome {
    result.unwrap_or_else(Outcome::Unknown)
}

/// Findings and the first undecidable place of a rule that looks at several
/// values. A definite finding wins over an unknown one: the resource fails
/// either way, and the finding says why.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    findings: Vec<Finding>,
    unknown: Option<Finding>,
}

impl Verdict {
    pub(crate) fn fail(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    pub(crate) fn unknown(&mut self, finding: Finding) {
        self.unknown.get_or_insert(finding);
    }

    /// The decided value, or `None` after recording why it is undecided.
    pub(crate) fn decide<T>(&mut self, result: Decided<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(f) => {
                self.unknown(f);
                None
            }
        }
    }

    /// Takes over `other`'s findings, each with its detail replaced by
    /// `detail` when given (a sensitive value's finding).
    pub(crate) fn merge(&mut self, other: Verdict, detail: Option<String>) {
        let redact = |mut f: Finding| {
            if let (Some(d), Some(_)) = (&detail, &f.detail) {
                f.detail = Some(d.clone());
            }
            f
        };
        self.findings.extend(other.findings.into_iter().map(redact));
        // An undecided place's detail says when it is known, not what it is.
        if let Some(f) = other.unknown {
            self.unknown(f);
        }
    }

    /// Non-compliant if anything failed, else unknown if anything was undecided, else compliant.
    pub(crate) fn finish(self) -> Outcome {
        if !self.findings.is_empty() {
            Outcome::NonCompliant(self.findings)
        } else if let Some(f) = self.unknown {
            Outcome::Unknown(f)
        } else {
            Outcome::Compliant
        }
    }
}

/// The resource a value refers to directly (`aws_subnet.a.id`), with the attribute read.
pub(crate) fn referenced<'v>(value: &'v Value, graph: &'v Graph<'_>) -> Option<(&'v Resource, &'v str)> {
    let Value::Ref(r) = value else { return None };
    Some((graph.resolve(r)?, r.attribute()?))
}

/// Is `resource` a managed resource of type `type_name`?
pub(crate) fn is_managed(resource: &Resource, type_name: &str) -> bool {
    resource.address.mode == Mode::Managed && resource.type_name() == type_name
}

/// The instances of nested block `name` in `parent`, each with its path
/// (`name[i]`; a block written as a single block is instance 0). Also
/// reads attributes that hold a list of objects. Unset or null: none.
pub(crate) fn blocks<'v>(parent: &'v Object, name: &str, base: &AttrPath) -> Decided<Vec<(AttrPath, &'v Object)>> {
    let path = base.name(name);
    let value = match parent.get(name) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(v @ (Value::Block(_) | Value::Map(_) | Value::List(_))) => v,
        Some(_) => return Err(finding(&path)),
    };
    let mut out = Vec::new();
    for (at, instance) in step(value, &Step::Each, &path) {
        match instance {
            Some(Value::Block(m) | Value::Map(m)) => out.push((at, m)),
            Some(Value::Null) | None => {}
            Some(_) => return Err(finding(&at)),
        }
    }
    Ok(out)
}

/// The elements of list attribute `name` in `parent`, each with its path. Unset or null: none.
pub(crate) fn items<'v>(parent: &'v Object, name: &str, base: &AttrPath) -> Decided<Vec<(AttrPath, &'v Value)>> {
    let path = base.name(name);
    match parent.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::List(items)) => Ok(items.iter().enumerate().map(|(i, v)| (path.index(i), v)).collect()),
        Some(_) => Err(finding(&path)),
    }
}

/// A bool attribute: `Ok(None)` when unset or null. Accepts `"true"` and
/// `"false"`, which Terraform converts, and follows references to a
/// configured value.
pub(crate) fn flag(parent: &Object, name: &str, base: &AttrPath, graph: &Graph) -> Decided<Option<bool>> {
    let path = base.name(name);
    let Some(value) = parent.get(name) else { return Ok(None) };
    match resolve(value, graph) {
        Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Str(s)) if s == "true" => Ok(Some(true)),
        Some(Value::Str(s)) if s == "false" => Ok(Some(false)),
        _ => Err(finding(&path)),
    }
}

/// Is attribute `name` set to something other than null or `""`? A reference counts as set.
pub(crate) fn is_set(parent: &Object, name: &str, base: &AttrPath, graph: &Graph) -> Decided<bool> {
    navigate::is_set(parent.get(name), graph).ok_or_else(|| finding(&base.name(name)))
}

/// The resource's own attribute `name` must be `true`.
pub(crate) fn require_flag(resource: &Resource, graph: &Graph, name: &str) -> Outcome {
    match flag(&resource.body, name, &AttrPath::root(), graph) {
        Ok(Some(true)) => Outcome::Compliant,
        Ok(Some(false)) => Outcome::NonCompliant(vec![Finding::at(name).with_detail(format!("`{name}` is false"))]),
        Ok(None) => Outcome::NonCompliant(vec![Finding::at("").with_detail(format!("`{name}` is not set"))]),
        Err(f) => Outcome::Unknown(f),
    }
}

/// The resource's own attribute `name` must not be `true`.
pub(crate) fn forbid_flag(resource: &Resource, graph: &Graph, name: &str) -> Outcome {
    match flag(&resource.body, name, &AttrPath::root(), graph) {
        Ok(Some(true)) => Outcome::NonCompliant(vec![Finding::at(name).with_detail(format!("`{name}` is true"))]),
        Ok(_) => Outcome::Compliant,
        Err(f) => Outcome::Unknown(f),
    }
}

/// The resource's own attribute `name` must be set.
pub(crate) fn require_set(resource: &Resource, graph: &Graph, name: &str) -> Outcome {
    match is_set(&resource.body, name, &AttrPath::root(), graph) {
        Ok(true) => Outcome::Compliant,
        Ok(false) => Outcome::NonCompliant(vec![Finding::at("").with_detail(format!("`{name}` is not set"))]),
        Err(f) => Outcome::Unknown(f),
    }
}

/// The resource must have nested block `block` with `name: true`.
pub(crate) fn require_block_flag(resource: &Resource, graph: &Graph, block: &str, name: &str) -> Outcome {
    outcome(block_flag(resource, graph, block, name))
}

fn block_flag(resource: &Resource, graph: &Graph, block: &str, name: &str) -> Decided<Outcome> {
    let instances = blocks(&resource.body, block, &AttrPath::root())?;
    let Some((path, fields)) = instances.first() else {
        return Ok(Outcome::NonCompliant(vec![Finding::at("").with_detail(format!("no `{block}` block"))]));
    };
    Ok(match flag(fields, name, path, graph)? {
        Some(true) => Outcome::Compliant,
        Some(false) => Outcome::NonCompliant(vec![finding(&path.name(name)).with_detail(format!("`{block}.{name}` is false"))]),
        None => Outcome::NonCompliant(vec![finding(path).with_detail(format!("`{block}.{name}` is not set"))]),
    })
}

/// Resources of `type_name` attached to `target` through their attribute
/// `attr`, and the first resource of that type whose `attr` is only known
/// at run time (it may be attached to `target` too).
pub(crate) struct Attached<'a> {
    pub(crate) resources: Vec<&'a Resource>,
    pub(crate) maybe: Option<&'a Resource>,
}

/// See [`Attached`]. `through` lists the attributes of `target` that a
/// direct reference may read (`id`, `bucket`); a reference nested in an
/// expression counts as "maybe". `name` is the target's literal name, if
/// the attached resource may also name it literally.
pub(crate) fn attached<'a>(
    graph: &Graph<'a>,
    target: &Address,
    type_name: &str,
    attr: &str,
    through: &[&str],
    name: Option<&str>,
) -> Attached<'a> {
    let mut out = Attached { resources: Vec::new(), maybe: None };
    for r in graph.referrers_via(target, type_name, attr) {
        match r.body.get(attr).and_then(|v| crate::graph::direct_target(r, v)) {
            Some((t, read)) if *t == *target => {
                if read.is_some_and(|a| through.contains(&a)) && !out.resources.iter().any(|x| x.address == r.address) {
                    out.resources.push(r);
                }
            }
            _ => {
                out.maybe.get_or_insert(r);
            }
        }
    }
    for r in graph.stack.resources.iter().filter(|r| is_managed(r, type_name)) {
        match r.body.get(attr) {
            Some(Value::Unknown) => {
                out.maybe.get_or_insert(r);
            }
            Some(Value::Str(s)) if Some(s.as_str()) == name && !out.resources.iter().any(|x| x.address == r.address) => {
                out.resources.push(r);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Stack;
    use crate::policy::rules::testing::{block, reference, resource};

    #[test]
    fn blocks_reads_a_single_block_and_a_list_of_blocks() {
        let one: Object = [("b".to_owned(), block([("x", Value::Bool(true))]))].into();
        let got = blocks(&one, "b", &AttrPath::root()).unwrap();
        assert_eq!(got[0].0.to_string(), "b[0]");
        let many: Object = [("b".to_owned(), Value::list([block([]), block([])]))].into();
        assert_eq!(blocks(&many, "b", &AttrPath::root()).unwrap()[1].0.to_string(), "b[1]");
        let unknown: Object = [("b".to_owned(), Value::Unknown)].into();
        assert!(blocks(&unknown, "b", &AttrPath::root()).is_err());
    }

    #[test]
    fn resolve_follows_references_to_configured_values() {
        let mut stack = Stack::new("t");
        stack.add(resource("aws_subnet", "a").set("cidr_block", "10.0.0.0/24"));
        stack.add(resource("aws_x", "y").set("c", reference("aws_subnet", "a", "cidr_block")).set("d", reference("aws_subnet", "a", "id")));
        let graph = Graph::new(&stack);
        let y = &stack.resources[1];
        assert_eq!(resolve(&y.body["c"], &graph), Some(&Value::from("10.0.0.0/24")));
        assert_eq!(resolve(&y.body["d"], &graph), None);
        let t = Value::template(vec![Value::from("arn:"), Value::Unknown, Value::from("/x")]);
        let t = text(Some(&t), &graph).unwrap();
        assert_eq!(t.to_string(), "arn:${...}/x");
        assert!(!t.is_known());
    }

}
