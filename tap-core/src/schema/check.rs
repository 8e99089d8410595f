//! Checks of a resource body against its block schema and its provider's
//! descriptor (accepted values, reference kinds). Pure: returns every issue found, in body order, never stops at
//! the first.

use std::collections::BTreeMap;

use super::descriptor::{Accepted, Descriptors};
use super::{suggest, Attribute, Block, CtyType, NestedAttributes, NestedBlock, NestingMode};
use crate::path::{AttrPath, Step};
use crate::value::Value;

/// Which token of the user's code an issue belongs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueTarget {
    /// The argument or block name at `path`.
    Key,
    /// The value at `path`.
    Value,
    /// The block (or, for an empty path, the resource) at `path`.
    Container,
}

/// What is wrong, as data, so callers and tests can tell issues apart
/// without matching on the message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum IssueKind {
    /// The block has no argument or nested block of that name (the help
    /// suggests the closest name, or lists the accepted ones).
    UnknownName,
    /// The body sets an attribute that only the provider computes.
    ReadOnly,
    /// A required argument or nested block is absent (or `null`).
    MissingRequired,
    /// The value's kind does not fit: what was expected instead.
    WrongKind(Expected),
    /// A `list` or `set` nested block appears fewer than `min_items` or
    /// more than `max_items` times.
    ItemCount,
    /// A literal is not among the values the provider's descriptor accepts
    /// (or is deprecated, or out of range).
    InvalidValue,
    /// A reference reads an identifier of another kind than the argument
    /// expects, per the descriptors (a KMS key ARN where a VPC id is wanted).
    WrongReferenceKind,
    /// Two arguments are set that Terraform rejects together (`cloud`'s
    /// `workspaces` with both `name` and `tags`).
    Conflict,
}

/// What kind of value an argument or block expects, for a wrong-kind issue.
/// The message and the help are rendered from it; nothing branches on text.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Expected {
    /// A `bool` attribute.
    Bool,
    /// A `number` attribute.
    Number,
    /// A `string` attribute.
    String,
    /// A list or set attribute of these elements.
    List(CtyType),
    /// A tuple attribute: a list of mixed elements.
    Tuple,
    /// A map attribute with values of this type.
    Map(CtyType),
    /// An object-typed attribute.
    Object,
    /// A nested attribute written once: `{ ... }`.
    NestedObject,
    /// A nested attribute with list or set nesting.
    ListOfObjects,
    /// A nested attribute with map nesting.
    MapOfObjects,
    /// A nested block with map nesting.
    MapOfBlocks,
    /// A nested block: `name { ... }`.
    Block,
}

impl Expected {
    fn describe(&self) -> String {
        match self {
            Expected::Bool => "a bool".into(),
            Expected::Number => "a number".into(),
            Expected::String => "a string".into(),
            Expected::List(elem) => format!("a list of {}", elem.describe()),
            Expected::Tuple => "a list".into(),
            Expected::Map(elem) => format!("a map of {}", elem.describe()),
            Expected::Object => "an object".into(),
            Expected::NestedObject => "an object `{ ... }`".into(),
            Expected::ListOfObjects => "a list of objects".into(),
            Expected::MapOfObjects => "a map of objects".into(),
            Expected::MapOfBlocks => "a map of blocks".into(),
            Expected::Block => "a nested block".into(),
        }
    }

    /// How to write what was meant, when the mistake is a common one.
    /// `shown` writes a value as the message may show it (see [`REDACTED`]).
    fn help(&self, name: &str, found: &Value, shown: &dyn Fn(String) -> String) -> Option<String> {
        match (self, found) {
            (Expected::Bool, Value::Str(s)) if s == "true" || s == "false" => Some(format!("write {} without quotes", shown(s.clone()))),
            (Expected::Number, Value::Str(s)) if s.parse::<f64>().is_ok() => Some(format!("write {} without quotes", shown(s.clone()))),
            (Expected::String, Value::Int(i)) => Some(format!("write {}", shown(format!("\"{i}\"")))),
            (Expected::Map(_) | Expected::MapOfObjects | Expected::MapOfBlocks, Value::Block(_)) => {
                Some(format!("write `{name}: {{ ... }}` (a map), not `{name} {{ ... }}`"))
            }
            (Expected::List(_) | Expected::Tuple | Expected::ListOfObjects, Value::Block(_)) => {
                Some(format!("write `{name}: [ ... ]` (a list), not `{name} {{ ... }}`"))
            }
            (Expected::Block, _) => Some(format!("write it as a block: `{name} {{ ... }}`")),
            _ => None,
        }
    }
}

/// A reference reads something its target's schema does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferencePathError {
    /// One line, lowercase, names in backticks.
    pub message: String,
    /// How to fix it, when there is something to say: the closest
    /// attribute name, or the attributes the target has.
    pub help: Option<String>,
}

impl ReferencePathError {
    fn new(message: String, help: Option<String>) -> Self {
        ReferencePathError { message, help }
    }
}

/// One problem with a resource body.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaIssue {
    /// Where in the body: the argument, block or value at fault, or the
    /// enclosing block for something missing. `tap-macros` maps it back to
    /// a span.
    pub path: AttrPath,
    /// Which token at `path` the issue belongs on.
    pub target: IssueTarget,
    /// What is wrong, for callers that branch on it.
    pub kind: IssueKind,
    /// One line, lowercase, names in backticks, no final period.
    pub message: String,
    /// How to fix it, when there is something to say: a did-you-mean, the
    /// accepted names or values, or how to write the expected kind.
    pub help: Option<String>,
}

/// What messages show instead of a sensitive value.
pub const REDACTED: &str = "(sensitive value)";

struct Ctx<'a> {
    type_name: &'a str,
    /// The type's block, to tell which values are sensitive.
    root: &'a Block,
    descriptors: &'a Descriptors<'a>,
    issues: Vec<SchemaIssue>,
}

impl Ctx<'_> {
    /// A value as a message may show it: sensitive ones never appear.
    fn shown(&self, path: &AttrPath, value: String) -> String {
        if self.root.attribute_at(path).is_some_and(|a| a.is_sensitive()) {
            REDACTED.to_owned()
        } else {
            format!("`{value}`")
        }
    }

    fn push(&mut self, path: AttrPath, target: IssueTarget, kind: IssueKind, message: String, help: Option<String>) {
        self.issues.push(SchemaIssue { path, target, kind, message, help });
    }

    /// "`aws_vpc`" at the root, "block `vpc_config` of `aws_lambda_function`" below it.
    fn owner(&self, path: &AttrPath) -> String {
        if path.is_root() {
            format!("`{}`", self.type_name)
        } else {
            format!("block `{}` of `{}`", path.names_only(), self.type_name)
        }
    }
}

/// Checks a resource or data source body against its schema: unknown names
/// (with a suggestion), read-only attributes, missing required arguments and
/// blocks, value kinds, block counts, and the accepted values and
/// reference kinds that `descriptors` give for the type's provider (and,
/// for a reference, its target's).
pub fn check_body(descriptors: &Descriptors, type_name: &str, block: &Block, body: &BTreeMap<String, Value>) -> Vec<SchemaIssue> {
    let mut ctx = Ctx { type_name, root: block, descriptors, issues: Vec::new() };
    check_block(&mut ctx, block, body, &AttrPath::root());
    ctx.issues
}

fn check_block(ctx: &mut Ctx, block: &Block, body: &BTreeMap<String, Value>, path: &AttrPath) {
    for (name, value) in body {
        let here = path.name(name);
        if let Some(attr) = block.attributes.get(name) {
            if attr.is_read_only() {
                ctx.push(
                    here,
                    IssueTarget::Key,
                    IssueKind::ReadOnly,
                    format!("`{name}` of {} is computed by the provider and cannot be set", ctx.owner(path)),
                    Some(format!("remove `{name}`; other resources can read it through a reference")),
                );
                continue;
            }
            // Terraform makes `dynamic` blocks of nested blocks only, not of
            // an argument that holds objects (`aws_security_group`'s `ingress`).
            if value.is_dynamic() {
                ctx.push(
                    here,
                    IssueTarget::Key,
                    IssueKind::WrongKind(Expected::Block),
                    format!("`{name}` of {} is an argument, and `dynamic` makes nested blocks", ctx.owner(path)),
                    Some(format!("give `{name}` its value directly, for example a local's list of objects, or a `for` expression over a collection (`{name}: for r in local.rules {{ tf::merge(r, ...) }}`)")),
                );
                continue;
            }
            check_attribute(ctx, attr, value, &here);
        } else if let Some(nested) = block.block_types.get(name) {
            check_nested_block(ctx, nested, value, &here);
        } else {
            let help = match suggest(name, block.settable_names()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("accepted names: {}", list_names(block.settable_names())),
            };
            ctx.push(
                here,
                IssueTarget::Key,
                IssueKind::UnknownName,
                format!("{} has no argument or block `{name}`", ctx.owner(path)),
                Some(help),
            );
        }
    }
    for (name, attr) in &block.attributes {
        if attr.required && body.get(name).is_none_or(|v| *v == Value::Null) {
            let hint = attr.ty.as_ref().map(|t| format!(" ({})", t.describe())).unwrap_or_default();
            ctx.push(
                path.clone(),
                IssueTarget::Container,
                IssueKind::MissingRequired,
                format!("{} is missing required argument `{name}`", ctx.owner(path)),
                Some(format!("add `{name}: ...`{hint}")),
            );
        }
    }
    for (name, nested) in &block.block_types {
        if nested.is_required() && !body.contains_key(name) {
            ctx.push(
                path.clone(),
                IssueTarget::Container,
                IssueKind::MissingRequired,
                format!("{} is missing required block `{name}`", ctx.owner(path)),
                Some(format!("add `{name} {{ ... }}`")),
            );
        }
    }
}

fn check_attribute(ctx: &mut Ctx, attr: &Attribute, value: &Value, path: &AttrPath) {
    if attr.x_cdktf_any {
        return;
    }
    if let Some(nested) = &attr.nested_type {
        check_nested_attributes(ctx, nested, value, path);
    } else if let Some(ty) = &attr.ty {
        check_value(ctx, ty, value, path);
    }
}

fn check_nested_attributes(ctx: &mut Ctx, nested: &NestedAttributes, value: &Value, path: &AttrPath) {
    let check_object = |ctx: &mut Ctx, v: &Value, p: &AttrPath| match v {
        Value::Map(fields) | Value::Block(fields) => check_object_fields(ctx, &nested.attributes, fields, p),
        other if is_deferred(other) => {}
        other => wrong_kind(ctx, p, Expected::NestedObject, other),
    };
    match nested.nesting_mode {
        NestingMode::Single | NestingMode::Group => check_object(ctx, value, path),
        NestingMode::List | NestingMode::Set => match value {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_object(ctx, item, &path.index(i));
                }
            }
            Value::Block(_) => check_object(ctx, value, path),
            other if is_deferred(other) => {}
            other => wrong_kind(ctx, path, Expected::ListOfObjects, other),
        },
        NestingMode::Map => match value {
            Value::Map(entries) => {
                for (k, item) in entries {
                    check_object(ctx, item, &path.name(k));
                }
            }
            other if is_deferred(other) => {}
            other => wrong_kind(ctx, path, Expected::MapOfObjects, other),
        },
    }
}

fn check_object_fields(ctx: &mut Ctx, attrs: &BTreeMap<String, Attribute>, fields: &BTreeMap<String, Value>, path: &AttrPath) {
    for (name, value) in fields {
        let here = path.name(name);
        match attrs.get(name) {
            Some(attr) if attr.is_read_only() => ctx.push(
                here,
                IssueTarget::Key,
                IssueKind::ReadOnly,
                format!("`{name}` of {} is computed by the provider and cannot be set", ctx.owner(path)),
                Some(format!("remove `{name}`")),
            ),
            Some(attr) => check_attribute(ctx, attr, value, &here),
            None => {
                let names = attrs.iter().filter(|(_, a)| !a.is_read_only()).map(|(k, _)| k.as_str());
                let help = match suggest(name, names.clone()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("accepted names: {}", list_names(names)),
                };
                ctx.push(here, IssueTarget::Key, IssueKind::UnknownName, format!("{} has no argument `{name}`", ctx.owner(path)), Some(help));
            }
        }
    }
    for (name, attr) in attrs {
        if attr.required && !fields.contains_key(name) {
            ctx.push(
                path.clone(),
                IssueTarget::Container,
                IssueKind::MissingRequired,
                format!("{} is missing required argument `{name}`", ctx.owner(path)),
                Some(format!("add `{name}: ...`")),
            );
        }
    }
}

/// A `dynamic` block's content: the body of each block it makes.
fn dynamic_content(value: &Value) -> Option<&BTreeMap<String, Value>> {
    match value {
        Value::Expr(e) => match &**e {
            crate::value::Expr::Dynamic(d) => d.content.as_object(),
            _ => None,
        },
        _ => None,
    }
}

fn check_nested_block(ctx: &mut Ctx, nested: &NestedBlock, value: &Value, path: &AttrPath) {
    match nested.nesting_mode {
        NestingMode::Single | NestingMode::Group => match value {
            Value::Block(body) => check_block(ctx, &nested.block, body, path),
            other if dynamic_content(other).is_some() => check_block(ctx, &nested.block, dynamic_content(other).expect("BUG: just checked"), path),
            other if is_deferred(other) => {}
            other => block_expected(ctx, path, other),
        },
        NestingMode::List | NestingMode::Set => {
            let instances: Vec<(AttrPath, &Value)> = match value {
                Value::Block(_) => vec![(path.index(0), value)],
                other if other.is_dynamic() => vec![(path.index(0), value)],
                Value::List(items) => items.iter().enumerate().map(|(i, v)| (path.index(i), v)).collect(),
                other if is_deferred(other) => return,
                other => return block_expected(ctx, path, other),
            };
            let n = instances.len() as u64;
            // How many blocks a `dynamic` block makes is known when Terraform runs.
            let counted = !instances.iter().any(|(_, v)| v.is_dynamic());
            if counted && nested.max_items > 0 && n > nested.max_items {
                ctx.push(
                    path.clone(),
                    IssueTarget::Key,
                    IssueKind::ItemCount,
                    format!("block `{}` of `{}` appears {n} times, at most {} allowed", path.names_only(), ctx.type_name, nested.max_items),
                    Some("merge the blocks into one".into()),
                );
            }
            if counted && n < nested.min_items {
                ctx.push(
                    path.clone(),
                    IssueTarget::Key,
                    IssueKind::ItemCount,
                    format!("block `{}` of `{}` appears {n} times, at least {} required", path.names_only(), ctx.type_name, nested.min_items),
                    None,
                );
            }
            for (p, item) in instances {
                match item {
                    Value::Block(body) => check_block(ctx, &nested.block, body, &p),
                    other if dynamic_content(other).is_some() => check_block(ctx, &nested.block, dynamic_content(other).expect("BUG: just checked"), &p),
                    other if is_deferred(other) => {}
                    other => block_expected(ctx, &p, other),
                }
            }
        }
        NestingMode::Map => match value {
            Value::Map(entries) => {
                for (k, item) in entries {
                    match item {
                        Value::Block(body) => check_block(ctx, &nested.block, body, &path.name(k)),
                        other if is_deferred(other) => {}
                        other => block_expected(ctx, &path.name(k), other),
                    }
                }
            }
            other if is_deferred(other) => {}
            other => wrong_kind(ctx, path, Expected::MapOfBlocks, other),
        },
    }
}

/// Values whose shape only Terraform or the running stack knows.
fn is_deferred(v: &Value) -> bool {
    matches!(v, Value::Unknown | Value::Ref(_) | Value::Call(_) | Value::Raw(_) | Value::Expr(_) | Value::Null)
}

fn block_expected(ctx: &mut Ctx, path: &AttrPath, found: &Value) {
    wrong_kind(ctx, path, Expected::Block, found);
}

fn wrong_kind(ctx: &mut Ctx, path: &AttrPath, expected: Expected, found: &Value) {
    let name = path.last_name().unwrap_or_default().to_owned();
    let help = expected.help(&name, found, &|v| ctx.shown(path, v));
    let message = match expected {
        Expected::Block => format!("`{name}` of `{}` is a nested block, found {}", ctx.type_name, found.kind_name()),
        _ => format!("`{name}` of `{}` expects {}, found {}", ctx.type_name, expected.describe(), found.kind_name()),
    };
    ctx.push(path.clone(), IssueTarget::Value, IssueKind::WrongKind(expected), message, help);
}

fn check_value(ctx: &mut Ctx, ty: &CtyType, value: &Value, path: &AttrPath) {
    if let Value::Ref(r) = value {
        check_reference_kind(ctx, path, r);
        return;
    }
    if is_deferred(value) {
        return;
    }
    match ty {
        CtyType::Dynamic => {}
        CtyType::String => match value {
            Value::Str(s) => check_accepted(ctx, path, Literal::Str(s)),
            Value::Template(_) => {}
            other => wrong_kind(ctx, path, Expected::String, other),
        },
        CtyType::Number => match value {
            Value::Int(i) => check_accepted(ctx, path, Literal::Int(*i)),
            Value::Float(_) => {}
            other => wrong_kind(ctx, path, Expected::Number, other),
        },
        CtyType::Bool => match value {
            Value::Bool(_) => {}
            other => wrong_kind(ctx, path, Expected::Bool, other),
        },
        CtyType::List(elem) | CtyType::Set(elem) => match value {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(ctx, elem, item, &path.index(i));
                }
            }
            other => wrong_kind(ctx, path, Expected::List((**elem).clone()), other),
        },
        CtyType::Tuple(_) => match value {
            Value::List(_) => {}
            other => wrong_kind(ctx, path, Expected::Tuple, other),
        },
        CtyType::Map(elem) => match value {
            Value::Map(entries) => {
                for (k, item) in entries {
                    check_value(ctx, elem, item, &path.name(k));
                }
            }
            other => wrong_kind(ctx, path, Expected::Map((**elem).clone()), other),
        },
        CtyType::Object(fields) => match value {
            Value::Map(entries) | Value::Block(entries) => {
                for (k, item) in entries {
                    match fields.get(k) {
                        Some(t) => check_value(ctx, t, item, &path.name(k)),
                        None => {
                            let help = suggest(k, fields.keys().map(String::as_str)).map(|s| format!("did you mean `{s}`?"));
                            ctx.push(path.name(k), IssueTarget::Key, IssueKind::UnknownName, format!("object `{}` has no field `{k}`", path.names_only()), help);
                        }
                    }
                }
            }
            other => wrong_kind(ctx, path, Expected::Object, other),
        },
    }
}

enum Literal<'a> {
    Str(&'a str),
    Int(i64),
}

fn check_accepted(ctx: &mut Ctx, path: &AttrPath, lit: Literal) {
    let key = path.names_only();
    let Some(constraint) = ctx.descriptors.for_type(ctx.type_name).and_then(|d| d.accepted(ctx.type_name, &key)) else { return };
    let name = path.last_name().unwrap_or_default();
    match (constraint, lit) {
        (Accepted::Strings { values, deprecated, deprecated_reason }, Literal::Str(s)) => {
            let names = || values.iter().map(String::as_str);
            if names().any(|v| v == s) {
                return;
            }
            if deprecated.iter().any(|d| d == s) {
                ctx.push(
                    path.clone(),
                    IssueTarget::Value,
                    IssueKind::InvalidValue,
                    format!("{} for `{name}` of `{}` is {deprecated_reason}", ctx.shown(path, s.to_owned()), ctx.type_name),
                    Some(format!("use one of {}", list_names(names()))),
                );
                return;
            }
            let sensitive = ctx.shown(path, String::new()) == REDACTED;
            let help = match suggest(s, names()).filter(|_| !sensitive) {
                Some(close) => format!("did you mean `{close}`? accepted values: {}", list_names(names())),
                None => format!("accepted values: {}", list_names(names())),
            };
            ctx.push(
                path.clone(),
                IssueTarget::Value,
                IssueKind::InvalidValue,
                format!("{} is not an accepted value for `{name}` of `{}`", ctx.shown(path, s.to_owned()), ctx.type_name),
                Some(help),
            );
        }
        (Accepted::Ints(values), Literal::Int(i)) if !values.contains(&i) => {
            {
                let list: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                ctx.push(
                    path.clone(),
                    IssueTarget::Value,
                    IssueKind::InvalidValue,
                    format!("{} is not an accepted value for `{name}` of `{}`", ctx.shown(path, i.to_string()), ctx.type_name),
                    Some(format!("accepted values: {}", list.join(", "))),
                );
            }
        }
        (&Accepted::IntRange(lo, hi), Literal::Int(i)) if i < lo || i > hi => {
            {
                ctx.push(
                    path.clone(),
                    IssueTarget::Value,
                    IssueKind::InvalidValue,
                    format!("{} is out of range for `{name}` of `{}`", ctx.shown(path, i.to_string()), ctx.type_name),
                    Some(format!("accepted values: {lo} to {hi}")),
                );
            }
        }
        _ => {}
    }
}

fn check_reference_kind(ctx: &mut Ctx, path: &AttrPath, r: &crate::reference::Reference) {
    let Some(attr_name) = path.last_name() else { return };
    let Some(expected) = ctx.descriptors.for_type(ctx.type_name).and_then(|d| d.expected_kind(ctx.type_name, attr_name)) else { return };
    let Some(target) = r.target().map(|t| &t.type_name) else { return };
    let Some(found) = ctx.descriptors.for_type(target).and_then(|d| d.held_kind(target, r.attribute().unwrap_or_default())) else { return };
    if expected.name != found.name {
        ctx.push(
            path.clone(),
            IssueTarget::Value,
            IssueKind::WrongReferenceKind,
            format!("`{attr_name}` of `{}` expects {}, found a reference to `{r}` ({})", ctx.type_name, expected.describe(), found.describe()),
            Some(format!("refer to {}", expected.example())),
        );
    }
}

/// Checks that a reference path exists in the target's schema: its first
/// step must be an attribute or block of the target type; later steps must
/// fit the attribute's type. Returns the message and help on failure.
pub fn check_reference_path(target_type: &str, block: &Block, path: &AttrPath) -> Result<(), ReferencePathError> {
    check_steps(target_type, block, path.steps())
}

/// Checks a `lifecycle.ignore_changes` path against the type's schema, as
/// [`check_reference_path`] checks a reference, and also refuses an index
/// into a set of nested blocks, which Terraform rejects there ("Elements
/// of a set are identified only by their value").
pub fn check_ignore_changes_path(target_type: &str, block: &Block, path: &AttrPath) -> Result<(), ReferencePathError> {
    let steps = path.steps();
    let (mut current, mut i) = (block, 0);
    while let Some(Step::Attr(name)) = steps.get(i) {
        let Some(nested) = current.block_types.get(name) else { break };
        i += 1;
        if matches!(steps.get(i), Some(Step::Index(_) | Step::Key(_))) {
            if nested.nesting_mode == NestingMode::Set {
                return Err(ReferencePathError::new(format!("`{name}` of `{target_type}` is a set of blocks and cannot be indexed"), Some(format!("sets have no order; ignore the whole `{name}`"))));
            }
            i += 1;
        }
        current = &nested.block;
    }
    check_reference_path(target_type, block, path)
}

fn check_steps(target_type: &str, block: &Block, path: &[Step]) -> Result<(), ReferencePathError> {
    let Some(Step::Attr(first)) = path.first() else {
        return Err(ReferencePathError::new(format!("a reference to `{target_type}` must name an attribute"), None));
    };
    if let Some(attr) = block.attributes.get(first) {
        return match &attr.ty {
            Some(ty) => check_type_steps(target_type, first, ty, &path[1..]),
            None => Ok(()),
        };
    }
    if let Some(nested) = block.block_types.get(first) {
        let mut rest = &path[1..];
        if nested.is_multi() {
            if let Some(Step::Index(_)) = rest.first() {
                rest = &rest[1..];
            }
        }
        return match rest.first() {
            None => Ok(()),
            Some(Step::Attr(_)) => check_steps(target_type, &nested.block, rest),
            Some(_) => Ok(()),
        };
    }
    let help = match suggest(first, block.readable_names()) {
        Some(s) => Some(format!("did you mean `{s}`?")),
        None => Some(format!("attributes of `{target_type}`: {}", list_names(block.readable_names()))),
    };
    Err(ReferencePathError::new(format!("`{target_type}` has no attribute `{first}`"), help))
}

fn check_type_steps(target_type: &str, attr: &str, ty: &CtyType, steps: &[Step]) -> Result<(), ReferencePathError> {
    let Some(step) = steps.first() else { return Ok(()) };
    match (ty, step) {
        (CtyType::Dynamic, _) => Ok(()),
        (CtyType::List(elem), Step::Index(_)) => check_type_steps(target_type, attr, elem, &steps[1..]),
        (CtyType::Tuple(_), Step::Index(_)) => Ok(()),
        (CtyType::Map(elem), Step::Key(_)) => check_type_steps(target_type, attr, elem, &steps[1..]),
        (CtyType::Object(fields), Step::Attr(f)) => match fields.get(f) {
            Some(t) => check_type_steps(target_type, attr, t, &steps[1..]),
            None => Err(ReferencePathError::new(format!("`{attr}` of `{target_type}` has no field `{f}`"), None)),
        },
        (CtyType::Set(_), Step::Index(_)) => Err(ReferencePathError::new(
            format!("`{attr}` of `{target_type}` is a set and cannot be indexed"),
            Some("sets have no order; refer to the whole set".into()),
        )),
        _ => Err(ReferencePathError::new(format!("`{attr}` of `{target_type}` is {} and cannot be followed by that step", ty.describe()), None)),
    }
}

fn list_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.len() > 12 {
        format!("{}, ... ({} in all)", names[..12].join(", "), names.len())
    } else {
        names.join(", ")
    }
}
