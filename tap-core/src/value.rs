//! Values of the resource model: literals, nested blocks, collections,
//! references and function calls.
//!
//! Layer: values. A reference is a value here, never a string; it becomes
//! `${...}` only when rendered. Escaping of literal `${` and `%{` happens
//! in exactly one place, [`escape_template_literal`], called when a
//! literal string is rendered. [`Value::walk`] is the one walk over a
//! value's parts; everything that looks for references or run-time values
//! goes through it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::path::{AttrPath, Step};
use crate::reference::Reference;

/// The fields of a resource body, a nested block or a map.
pub type Fields = BTreeMap<String, Value>;

/// One value of an argument, a nested block, a list element or a map entry.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `null`: Terraform treats the argument as not set (a `None` converts
    /// to it).
    Null,
    /// A `bool` literal.
    Bool(bool),
    /// A whole `number` literal, kept apart from floats so it renders
    /// without a decimal point.
    Int(i64),
    /// A floating-point `number` literal (from an `f64`).
    Float(f64),
    /// A literal string: `${` and `%{` in it are escaped on output.
    Str(String),
    /// A reference to another resource's or data source's attribute.
    Ref(Reference),
    /// A Terraform function call such as `jsonencode(...)`.
    Call(Call),
    /// A string built from literal parts and expressions, rendered as one template.
    Template(Vec<Value>),
    /// A list, set or tuple value (`[ ... ]`), or the repeated instances of
    /// a nested block.
    List(Vec<Value>),
    /// A map or object value written `name: { ... }`; keys are sorted.
    /// Renders like a block, but the schema check tells the two apart.
    Map(BTreeMap<String, Value>),
    /// One instance of a nested block.
    Block(BTreeMap<String, Value>),
    /// An operator, a conditional, a `for` expression or a splat over
    /// other values: `var.on ? 1 : 0`, `a + b`, `[for s in xs : s.id]`.
    Expr(Box<Expr>),
    /// A Terraform expression written as text, rendered as is inside
    /// `${...}`: `path.module`, or what [`Value::raw`] is given where tap
    /// has no model of the expression yet. Unchecked: the schema check
    /// treats it as a value known at run time.
    Raw(String),
    /// A value that is only known when the stack runs. Only the compile-time
    /// checker makes one (for Rust expressions): it cannot be built outside
    /// this crate, and validation rejects it before anything is rendered.
    #[non_exhaustive]
    Unknown,
}

/// A Terraform expression over other values. Its operands are values,
/// so references inside it are walked, checked and followed like any
/// other; only rendering spells it out.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// `condition ? then : otherwise`.
    Conditional {
        /// A bool.
        condition: Value,
        /// The value when the condition holds.
        then: Value,
        /// The value when it does not.
        otherwise: Value,
    },
    /// `left op right`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        left: Value,
        /// The right operand.
        right: Value,
    },
    /// `!operand` or `-operand`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Value,
    },
    /// `[for v in collection : out if condition]`, or with `key_out`,
    /// `{for k, v in collection : key_out => out if condition}`.
    For(For),
    /// `collection[key].path`: one element chosen by a value known only
    /// when Terraform runs (`aws_subnet.private[count.index].id`,
    /// `var.zones[count.index]`); a known index is a path step instead.
    Index {
        /// A list, map or object; or a resource with `count` or `for_each`.
        collection: Value,
        /// The index or key.
        key: Value,
        /// What is read on the element; may be empty.
        path: AttrPath,
    },
    /// A `dynamic` block: one instance of the nested block per element of
    /// `for_each`. It stands where the block would (under the block's
    /// name in a body), and renders as Terraform's `dynamic "name"`.
    Dynamic(Box<Dynamic>),
    /// `collection[*].path`: the path read on every element.
    Splat {
        /// A list (or a single value, which Terraform wraps in one).
        collection: Value,
        /// What is read on each element; may be empty (`xs[*]`).
        path: AttrPath,
    },
}

/// A `dynamic` block's parts: what it iterates, the name of its iterator
/// (a [`Root::Bound`](crate::reference::Root::Bound) name with `key` and
/// `value`, valid inside `content`), and the body of each instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Dynamic {
    /// A map, set or list: one block per element.
    pub for_each: Value,
    /// The iterator's name: `rule` reads `rule.key` and `rule.value`.
    pub iterator: String,
    /// Each instance's body, a [`Value::Block`]: the `content` block.
    pub content: Value,
}

/// A `for` expression: the names it binds are [`Root::Bound`](crate::reference::Root::Bound)
/// references inside `out`, `key_out` and `condition`.
#[derive(Clone, Debug, PartialEq)]
pub struct For {
    /// The key (or index) name, when two names are bound: `k` in `for k, v in ...`.
    pub key: Option<String>,
    /// The element name: `v`.
    pub value: String,
    /// What is iterated: a list, set, map or object.
    pub collection: Value,
    /// `Some` makes an object: each element's key.
    pub key_out: Option<Value>,
    /// Each element's result.
    pub out: Value,
    /// `if condition`: which elements are kept.
    pub condition: Option<Value>,
}

/// A binary operator, by precedence group as Terraform has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `&&`
    And,
    /// `||`
    Or,
}

impl BinaryOp {
    /// The operator as HCL (and Rust) write it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }

    /// What the operands must be, and what the result is.
    pub fn operand_kind(self) -> OperandKind {
        match self {
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem | BinaryOp::Add | BinaryOp::Sub => OperandKind::Number,
            BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le => OperandKind::Comparison,
            BinaryOp::Eq | BinaryOp::Ne => OperandKind::Any,
            BinaryOp::And | BinaryOp::Or => OperandKind::Bool,
        }
    }
}

/// The kinds an operator takes and gives, for type checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// Numbers in, a number out: arithmetic.
    Number,
    /// Numbers in, a bool out: `<`, `>=`, ...
    Comparison,
    /// Anything in, a bool out: `==`, `!=`.
    Any,
    /// Bools in, a bool out: `&&`, `||`.
    Bool,
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

/// A Terraform function call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The function's name as Terraform writes it, rendered as written:
    /// `jsonencode`, or `provider::aws::arn_parse` for a provider's.
    pub function: String,
    /// The arguments in order; each may hold references.
    pub args: Vec<Value>,
    /// For a provider-defined function, its provider's requirement: a
    /// stack that calls `provider::aws::arn_parse` needs `aws` in
    /// `required_providers` even when no resource of `aws` puts it there.
    pub provider: Option<CallProvider>,
}

/// The provider of a provider-defined function, as `required_providers`
/// writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallProvider {
    /// Its local name: `aws`.
    pub local_name: String,
    /// Its source address: `hashicorp/aws`.
    pub source: String,
    /// Its version constraint; empty when the schema gives none.
    pub version: String,
}

impl Value {
    /// `path.module`: the directory of the synthesized configuration.
    pub fn path_module() -> Value {
        Value::raw("path.module")
    }

    /// Any Terraform expression, as HCL text without the `${ }`:
    /// `Value::raw("[aws_s3_bucket.logs.id]")`. The escape hatch for what
    /// the value model cannot express yet; tap does not parse it, so
    /// neither references nor functions inside it are checked.
    pub fn raw(expression: impl Into<String>) -> Value {
        Value::Raw(expression.into())
    }

    /// A call of a Terraform built-in function.
    pub fn call(function: &str, args: Vec<Value>) -> Value {
        Value::Call(Call { function: function.to_owned(), args, provider: None })
    }

    /// A call of a provider-defined function (Terraform 1.8):
    /// `provider_call(aws, "arn_parse", args)` renders
    /// `provider::aws::arn_parse(...)`.
    pub fn provider_call(provider: CallProvider, function: &str, args: Vec<Value>) -> Value {
        let function = format!("provider::{}::{function}", provider.local_name);
        Value::Call(Call { function, args, provider: Some(provider) })
    }

    /// `jsonencode(value)`: keeps references inside JSON documents such as IAM policies typed.
    pub fn jsonencode(value: Value) -> Value {
        Value::call("jsonencode", vec![value])
    }

    /// A template: the parts' text concatenated, expressions interpolated.
    pub fn template(parts: Vec<Value>) -> Value {
        Value::Template(parts)
    }

    /// A JSON-like map built from pairs; keys are sorted.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// An expression over other values.
    pub fn expr(expr: Expr) -> Value {
        Value::Expr(Box::new(expr))
    }

    /// `condition ? then : otherwise`.
    pub fn conditional(condition: impl Into<Value>, then: impl Into<Value>, otherwise: impl Into<Value>) -> Value {
        Value::expr(Expr::Conditional { condition: condition.into(), then: then.into(), otherwise: otherwise.into() })
    }

    /// `left op right`.
    pub fn binary(op: BinaryOp, left: impl Into<Value>, right: impl Into<Value>) -> Value {
        Value::expr(Expr::Binary { op, left: left.into(), right: right.into() })
    }

    /// A list of the items, in order.
    pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
        Value::List(items.into_iter().collect())
    }

    /// The literal string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The literal bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The whole number, if this is one: an integer, or a float with no
    /// fractional part.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            _ => None,
        }
    }

    /// The fields of a block or map.
    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Block(m) | Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Visits this value and every value inside it, depth first, each with
    /// its path: list elements one index further, map and block entries one
    /// name further; a call's arguments and a template's parts stand at the
    /// path of the call or template. `path` is where this value stands; it
    /// is returned as it was given.
    pub fn walk<'a>(&'a self, path: &mut AttrPath, visit: &mut dyn FnMut(&AttrPath, &'a Value)) {
        visit(path, self);
        match self {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    item.walk(path, visit);
                    path.pop();
                }
            }
            Value::Map(m) | Value::Block(m) => {
                for (k, v) in m {
                    path.push(Step::Attr(k.clone()));
                    v.walk(path, visit);
                    path.pop();
                }
            }
            Value::Call(c) => c.args.iter().for_each(|a| a.walk(path, visit)),
            Value::Template(parts) => parts.iter().for_each(|p| p.walk(path, visit)),
            Value::Expr(e) => e.operands().for_each(|o| o.walk(path, visit)),
            _ => {}
        }
    }

    /// Every reference inside the value, with the path where it stands.
    pub fn for_each_reference<'a>(&'a self, path: &mut AttrPath, f: &mut dyn FnMut(&AttrPath, &'a Reference)) {
        self.walk(path, &mut |p, v| {
            if let Value::Ref(r) = v {
                f(p, r)
            }
        });
    }

    /// Is this value, or anything inside it, known only when the stack runs?
    pub fn contains_unknown(&self) -> bool {
        let mut found = false;
        self.walk(&mut AttrPath::root(), &mut |_, v| found |= matches!(v, Value::Unknown));
        found
    }

    /// A short description of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a bool",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) | Value::Template(_) => "a string",
            Value::Ref(_) => "a reference",
            Value::Call(_) => "a function call",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
            Value::Block(_) => "a block",
            Value::Raw(_) | Value::Expr(_) => "an expression",
            Value::Unknown => "a run-time value",
        }
    }
}

/// Adds one written instance of nested block `name` to `fields`: the first
/// instance is stored as a [`Value::Block`]; writing the block again turns
/// the entry into a [`Value::List`] of its instances, in the order written.
/// The compile-time view and the stack that runs build bodies through
/// this one function, so both see the same shape.
pub fn add_block_instance(fields: &mut Fields, name: &str, instance: Fields) {
    add_block(fields, name, Value::Block(instance));
}

/// [`add_block_instance`] for a block's value: a [`Value::Block`], or a
/// `dynamic` block ([`Expr::Dynamic`]) that stands for some.
pub fn add_block(fields: &mut Fields, name: &str, instance: Value) {
    match fields.get_mut(name) {
        None => {
            fields.insert(name.to_owned(), instance);
        }
        Some(Value::List(items)) => items.push(instance),
        Some(existing) => {
            let first = std::mem::replace(existing, Value::Null);
            *existing = Value::List(vec![first, instance]);
        }
    }
}

impl Value {
    /// Is it a `dynamic` block?
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Value::Expr(e) if matches!(**e, Expr::Dynamic(_)))
    }
}

/// The instances a nested block's value holds: itself when written once,
/// its elements when written several times or given as a list. The
/// inverse of [`add_block_instance`], for whoever reads a body.
pub fn block_instances(value: &Value) -> &[Value] {
    match value {
        Value::List(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// Escapes a literal string for a Terraform template: `${` becomes `$${` and
/// `%{` becomes `%%{`, so IAM policy variables such as `${aws:username}`
/// reach AWS as written instead of being evaluated by Terraform.
pub fn escape_template_literal(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("${") && !s.contains("%{") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == '$' || c == '%') && chars.peek() == Some(&'{') {
            out.push(c);
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// Renders a value as the JSON that Terraform's JSON syntax expects:
/// literals stay JSON literals, anything Terraform evaluates becomes a
/// `"${...}"` string.
pub fn to_terraform_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
        Value::Str(s) => J::String(escape_template_literal(s).into_owned()),
        Value::Template(parts) => {
            let mut s = String::new();
            for part in parts {
                match part {
                    Value::Str(lit) => s.push_str(&escape_template_literal(lit)),
                    Value::Int(i) => {
                        let _ = write!(s, "{i}");
                    }
                    other => {
                        s.push_str("${");
                        write_hcl_expression(&mut s, other);
                        s.push('}');
                    }
                }
            }
            J::String(s)
        }
        Value::Ref(_) | Value::Call(_) | Value::Raw(_) | Value::Expr(_) => {
            let mut s = String::from("${");
            write_hcl_expression(&mut s, value);
            // `${{for ...}}` would read as an escape to some eyes; HCL reads both.
            if s.starts_with("${{") {
                s.insert(2, ' ');
                s.push(' ');
            }
            s.push('}');
            J::String(s)
        }
        Value::List(items) => J::Array(items.iter().map(to_terraform_json).collect()),
        Value::Map(m) | Value::Block(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), to_terraform_json(v))).collect())
        }
        Value::Unknown => panic!("BUG: a compile-time placeholder value reached synthesis"),
    }
}

/// Writes a value as an HCL expression (used inside `${ ... }`).
pub fn write_hcl_expression(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Value::Str(s) => write_hcl_string(out, s),
        Value::Ref(r) => {
            let _ = write!(out, "{r}");
        }
        Value::Raw(expr) => out.push_str(expr),
        Value::Expr(e) => write_expr(out, e),
        Value::Call(call) => {
            out.push_str(&call.function);
            out.push('(');
            for (i, arg) in call.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_hcl_expression(out, arg);
            }
            out.push(')');
        }
        Value::Template(parts) => {
            out.push('"');
            for part in parts {
                match part {
                    Value::Str(lit) => write_hcl_string_body(out, lit),
                    other => {
                        out.push_str("${");
                        write_hcl_expression(out, other);
                        out.push('}');
                    }
                }
            }
            out.push('"');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_hcl_expression(out, item);
            }
            out.push(']');
        }
        Value::Map(m) | Value::Block(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_hcl_string(out, k);
                out.push_str(" = ");
                write_hcl_expression(out, v);
            }
            out.push('}');
        }
        Value::Unknown => panic!("BUG: a compile-time placeholder value reached synthesis"),
    }
}

impl Expr {
    /// Every operand, in the order written.
    pub fn operands(&self) -> impl Iterator<Item = &Value> {
        let (a, b, c, d): (Option<&Value>, Option<&Value>, Option<&Value>, Option<&Value>) = match self {
            Expr::Conditional { condition, then, otherwise } => (Some(condition), Some(then), Some(otherwise), None),
            Expr::Binary { left, right, .. } => (Some(left), Some(right), None, None),
            Expr::Unary { operand, .. } => (Some(operand), None, None, None),
            Expr::For(f) => (Some(&f.collection), f.key_out.as_ref(), Some(&f.out), f.condition.as_ref()),
            Expr::Index { collection, key, .. } => (Some(collection), Some(key), None, None),
            Expr::Splat { collection, .. } => (Some(collection), None, None, None),
            Expr::Dynamic(d) => (Some(&d.for_each), Some(&d.content), None, None),
        };
        [a, b, c, d].into_iter().flatten()
    }
}

/// An operand inside an operator: parenthesized when it is itself an
/// operator or conditional, so precedence never depends on the reader.
fn write_operand(out: &mut String, value: &Value) {
    if matches!(value, Value::Expr(e) if !matches!(**e, Expr::Splat { .. } | Expr::Index { .. } | Expr::For(_))) {
        out.push('(');
        write_hcl_expression(out, value);
        out.push(')');
    } else {
        write_hcl_expression(out, value);
    }
}

fn write_expr(out: &mut String, expr: &Expr) {
    match expr {
        Expr::Conditional { condition, then, otherwise } => {
            write_operand(out, condition);
            out.push_str(" ? ");
            write_operand(out, then);
            out.push_str(" : ");
            write_operand(out, otherwise);
        }
        Expr::Binary { op, left, right } => {
            write_operand(out, left);
            let _ = write!(out, " {} ", op.symbol());
            write_operand(out, right);
        }
        Expr::Unary { op, operand } => {
            out.push(if *op == UnaryOp::Not { '!' } else { '-' });
            write_operand(out, operand);
        }
        Expr::For(f) => {
            out.push(if f.key_out.is_some() { '{' } else { '[' });
            out.push_str("for ");
            if let Some(k) = &f.key {
                let _ = write!(out, "{k}, ");
            }
            let _ = write!(out, "{} in ", f.value);
            write_hcl_expression(out, &f.collection);
            out.push_str(" : ");
            if let Some(k) = &f.key_out {
                write_hcl_expression(out, k);
                out.push_str(" => ");
            }
            write_hcl_expression(out, &f.out);
            if let Some(c) = &f.condition {
                out.push_str(" if ");
                write_hcl_expression(out, c);
            }
            out.push(if f.key_out.is_some() { '}' } else { ']' });
        }
        Expr::Index { collection, key, path } => {
            write_operand(out, collection);
            out.push('[');
            write_hcl_expression(out, key);
            out.push(']');
            let _ = path.write_steps(out, true);
        }
        // Validation keeps a `dynamic` block where its nested block goes, which renders it.
        Expr::Dynamic(_) => panic!("BUG: a `dynamic` block stands only where a nested block goes"),
        Expr::Splat { collection, path } => {
            write_operand(out, collection);
            out.push_str("[*]");
            let _ = path.write_steps(out, true);
        }
    }
}

fn write_hcl_string(out: &mut String, s: &str) {
    out.push('"');
    write_hcl_string_body(out, s);
    out.push('"');
}

/// A quoted HCL string is itself a template, so the same `${`/`%{` escaping
/// applies, plus the usual backslash escapes.
fn write_hcl_string_body(out: &mut String, s: &str) {
    for c in escape_template_literal(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(v as i64) }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, usize);

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(i64::try_from(v).expect("integer too large for a Terraform number"))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Str(v.clone())
    }
}

impl From<Reference> for Value {
    fn from(v: Reference) -> Self {
        Value::Ref(v)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

impl<V: Into<Value>> From<BTreeMap<String, V>> for Value {
    fn from(v: BTreeMap<String, V>) -> Self {
        Value::Map(v.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

impl From<&Value> for Value {
    fn from(v: &Value) -> Self {
        v.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::reference::Address;

    fn reference(name: &str) -> Value {
        Value::Ref(Reference::new(Arc::new(Address::resource("aws_vpc", name)), AttrPath::root().name("id")))
    }

    #[test]
    fn walk_gives_each_reference_its_path() {
        let value = Value::Block(Fields::from([
            ("ids".to_owned(), Value::list([reference("a"), Value::call("lower", vec![reference("b")])])),
            ("tags".to_owned(), Value::map([("Name", Value::template(vec![Value::from("x-"), reference("c")]))])),
        ]));
        let mut seen = Vec::new();
        let mut path = AttrPath::root().name("body");
        value.for_each_reference(&mut path, &mut |p, r| seen.push(format!("{p} -> {r}")));
        assert_eq!(seen, ["body.ids[0] -> aws_vpc.a.id", "body.ids[1] -> aws_vpc.b.id", "body.tags.Name -> aws_vpc.c.id"]);
        assert_eq!(path, AttrPath::root().name("body"), "the walk gives the path back as it was");
        assert!(!value.contains_unknown());
        assert!(Value::list([Value::from(1), Value::Unknown]).contains_unknown());
    }

    #[test]
    fn a_block_written_again_becomes_a_list_of_its_instances() {
        let mut body = Fields::new();
        let instance = |n: i64| Fields::from([("n".to_owned(), Value::Int(n))]);
        add_block_instance(&mut body, "rule", instance(1));
        assert_eq!(block_instances(&body["rule"]), [Value::Block(instance(1))]);
        add_block_instance(&mut body, "rule", instance(2));
        add_block_instance(&mut body, "rule", instance(3));
        assert_eq!(block_instances(&body["rule"]), [Value::Block(instance(1)), Value::Block(instance(2)), Value::Block(instance(3))]);
    }
}
