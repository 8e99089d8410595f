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
                body.insert(first.clone(), v.clone());
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
                    Change::Set(v) => *item = v.clone(),
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
/// Its path is names only ([`record`] refuses an index there).
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
            here.insert((*last).to_owned(), to_terraform_json(v));
        }
        Change::Remove => {
            here.remove(*last);
        }
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
    if matches!(value, Value::Raw(_) | Value::Ref(_) | Value::Call(_)) {
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
