//! Overrides: the escape hatch. Any argument, nested block or
//! meta-argument of a resource, data source or provider configuration can
//! be set (or removed) by path where tap lacks a way to write it, as
//! CDKTF's `addOverride` does. It stays honest in three ways:
//!
//! * the value lands in the body itself, so the schema check, the policy
//!   rules and the renderer all see the body *after* its overrides: an
//!   override cannot slip past a security rule;
//! * a path the schema knows is checked like a written value ([`coverage`]
//!   says whether it is); a path it does not know (an argument newer than
//!   the embedded provider schema) is accepted but marked unchecked, and a
//!   name close to a known one is an error with a did-you-mean, unless the
//!   override says `unchecked` on purpose;
//! * every override is listed in the configuration's `"//"` header and in
//!   the summary a stack binary prints.
//!
//! Meta-arguments (`lifecycle`, `depends_on`, `count`, ...) are not part of
//! the body: their overrides are kept here and merged into the rendered
//! JSON ([`apply_to_json`]).
//!
//! Layer: model. Recording an override never fails; what cannot be applied
//! is kept on the [`Override`] and reported by validation.

use serde_json::{Map, Value as J};

use crate::path::{AttrPath, Step};
use crate::schema::{suggest, Block};
use crate::value::{to_terraform_json, Fields, Value};

/// Terraform's meta-arguments of a resource or data source: not in any
/// provider schema, rendered by tap from its own model, and overridden in
/// the rendered JSON.
pub const META_ARGUMENTS: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"];

/// The settings of a `lifecycle` block (Terraform 1.x).
const LIFECYCLE: &[&str] = &["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"];

/// What an override does at its path.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Sets the value, replacing what was there (creating the blocks or
    /// maps on the way when they are missing).
    Set(Value),
    /// Removes the argument or block (nothing happens when it is absent).
    Remove,
}

/// One override as recorded: where, what, and whether it could be applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The path as written (`lifecycle.replace_triggered_by`, `rule.0.id`,
    /// `rule[0].id`), for messages and the summary.
    pub written: String,
    /// The path parsed: `block.0.arg` and `block[0].arg` are the same path.
    /// Empty when it did not parse (then [`Override::problem`] says why).
    pub path: AttrPath,
    /// Set or remove.
    pub change: Change,
    /// Asked for with `override_unchecked`: a name close to a known one is
    /// taken as meant (an argument newer than the schema), not as a typo.
    pub unchecked: bool,
    /// Why it could not be applied (a malformed path, an index past the
    /// end, a step into a string): validation reports it.
    pub problem: Option<String>,
}

impl Override {
    /// Does it override a meta-argument (rendered, not part of the body)?
    pub fn is_meta(&self) -> bool {
        self.path.first_name().is_some_and(|n| META_ARGUMENTS.contains(&n))
    }

    /// `set`, or `remove`, for the summary.
    pub fn verb(&self) -> &'static str {
        match self.change {
            Change::Set(_) => "set",
            Change::Remove => "remove",
        }
    }
}

/// Parses an override path: `a.b[0].c`, `a.b.0.c` (a number as a name is an
/// index, as in CDKTF), `tags["kubernetes.io/role"]` (a key is a map entry).
/// An override names one place, so `[*]` is refused.
pub fn parse_path(text: &str) -> Result<AttrPath, String> {
    let parsed = AttrPath::parse(text)?;
    let mut steps = Vec::with_capacity(parsed.steps().len());
    for (i, step) in parsed.steps().iter().enumerate() {
        steps.push(match step {
            Step::Attr(n) if i > 0 && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                Step::Index(n.parse().map_err(|_| format!("`{n}` in `{text}` is too large for an index"))?)
            }
            Step::Key(k) => Step::Attr(k.clone()),
            Step::Each => return Err(format!("`{text}` holds `[*]`, but an override sets one place; name each index")),
            other => other.clone(),
        });
    }
    Ok(AttrPath::from(steps))
}

/// Records an override on `body` (a resource's body or a provider's
/// configuration) and applies it there; `block` is the body's schema, used
/// to create the right kind of container (a block or a map) on the way.
pub(crate) fn record(overrides: &mut Vec<Override>, body: &mut Fields, block: Option<&Block>, written: &str, change: Change, unchecked: bool) {
    let (path, problem) = match parse_path(written) {
        Ok(path) => (path, None),
        Err(e) => (AttrPath::root(), Some(e)),
    };
    let mut o = Override { written: written.to_owned(), path, change, unchecked, problem };
    if o.problem.is_none() {
        o.problem = if !o.is_meta() {
            apply(body, block, &o.path, &o.change).err()
        } else if o.path.steps().iter().any(|s| !matches!(s, Step::Attr(_))) {
            Some(format!("`{written}` overrides a meta-argument, whose path takes names only (`lifecycle.prevent_destroy`)"))
        } else {
            None
        };
    }
    overrides.push(o);
}

/// Applies one change to a body at `path`.
pub fn apply(body: &mut Fields, block: Option<&Block>, path: &AttrPath, change: &Change) -> Result<(), String> {
    let Some((Step::Attr(first), rest)) = path.steps().split_first() else {
        return Err(format!("`{path}` must start with an argument or block name"));
    };
    if rest.is_empty() {
        match change {
            Change::Set(v) => {
                let v = match block.and_then(|b| b.block_types.get(first)) {
                    Some(nested) => as_block(v.clone(), &nested.block),
                    None => v.clone(),
                };
                body.insert(first.clone(), v);
            }
            Change::Remove => {
                body.remove(first);
            }
        }
        return Ok(());
    }
    let nested = block.and_then(|b| b.block_types.get(first)).map(|n| &n.block);
    let entry = body.entry(first.clone()).or_insert_with(|| new_container(block.is_some_and(|b| b.attributes.contains_key(first)), &rest[0]));
    apply_in(entry, nested, rest, change, first)
}

/// A value set where the schema has a nested block, in the block's form:
/// a map written for it (`{ name: "sk", type: "S" }`) is an instance, and
/// so is each map of a list; the same for the blocks nested inside.
fn as_block(value: Value, block: &Block) -> Value {
    match value {
        Value::Map(fields) | Value::Block(fields) => Value::Block(
            fields
                .into_iter()
                .map(|(k, v)| {
                    let v = match block.block_types.get(&k) {
                        Some(nested) => as_block(v, &nested.block),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::List(items) => Value::List(items.into_iter().map(|v| as_block(v, block)).collect()),
        other => other,
    }
}

/// A missing container on the way to a deeper path: a map inside an
/// attribute's value, a block otherwise (a list when an index follows).
fn new_container(in_attribute: bool, next: &Step) -> Value {
    match next {
        Step::Index(_) => Value::List(Vec::new()),
        _ if in_attribute => Value::Map(Fields::new()),
        _ => Value::Block(Fields::new()),
    }
}

fn apply_in(value: &mut Value, block: Option<&Block>, steps: &[Step], change: &Change, at: &str) -> Result<(), String> {
    let (step, rest) = steps.split_first().expect("BUG: apply_in is given at least one step");
    // A block written once, indexed to add or replace an instance: the
    // list of its instances, as if written again (`add_block_instance`).
    if matches!((&*value, step), (Value::Block(_), Step::Index(i)) if *i > 0 || rest.is_empty()) {
        let first = std::mem::replace(value, Value::Null);
        *value = Value::List(vec![first]);
    }
    match (value, step) {
        (Value::Block(fields), Step::Attr(_)) => {
            let path = AttrPath::from(steps.to_vec());
            apply(fields, block, &path, change)
        }
        (Value::Map(fields), Step::Attr(name)) => {
            if rest.is_empty() {
                match change {
                    Change::Set(v) => fields.insert(name.clone(), v.clone()),
                    Change::Remove => fields.remove(name),
                };
                return Ok(());
            }
            let entry = fields.entry(name.clone()).or_insert_with(|| new_container(true, &rest[0]));
            apply_in(entry, None, rest, change, name)
        }
        // A block written once is its own instance 0.
        (v @ Value::Block(_), Step::Index(0)) if !rest.is_empty() => apply_in(v, block, rest, change, at),
        (Value::List(items), Step::Index(i)) => {
            let i = *i;
            if i == items.len() && matches!(change, Change::Set(_)) {
                items.push(if rest.is_empty() { Value::Null } else { new_container(block.is_none(), &rest[0]) });
            }
            let len = items.len();
            let Some(item) = items.get_mut(i) else {
                return Err(format!("`{at}` has {len} element(s), so there is no index {i} (an override may add only the next one, {len})"));
            };
            if rest.is_empty() {
                match change {
                    Change::Set(v) => *item = block.map_or_else(|| v.clone(), |b| as_block(v.clone(), b)),
                    Change::Remove => {
                        items.remove(i);
                    }
                }
                return Ok(());
            }
            if *item == Value::Null {
                *item = Value::Block(Fields::new());
            }
            apply_in(item, block, rest, change, at)
        }
        (other, step) => Err(format!("`{at}` is {}, so the override cannot step into it with `{}`", other.kind_name(), AttrPath::from(vec![step.clone()]))),
    }
}

/// Merges a meta-argument override into a rendered body (Terraform JSON).
/// Its path is names only (an index there is refused when recorded).
pub fn apply_to_json(body: &mut Map<String, J>, o: &Override) {
    let names: Vec<&str> = o.path.steps().iter().filter_map(|s| if let Step::Attr(n) = s { Some(n.as_str()) } else { None }).collect();
    let Some((last, parents)) = names.split_last() else { return };
    let mut here = body;
    for name in parents {
        let mut entry = here.entry((*name).to_owned()).or_insert_with(|| J::Object(Map::new()));
        // A block rendered as a one-element array is the same block.
        if matches!(entry, J::Array(items) if items.len() == 1) {
            entry = &mut entry.as_array_mut().expect("BUG: checked to be an array")[0];
        }
        let J::Object(next) = entry else { return };
        here = next;
    }
    match &o.change {
        Change::Set(v) => {
            let rendered = if STATIC.contains(&o.path.names_only().as_str()) { static_json(v) } else { to_terraform_json(v) };
            here.insert((*last).to_owned(), rendered);
        }
        Change::Remove => {
            here.remove(*last);
        }
    }
}

/// Meta-arguments whose values Terraform reads as bare references, not
/// as expressions: in JSON, `"aws_kms_key.data.id"`, never `"${...}"`.
const STATIC: &[&str] = &["depends_on", "provider", "lifecycle.ignore_changes", "lifecycle.replace_triggered_by"];

/// A meta-argument's value as Terraform's JSON syntax takes it where only
/// references are allowed: a reference, a raw expression or a name as
/// bare text.
fn static_json(value: &Value) -> J {
    match value {
        Value::List(items) => J::Array(items.iter().map(static_json).collect()),
        Value::Ref(r) => J::String(r.to_string()),
        Value::Raw(text) | Value::Str(text) => J::String(text.clone()),
        other => to_terraform_json(other),
    }
}

/// How far the schema can check an override's path.
#[derive(Clone, Debug, PartialEq)]
pub enum Coverage {
    /// Every step is known: the value is checked like a written one (an
    /// argument's kind and accepted values, a block's shape; for a
    /// meta-argument, its name and kind).
    Checked,
    /// The schema has no name at `at`: accepted as written, not checked.
    Unknown {
        /// The path up to and including the unknown name.
        at: AttrPath,
        /// A known name close to it, if any: likely a typo.
        suggestion: Option<String>,
    },
    /// There is no schema to check against (a resource built by hand).
    NoSchema,
}

impl Coverage {
    /// Will the schema check see the value?
    pub fn is_checked(&self) -> bool {
        *self == Coverage::Checked
    }
}

/// How far `block` (the body's schema, `None` when unknown) covers `o`'s path.
pub fn coverage(block: Option<&Block>, o: &Override) -> Coverage {
    let steps = o.path.steps();
    if o.is_meta() {
        return meta_coverage(steps);
    }
    let Some(mut block) = block else { return Coverage::NoSchema };
    let mut at = AttrPath::root();
    let mut i = 0;
    while let Some(step) = steps.get(i) {
        at.push(step.clone());
        i += 1;
        let Step::Attr(name) = step else { continue };
        if block.attributes.contains_key(name) {
            // Everything below is inside the attribute's value, which the
            // check of the attribute's type sees whole.
            return Coverage::Checked;
        }
        let Some(nested) = block.block_types.get(name) else {
            let suggestion = suggest(name, block.settable_names()).map(str::to_owned);
            return Coverage::Unknown { at, suggestion };
        };
        block = &nested.block;
    }
    Coverage::Checked
}

fn meta_coverage(steps: &[Step]) -> Coverage {
    let mut at = AttrPath::root();
    at.push(steps[0].clone());
    match (steps[0].clone(), steps.get(1)) {
        (Step::Attr(n), Some(Step::Attr(setting))) if n == "lifecycle" => {
            at.push(Step::Attr(setting.clone()));
            if LIFECYCLE.contains(&setting.as_str()) {
                Coverage::Checked
            } else {
                Coverage::Unknown { suggestion: suggest(setting, LIFECYCLE.iter().copied()).map(str::to_owned), at }
            }
        }
        _ => Coverage::Checked,
    }
}

/// The kind a meta-argument override's value must have, checked at
/// validation: what Terraform would refuse (`prevent_destroy = "yes"`).
pub fn meta_value_issue(o: &Override) -> Option<String> {
    let Change::Set(value) = &o.change else { return None };
    // An expression's kind is known only when Terraform evaluates it.
    if matches!(value, Value::Raw(_) | Value::Expr(_) | Value::Ref(_) | Value::Call(_)) {
        return None;
    }
    let names = o.path.names_only();
    let expected = match names.as_str() {
        "lifecycle.create_before_destroy" | "lifecycle.prevent_destroy" => ("a bool", matches!(value, Value::Bool(_))),
        "count" => ("a whole number", value.as_int().is_some()),
        "depends_on" | "lifecycle.replace_triggered_by" => ("a list of references", matches!(value, Value::List(_))),
        "lifecycle.ignore_changes" => ("a list of attribute names, or `all`", matches!(value, Value::List(_)) || value.as_str() == Some("all")),
        "for_each" => ("a map or a set", matches!(value, Value::Map(_) | Value::List(_))),
        _ => return None,
    };
    (!expected.1).then(|| format!("`{}` takes {}, not {}", o.written, expected.0, value.kind_name()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::reference::{Address, Reference};

    fn schema() -> Block {
        Block::from_json(
            r#"{
                "attributes": { "name": { "type": "string", "optional": true }, "tags": { "type": ["map", "string"], "optional": true } },
                "block_types": { "rule": { "nesting_mode": "list", "block": {
                    "attributes": { "id": { "type": "string", "optional": true } },
                    "block_types": { "filter": { "nesting_mode": "list", "max_items": 1, "block": { "attributes": { "prefix": { "type": "string", "optional": true } } } } }
                } } }
            }"#,
        )
        .unwrap()
    }

    fn set(body: &mut Fields, path: &str, value: Value) -> Result<(), String> {
        apply(body, Some(&schema()), &parse_path(path)?, &Change::Set(value))
    }

    fn override_of(path: &str, value: Value) -> Override {
        Override { written: path.to_owned(), path: parse_path(path).unwrap(), change: Change::Set(value), unchecked: false, problem: None }
    }

    #[test]
    fn dotted_indices_bracketed_indices_and_keys_are_one_path() {
        assert_eq!(parse_path("rule.0.id"), parse_path("rule[0].id"));
        assert_eq!(parse_path("rule.0.id").unwrap().to_string(), "rule[0].id");
        assert_eq!(parse_path("tags[\"a.b\"]").unwrap(), AttrPath::root().name("tags").name("a.b"));
        assert!(parse_path("rule[*].id").unwrap_err().contains("one place"));
        assert!(parse_path("").is_err());
    }

    #[test]
    fn a_path_creates_what_is_missing_in_the_form_the_schema_gives() {
        let mut body = Fields::new();
        set(&mut body, "rule.0.filter.0.prefix", Value::from("logs/")).unwrap();
        set(&mut body, "tags.Team", Value::from("storage")).unwrap();
        let filter = Value::Block(Fields::from([("prefix".to_owned(), Value::from("logs/"))]));
        let rule = Value::Block(Fields::from([("filter".to_owned(), Value::List(vec![filter]))]));
        assert_eq!(body["rule"], Value::List(vec![rule]));
        assert_eq!(body["tags"], Value::map([("Team", Value::from("storage"))]));
    }

    #[test]
    fn a_block_written_once_is_instance_zero_and_the_next_index_adds_one() {
        let mut body = Fields::new();
        add_rule(&mut body, "a");
        set(&mut body, "rule.0.id", Value::from("a2")).unwrap();
        set(&mut body, "rule.1", Value::map([("id", Value::from("b"))])).unwrap();
        let ids: Vec<_> = crate::value::block_instances(&body["rule"]).iter().map(|r| r.as_object().unwrap()["id"].clone()).collect();
        assert_eq!(ids, [Value::from("a2"), Value::from("b")]);
        assert!(matches!(crate::value::block_instances(&body["rule"])[1], Value::Block(_)), "a map set where a block goes is a block");
        let error = set(&mut body, "rule.5.id", Value::from("x")).unwrap_err();
        assert!(error.contains("has 2 element(s), so there is no index 5"), "{error}");
        let error = set(&mut body, "name.x", Value::from("x"));
        assert_eq!(error, Ok(()), "an absent argument is created as a container");
        body.insert("name".into(), Value::from("n"));
        assert!(set(&mut body, "name.x", Value::from("x")).unwrap_err().contains("is a string"));
        apply(&mut body, Some(&schema()), &parse_path("rule.0").unwrap(), &Change::Remove).unwrap();
        assert_eq!(crate::value::block_instances(&body["rule"]).len(), 1);
        apply(&mut body, Some(&schema()), &parse_path("name").unwrap(), &Change::Remove).unwrap();
        assert!(!body.contains_key("name"));
    }

    fn add_rule(body: &mut Fields, id: &str) {
        crate::value::add_block_instance(body, "rule", Fields::from([("id".to_owned(), Value::from(id))]));
    }

    #[test]
    fn coverage_follows_the_schema_and_suggests_near_names() {
        let block = schema();
        assert!(coverage(Some(&block), &override_of("rule.0.filter.0.prefix", Value::Null)).is_checked());
        assert!(coverage(Some(&block), &override_of("tags.anything", Value::Null)).is_checked(), "inside an attribute's value");
        assert_eq!(
            coverage(Some(&block), &override_of("rule.0.filtr.prefix", Value::Null)),
            Coverage::Unknown { at: parse_path("rule.0.filtr").unwrap(), suggestion: Some("filter".into()) }
        );
        assert_eq!(coverage(Some(&block), &override_of("quantum", Value::Null)), Coverage::Unknown { at: parse_path("quantum").unwrap(), suggestion: None });
        assert_eq!(coverage(None, &override_of("name", Value::Null)), Coverage::NoSchema);
        assert!(coverage(None, &override_of("lifecycle.prevent_destroy", Value::Null)).is_checked(), "meta-arguments need no schema");
        assert!(matches!(coverage(None, &override_of("lifecycle.prevent_destroi", Value::Null)), Coverage::Unknown { suggestion: Some(_), .. }));
    }

    #[test]
    fn meta_arguments_are_checked_by_kind_and_render_as_terraform_reads_them() {
        assert_eq!(meta_value_issue(&override_of("count", Value::from("two"))).unwrap(), "`count` takes a whole number, not a string");
        assert_eq!(meta_value_issue(&override_of("count", Value::raw("var.n"))), None, "an expression is Terraform's to judge");
        let conditional = Value::conditional(Value::raw("var.on"), 1, 0);
        assert_eq!(meta_value_issue(&override_of("count", conditional)), None, "so is a modelled one");
        assert!(meta_value_issue(&override_of("lifecycle.prevent_destroy", Value::conditional(true, "yes", "no"))).is_none());
        assert_eq!(meta_value_issue(&override_of("lifecycle.ignore_changes", Value::from("all"))), None);
        let reference = Value::Ref(Reference::new(Arc::new(Address::resource("aws_kms_key", "k")), AttrPath::root().name("arn")));
        let mut body = Map::new();
        apply_to_json(&mut body, &override_of("lifecycle.replace_triggered_by", Value::list([reference.clone(), Value::raw("aws_s3_bucket.b")])));
        apply_to_json(&mut body, &override_of("lifecycle.create_before_destroy", Value::from(true)));
        apply_to_json(&mut body, &override_of("count", Value::raw("var.n")));
        assert_eq!(
            J::Object(body.clone()),
            json!({ "lifecycle": { "replace_triggered_by": ["aws_kms_key.k.arn", "aws_s3_bucket.b"], "create_before_destroy": true }, "count": "${var.n}" })
        );
        let remove = Override { change: Change::Remove, ..override_of("lifecycle.create_before_destroy", Value::Null) };
        apply_to_json(&mut body, &remove);
        assert_eq!(body["lifecycle"], json!({ "replace_triggered_by": ["aws_kms_key.k.arn", "aws_s3_bucket.b"] }));
    }

    #[test]
    fn recording_keeps_what_could_not_be_applied() {
        let (mut list, mut body) = (Vec::new(), Fields::new());
        body.insert("name".into(), Value::from("n"));
        record(&mut list, &mut body, Some(&schema()), "name.first", Change::Set(Value::from(1)), false);
        record(&mut list, &mut body, Some(&schema()), "lifecycle[0].prevent_destroy", Change::Set(Value::from(true)), false);
        record(&mut list, &mut body, Some(&schema()), "rule..id", Change::Set(Value::from(1)), false);
        record(&mut list, &mut body, Some(&schema()), "name", Change::Set(Value::from("m")), false);
        let problems: Vec<bool> = list.iter().map(|o| o.problem.is_some()).collect();
        assert_eq!(problems, [true, true, true, false]);
        assert_eq!(body["name"], Value::from("m"));
    }
}
