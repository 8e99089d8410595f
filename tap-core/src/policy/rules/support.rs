//! Helpers shared by the rules: nested blocks written either as one block or
//! as a list of blocks, flags, strings that are partly known, references
//! followed to the value configured on their target, and the usual shapes
//! of "this flag must be true" rules.
//!
//! A helper that cannot decide returns `Err(Finding)` pointing at the value
//! that is only known later; [`outcome`] turns it into `Outcome::Unknown`.
//! A string that is only partly known is a [`Text`], whose unknown parts
//! are typed pieces: a rule can split and compare it, and only ever learns
//! a part's content when that part is known.

use std::collections::BTreeMap;

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::{Finding, Outcome};
use crate::path::Step;
use crate::reference::{Address, Mode, Reference};
use crate::value::Value;

/// The fields of a block or object.
pub(crate) type Object = BTreeMap<String, Value>;

/// A decision, or the place whose value is only known later.
pub(crate) type Decided<T> = Result<T, Finding>;

/// How many references [`deref`] follows before giving up (cycles are a validation error).
const MAX_HOPS: usize = 16;

pub(crate) fn finding(path: &AttrPath) -> Finding {
    Finding { path: path.clone(), detail: None }
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

/// Follows references to the value configured on their target. `None` when
/// a reference reads something only known at apply time: a computed
/// attribute, an attribute the target does not set, an undeclared target.
pub(crate) fn deref<'v>(value: &'v Value, graph: &'v Graph<'_>) -> Option<&'v Value> {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        let Value::Ref(r) = current else { return Some(current) };
        current = follow(r, graph)?;
    }
    None
}

fn follow<'v>(reference: &Reference, graph: &'v Graph<'_>) -> Option<&'v Value> {
    let target = graph.resolve(reference)?;
    let mut steps = reference.path.steps().iter();
    let Some(Step::Attr(first)) = steps.next() else { return None };
    let mut current = target.body.get(first)?;
    for step in steps {
        current = match (step, current) {
            (Step::Index(i), Value::List(items)) => items.get(*i)?,
            (Step::Attr(k) | Step::Key(k), Value::Map(m) | Value::Block(m)) => m.get(k)?,
            _ => return None,
        };
    }
    Some(current)
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

/// A string as Terraform will render it, of which some parts may be known
/// only later (a reference to a computed attribute, a run-time value).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Text {
    /// Never two known pieces in a row.
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Known(String),
    Unknown,
}

impl Text {
    fn push_str(&mut self, s: &str) {
        match self.pieces.last_mut() {
            Some(Piece::Known(last)) => last.push_str(s),
            _ => self.pieces.push(Piece::Known(s.to_owned())),
        }
    }

    fn push_unknown(&mut self) {
        self.pieces.push(Piece::Unknown);
    }

    /// The whole string, when every part of it is known.
    pub(crate) fn known(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Known(s)] => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_known(&self) -> bool {
        self.known().is_some()
    }

    /// Could the text be `s` once its unknown parts are known? `false`
    /// when its known parts already rule that out (`arn:${...}:root` is
    /// never `*`).
    pub(crate) fn could_be(&self, s: &str) -> bool {
        let mut rest = s;
        let mut anchored = true;
        for piece in &self.pieces {
            match piece {
                Piece::Unknown => anchored = false,
                Piece::Known(k) if anchored => match rest.strip_prefix(k.as_str()) {
                    Some(r) => rest = r,
                    None => return false,
                },
                Piece::Known(k) => match rest.find(k.as_str()) {
                    Some(at) => rest = &rest[at + k.len()..],
                    None => return false,
                },
            }
        }
        match self.pieces.last() {
            // Ends in a known part: it must end `s`, not just occur in it.
            Some(Piece::Known(k)) if !anchored => rest.is_empty() || s.ends_with(k.as_str()),
            Some(Piece::Unknown) => true,
            _ => rest.is_empty(),
        }
    }

    /// Splits at the last `separator` that stands in a known part.
    pub(crate) fn rsplit_once(&self, separator: char) -> Option<(Text, Text)> {
        let (at, piece) = self.pieces.iter().enumerate().rev().find_map(|(i, p)| match p {
            Piece::Known(s) => s.rfind(separator).map(|pos| (i, (s, pos))),
            Piece::Unknown => None,
        })?;
        let (s, pos) = piece;
        let mut before = Text { pieces: self.pieces[..at].to_vec() };
        before.push_str(&s[..pos]);
        let mut after = Text::default();
        after.push_str(&s[pos + separator.len_utf8()..]);
        after.pieces.extend(self.pieces[at + 1..].iter().cloned());
        Some((before.trimmed(), after.trimmed()))
    }

    /// Splits at the first `n - 1` separators that stand in known parts.
    pub(crate) fn splitn(&self, n: usize, separator: char) -> Vec<Text> {
        let mut out = Vec::new();
        let mut current = Text::default();
        for piece in &self.pieces {
            match piece {
                Piece::Unknown => current.push_unknown(),
                Piece::Known(s) => {
                    let mut rest = s.as_str();
                    while out.len() + 1 < n {
                        let Some(pos) = rest.find(separator) else { break };
                        current.push_str(&rest[..pos]);
                        out.push(std::mem::take(&mut current).trimmed());
                        rest = &rest[pos + separator.len_utf8()..];
                    }
                    current.push_str(rest);
                }
            }
        }
        out.push(current.trimmed());
        out
    }

    /// Drops empty known pieces left by a split, so `known()` sees the shape.
    fn trimmed(mut self) -> Text {
        self.pieces.retain(|p| !matches!(p, Piece::Known(s) if s.is_empty()));
        self
    }

    /// Parses the text as JSON. A JSON string with an unknown part becomes
    /// an unknown value; `Err(None)` when the text may be valid JSON once
    /// its unknown parts are known, `Err(Some(e))` when it cannot be.
    pub(crate) fn parse_json(&self) -> Result<Value, Option<serde_json::Error>> {
        // serde_json reads only complete text, so each unknown part is
        // written as a marker character that no known part contains.
        let marker = ('\u{E000}'..='\u{F8FF}')
            .find(|c| !self.pieces.iter().any(|p| matches!(p, Piece::Known(s) if s.contains(*c))))
            .expect("BUG: a policy document uses every private-use character");
        let mut rendered = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Known(s) => rendered.push_str(s),
                Piece::Unknown => rendered.push(marker),
            }
        }
        match serde_json::from_str::<serde_json::Value>(&rendered) {
            Ok(json) => Ok(from_json(&json, marker)),
            Err(_) if !self.is_known() => Err(None),
            Err(e) => Err(Some(e)),
        }
    }
}

/// Parsed JSON as a value; strings with a part known only later become unknown.
fn from_json(json: &serde_json::Value, marker: char) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => n.as_i64().map(Value::Int).unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0))),
        J::String(s) if s.contains(marker) => Value::Unknown,
        J::String(s) => Value::Str(s.clone()),
        J::Array(items) => Value::List(items.iter().map(|i| from_json(i, marker)).collect()),
        J::Object(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), from_json(v, marker))).collect()),
    }
}

/// Unknown parts show as `${...}`, for messages.
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Known(s) => f.write_str(s)?,
                Piece::Unknown => f.write_str("${...}")?,
            }
        }
        Ok(())
    }
}

/// The string a value renders to; `None` when the value is unset or null.
/// Numbers and bools render as Terraform converts them to strings.
pub(crate) fn text(value: Option<&Value>, graph: &Graph) -> Option<Text> {
    let value = value?;
    if matches!(deref(value, graph), Some(Value::Null)) {
        return None;
    }
    let mut out = Text::default();
    push_text(&mut out, value, graph, 0);
    Some(out)
}

/// The string a value renders to, when all of it is known.
pub(crate) fn known_text(value: Option<&Value>, graph: &Graph) -> Option<String> {
    text(value, graph).and_then(|t| t.known().map(str::to_owned))
}

fn push_text(out: &mut Text, value: &Value, graph: &Graph, depth: usize) {
    match deref(value, graph) {
        Some(Value::Str(s)) => out.push_str(s),
        Some(Value::Int(i)) => out.push_str(&i.to_string()),
        Some(Value::Float(f)) => out.push_str(&f.to_string()),
        Some(Value::Bool(b)) => out.push_str(&b.to_string()),
        Some(Value::Template(parts)) if depth < MAX_HOPS => parts.iter().for_each(|p| push_text(out, p, graph, depth + 1)),
        _ => out.push_unknown(),
    }
}

/// The instances of nested block `name` in `parent`, each with its path
/// (`name[i]`; a block written as a single block is instance 0). Also
/// reads attributes that hold a list of objects. Unset or null: none.
pub(crate) fn blocks<'v>(parent: &'v Object, name: &str, base: &AttrPath) -> Decided<Vec<(AttrPath, &'v Object)>> {
    let path = base.name(name);
    match parent.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Block(m) | Value::Map(m)) => Ok(vec![(path.index(0), m)]),
        Some(Value::List(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Block(m) | Value::Map(m) => out.push((path.index(i), m)),
                    Value::Null => {}
                    _ => return Err(finding(&path.index(i))),
                }
            }
            Ok(out)
        }
        Some(_) => Err(finding(&path)),
    }
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
    match deref(value, graph) {
        Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Str(s)) if s == "true" => Ok(Some(true)),
        Some(Value::Str(s)) if s == "false" => Ok(Some(false)),
        _ => Err(finding(&path)),
    }
}

/// Is attribute `name` set to something other than null or `""`? A reference counts as set.
pub(crate) fn is_set(parent: &Object, name: &str, base: &AttrPath, graph: &Graph) -> Decided<bool> {
    match parent.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Unknown) => Err(finding(&base.name(name))),
        Some(Value::Ref(_)) => Ok(!matches!(text(parent.get(name), graph).as_ref().map(Text::known), None | Some(Some("")))),
        Some(Value::Str(s)) => Ok(!s.is_empty()),
        Some(_) => Ok(true),
    }
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
        match r.body.get(attr) {
            Some(Value::Ref(reference)) if *reference.target == *target => {
                if reference.attribute().is_some_and(|a| through.contains(&a)) && !out.resources.iter().any(|x| x.address == r.address) {
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
    fn deref_follows_references_to_configured_values() {
        let mut stack = Stack::new("t");
        stack.add(resource("aws_subnet", "a").set("cidr_block", "10.0.0.0/24"));
        stack.add(resource("aws_x", "y").set("c", reference("aws_subnet", "a", "cidr_block")).set("d", reference("aws_subnet", "a", "id")));
        let graph = Graph::new(&stack);
        let y = &stack.resources[1];
        assert_eq!(deref(&y.body["c"], &graph), Some(&Value::from("10.0.0.0/24")));
        assert_eq!(deref(&y.body["d"], &graph), None);
        let t = Value::template(vec![Value::from("arn:"), Value::Unknown, Value::from("/x")]);
        let t = text(Some(&t), &graph).unwrap();
        assert_eq!(t.to_string(), "arn:${...}/x");
        assert!(!t.is_known());
    }

    fn partly_known(parts: &[Option<&str>]) -> Text {
        let mut t = Text::default();
        for p in parts {
            match p {
                Some(s) => t.push_str(s),
                None => t.push_unknown(),
            }
        }
        t
    }

    #[test]
    fn text_splits_only_at_known_separators() {
        let arn = partly_known(&[Some("arn:aws:iam::"), None, Some(":policy/Admin")]);
        let parts = arn.splitn(6, ':');
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[4].to_string(), "${...}");
        assert!(!parts[4].is_known());
        assert_eq!(parts[5].known(), Some("policy/Admin"));
        let (before, after) = arn.rsplit_once('/').unwrap();
        assert_eq!((before.to_string().as_str(), after.known()), ("arn:aws:iam::${...}:policy", Some("Admin")));
        let cidr = partly_known(&[None, Some("/0")]);
        assert_eq!(cidr.rsplit_once('/').unwrap().1.known(), Some("0"));
        assert!(partly_known(&[Some("10.0.0.0"), None]).rsplit_once('/').is_none());
    }

    #[test]
    fn partly_known_text_rules_out_what_its_known_parts_contradict() {
        let arn = partly_known(&[Some("arn:"), None, Some(":iam::"), None, Some(":root")]);
        assert!(!arn.could_be("*"));
        assert!(arn.could_be("arn:aws:iam::123456789012:root"));
        assert!(!arn.could_be("arn:aws:iam::123456789012:user/x"));
        assert!(partly_known(&[None]).could_be("*"));
        assert!(partly_known(&[Some("a")]).could_be("a") && !partly_known(&[Some("a")]).could_be("ab"));
    }

    #[test]
    fn text_parses_json_with_unknown_strings() {
        let doc = partly_known(&[Some(r#"{"Action": "s3:"#), None, Some(r#"", "Effect": "Allow"}"#)]);
        let v = doc.parse_json().unwrap();
        assert_eq!(v.as_object().unwrap()["Action"], Value::Unknown);
        assert_eq!(v.as_object().unwrap()["Effect"], Value::from("Allow"));
        assert!(partly_known(&[Some("{"), None]).parse_json().unwrap_err().is_none());
        assert!(partly_known(&[Some("{")]).parse_json().unwrap_err().is_some());
    }
}
