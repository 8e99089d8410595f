//! Type constraints: what a variable's `type` says, as Terraform writes it
//! (`list(object({ cidr = string, public = optional(bool, false) }))`).
//!
//! Phase: resolve. A constraint is a [`CtyType`] plus what only
//! constraints have: `any` in any position, and object attributes that
//! are `optional()`, with a default. The macro parses one from a
//! `variable!`, synthesis renders it, and both check values and
//! reference paths against it here.

use std::collections::BTreeMap;
use std::fmt;

use super::{suggest, CtyType};
use crate::path::Step;
use crate::value::Value;

/// A variable's type constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeConstraint {
    /// `string`.
    String,
    /// `number`.
    Number,
    /// `bool`.
    Bool,
    /// `any`: Terraform infers the type from the value.
    Any,
    /// `list(T)`.
    List(Box<TypeConstraint>),
    /// `set(T)`.
    Set(Box<TypeConstraint>),
    /// `map(T)`.
    Map(Box<TypeConstraint>),
    /// `tuple([T, U])`.
    Tuple(Vec<TypeConstraint>),
    /// `object({ name = T, other = optional(U, default) })`.
    Object(BTreeMap<String, ObjectField>),
}

/// One attribute of an object type constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectField {
    /// Its type.
    pub ty: TypeConstraint,
    /// `optional(T)`: a value may leave it out (Terraform 1.3).
    pub optional: bool,
    /// `optional(T, default)`: what it is when left out.
    pub default: Option<Value>,
}

impl TypeConstraint {
    /// Parses a type constraint as Terraform writes it; `:` may stand for
    /// `=` between an object attribute and its type, as Rust writes fields.
    pub fn parse(text: &str) -> Result<TypeConstraint, String> {
        let mut p = Parser { text, at: 0 };
        let ty = p.constraint()?;
        p.skip_ws();
        if p.at != text.len() {
            return Err(format!("unexpected `{}` after the type", &text[p.at..]));
        }
        Ok(ty)
    }

    /// Uses `optional(...)` somewhere: Terraform 1.3 or later.
    pub fn has_optional(&self) -> bool {
        match self {
            TypeConstraint::List(t) | TypeConstraint::Set(t) | TypeConstraint::Map(t) => t.has_optional(),
            TypeConstraint::Tuple(ts) => ts.iter().any(TypeConstraint::has_optional),
            TypeConstraint::Object(fields) => fields.values().any(|f| f.optional || f.ty.has_optional()),
            _ => false,
        }
    }

    /// The type of what `step` reads inside a value of this type, or why
    /// it reads nothing (`what` names the value in the message).
    pub fn step(&self, step: &Step, what: &str) -> Result<&TypeConstraint, String> {
        match (self, step) {
            (TypeConstraint::Any, _) => Ok(self),
            (TypeConstraint::List(e), Step::Index(_) | Step::Each) => Ok(e),
            (TypeConstraint::Map(e), Step::Key(_) | Step::Attr(_)) => Ok(e),
            (TypeConstraint::Tuple(items), Step::Index(i)) => items.get(*i).ok_or_else(|| format!("{what} is a tuple of {} elements; there is no element {i}", items.len())),
            (TypeConstraint::Object(fields), Step::Attr(name) | Step::Key(name)) => match fields.get(name) {
                Some(field) => Ok(&field.ty),
                None => {
                    let hint = match suggest(name, fields.keys().map(String::as_str)) {
                        Some(s) => format!("; did you mean `{s}`?"),
                        None => format!("; its attributes: {}", fields.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
                    };
                    Err(format!("{what} has no attribute `{name}`{hint}"))
                }
            },
            (TypeConstraint::Set(_), Step::Index(_)) => Err(format!("{what} is a set, which has no order and cannot be indexed")),
            (ty, step) => Err(format!("{what} is {ty}, which `{}` cannot read", describe_step(step))),
        }
    }

    /// Does a literal value fit (conversions as Terraform makes them: a
    /// number or bool fits `string`, a numeric string fits `number`)? The
    /// error names the first place that does not, under `what`.
    pub fn check_value(&self, value: &Value, what: &str) -> Result<(), String> {
        let wrong = |expected: &str| Err(format!("{what} is {}, but the type is {expected}", value.kind_name()));
        match (self, value) {
            (_, Value::Null) | (TypeConstraint::Any, _) => Ok(()),
            // Not a literal: Terraform converts it when it is known.
            (_, Value::Ref(_) | Value::Call(_) | Value::Expr(_) | Value::Raw(_) | Value::Unknown) => Ok(()),
            (TypeConstraint::String, Value::Str(_) | Value::Template(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) => Ok(()),
            (TypeConstraint::Number, Value::Int(_) | Value::Float(_)) => Ok(()),
            (TypeConstraint::Number, Value::Str(s)) if s.trim().parse::<f64>().is_ok() => Ok(()),
            (TypeConstraint::Bool, Value::Bool(_)) => Ok(()),
            (TypeConstraint::Bool, Value::Str(s)) if s == "true" || s == "false" => Ok(()),
            (TypeConstraint::List(e) | TypeConstraint::Set(e), Value::List(items)) => {
                items.iter().enumerate().try_for_each(|(i, item)| e.check_value(item, &format!("{what}[{i}]")))
            }
            (TypeConstraint::Tuple(types), Value::List(items)) if types.len() == items.len() => {
                types.iter().zip(items).enumerate().try_for_each(|(i, (t, item))| t.check_value(item, &format!("{what}[{i}]")))
            }
            (TypeConstraint::Map(e), Value::Map(m) | Value::Block(m)) => m.iter().try_for_each(|(k, v)| e.check_value(v, &format!("{what}[\"{k}\"]"))),
            (TypeConstraint::Object(fields), Value::Map(m) | Value::Block(m)) => {
                for (name, field) in fields {
                    match m.get(name) {
                        Some(v) => field.ty.check_value(v, &format!("{what}.{name}"))?,
                        None if field.optional => {}
                        None => return Err(format!("{what} lacks attribute `{name}`, which the type requires (write `optional(...)` to make it optional)")),
                    }
                }
                match m.keys().find(|k| !fields.contains_key(*k)) {
                    Some(extra) => Err(format!("{what} has attribute `{extra}`, which the type does not declare")),
                    None => Ok(()),
                }
            }
            (ty, _) => wrong(&ty.to_string()),
        }
    }

    /// May a value of this type be given where `ty` is expected, as far as
    /// Terraform's conversions go? Primitives convert into each other
    /// (except bool and number); a collection never becomes a primitive.
    pub fn fits(&self, ty: &CtyType) -> bool {
        use TypeConstraint as T;
        match (self, ty) {
            (T::Any, _) | (_, CtyType::Dynamic) => true,
            (T::String, CtyType::String | CtyType::Number | CtyType::Bool) => true,
            (T::Number, CtyType::String | CtyType::Number) => true,
            (T::Bool, CtyType::String | CtyType::Bool) => true,
            (T::List(e) | T::Set(e), CtyType::List(t) | CtyType::Set(t)) => e.fits(t),
            (T::Tuple(items), CtyType::List(t) | CtyType::Set(t)) => items.iter().all(|i| i.fits(t)),
            (T::List(_) | T::Set(_) | T::Tuple(_), CtyType::Tuple(_)) => true,
            (T::Map(e), CtyType::Map(t)) => e.fits(t),
            (T::Object(fields), CtyType::Map(t)) => fields.values().all(|f| f.ty.fits(t)),
            (T::Map(_) | T::Object(_), CtyType::Object(_)) => true,
            _ => false,
        }
    }

    /// The constraint a provider attribute's type is.
    pub fn from_cty(ty: &CtyType) -> TypeConstraint {
        match ty {
            CtyType::String => TypeConstraint::String,
            CtyType::Number => TypeConstraint::Number,
            CtyType::Bool => TypeConstraint::Bool,
            CtyType::Dynamic => TypeConstraint::Any,
            CtyType::List(e) => TypeConstraint::List(Box::new(TypeConstraint::from_cty(e))),
            CtyType::Set(e) => TypeConstraint::Set(Box::new(TypeConstraint::from_cty(e))),
            CtyType::Map(e) => TypeConstraint::Map(Box::new(TypeConstraint::from_cty(e))),
            CtyType::Tuple(items) => TypeConstraint::Tuple(items.iter().map(TypeConstraint::from_cty).collect()),
            CtyType::Object(fields) => {
                TypeConstraint::Object(fields.iter().map(|(k, t)| (k.clone(), ObjectField { ty: TypeConstraint::from_cty(t), optional: false, default: None })).collect())
            }
        }
    }

    /// The Terraform type a literal has, for a local's type: numbers,
    /// strings and bools as such, a list as a tuple-like list, a map as an
    /// object. `Any` where it is not a literal.
    pub fn of_value(value: &Value) -> TypeConstraint {
        match value {
            Value::Str(_) | Value::Template(_) => TypeConstraint::String,
            Value::Int(_) | Value::Float(_) => TypeConstraint::Number,
            Value::Bool(_) => TypeConstraint::Bool,
            Value::List(items) => TypeConstraint::Tuple(items.iter().map(TypeConstraint::of_value).collect()),
            Value::Map(m) | Value::Block(m) => {
                TypeConstraint::Object(m.iter().map(|(k, v)| (k.clone(), ObjectField { ty: TypeConstraint::of_value(v), optional: false, default: None })).collect())
            }
            _ => TypeConstraint::Any,
        }
    }
}

fn describe_step(step: &Step) -> String {
    match step {
        Step::Attr(n) => format!(".{n}"),
        Step::Index(i) => format!("[{i}]"),
        Step::Key(k) => format!("[\"{k}\"]"),
        Step::Each => "[*]".into(),
    }
}

impl fmt::Display for TypeConstraint {
    /// As Terraform writes it: `map(object({ cidr = string }))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeConstraint::String => f.write_str("string"),
            TypeConstraint::Number => f.write_str("number"),
            TypeConstraint::Bool => f.write_str("bool"),
            TypeConstraint::Any => f.write_str("any"),
            TypeConstraint::List(t) => write!(f, "list({t})"),
            TypeConstraint::Set(t) => write!(f, "set({t})"),
            TypeConstraint::Map(t) => write!(f, "map({t})"),
            TypeConstraint::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            TypeConstraint::Object(fields) => {
                f.write_str("object({")?;
                for (i, (name, field)) in fields.iter().enumerate() {
                    f.write_str(if i > 0 { ", " } else { " " })?;
                    match (&field.optional, &field.default) {
                        (true, Some(default)) => {
                            let mut d = String::new();
                            crate::value::write_hcl_expression(&mut d, default);
                            write!(f, "{name} = optional({}, {d})", field.ty)?
                        }
                        (true, None) => write!(f, "{name} = optional({})", field.ty)?,
                        _ => write!(f, "{name} = {}", field.ty)?,
                    }
                }
                f.write_str(if fields.is_empty() { "})" } else { " })" })
            }
        }
    }
}

/// A recursive-descent parser over the type's text.
struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.rest().starts_with(|c: char| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!("expected `{token}` at `{}`", self.rest().chars().take(20).collect::<String>()))
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        self.skip_ws();
        let len = self.rest().find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(self.rest().len());
        if len == 0 {
            return Err(format!("expected a name at `{}`", self.rest().chars().take(20).collect::<String>()));
        }
        let name = self.rest()[..len].to_owned();
        self.at += len;
        Ok(name)
    }

    fn constraint(&mut self) -> Result<TypeConstraint, String> {
        let name = self.ident()?;
        let inner = |p: &mut Self| -> Result<Box<TypeConstraint>, String> {
            p.expect("(")?;
            let t = p.constraint()?;
            p.expect(")")?;
            Ok(Box::new(t))
        };
        match name.as_str() {
            "string" => Ok(TypeConstraint::String),
            "number" => Ok(TypeConstraint::Number),
            "bool" => Ok(TypeConstraint::Bool),
            "any" => Ok(TypeConstraint::Any),
            "list" => Ok(TypeConstraint::List(inner(self)?)),
            "set" => Ok(TypeConstraint::Set(inner(self)?)),
            "map" => Ok(TypeConstraint::Map(inner(self)?)),
            "tuple" => {
                self.expect("(")?;
                self.expect("[")?;
                let mut items = Vec::new();
                while !self.eat("]") {
                    items.push(self.constraint()?);
                    if !self.eat(",") {
                        self.expect("]")?;
                        break;
                    }
                }
                self.expect(")")?;
                Ok(TypeConstraint::Tuple(items))
            }
            "object" => {
                self.expect("(")?;
                self.expect("{")?;
                let mut fields = BTreeMap::new();
                while !self.eat("}") {
                    let field = self.ident()?;
                    if !self.eat("=") {
                        self.expect(":")?;
                    }
                    let parsed = self.field()?;
                    if fields.insert(field.clone(), parsed).is_some() {
                        return Err(format!("object attribute `{field}` is declared twice"));
                    }
                    if !self.eat(",") {
                        self.expect("}")?;
                        break;
                    }
                }
                self.expect(")")?;
                Ok(TypeConstraint::Object(fields))
            }
            other => {
                let known = ["string", "number", "bool", "any", "list", "set", "map", "tuple", "object"];
                let hint = suggest(other, known).map_or_else(|| format!("; types: {}", known.join(", ")), |s| format!("; did you mean `{s}`?"));
                Err(format!("unknown type `{other}`{hint}"))
            }
        }
    }

    /// An object attribute's type: `T`, `optional(T)` or `optional(T, default)`.
    fn field(&mut self) -> Result<ObjectField, String> {
        let save = self.at;
        if self.ident().as_deref() == Ok("optional") && self.eat("(") {
            let ty = self.constraint()?;
            let default = if self.eat(",") { Some(self.literal()?) } else { None };
            self.expect(")")?;
            if let Some(d) = &default {
                ty.check_value(d, "the default of an optional attribute")?;
            }
            return Ok(ObjectField { ty, optional: true, default });
        }
        self.at = save;
        Ok(ObjectField { ty: self.constraint()?, optional: false, default: None })
    }

    /// A literal default: a string, number, bool, null or list of them.
    fn literal(&mut self) -> Result<Value, String> {
        self.skip_ws();
        if self.eat("[") {
            let mut items = Vec::new();
            while !self.eat("]") {
                items.push(self.literal()?);
                if !self.eat(",") {
                    self.expect("]")?;
                    break;
                }
            }
            return Ok(Value::List(items));
        }
        if self.rest().starts_with('"') {
            let end = self.rest()[1..].find('"').ok_or("unterminated string in a default")? + 2;
            let text = self.rest()[1..end - 1].to_owned();
            self.at += end;
            return Ok(Value::Str(text));
        }
        let len = self.rest().find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')).unwrap_or(self.rest().len());
        let word = &self.rest()[..len];
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            w => match (w.parse::<i64>(), w.parse::<f64>()) {
                (Ok(i), _) => Value::Int(i),
                (_, Ok(x)) => Value::Float(x),
                _ => return Err(format!("a default must be a literal (string, number, bool, null or list), not `{w}`")),
            },
        };
        self.at += len;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_as_terraform_writes_it() {
        let ty = TypeConstraint::parse("map(object({ cidr: string, public = optional(bool, false), tags = optional(map(string)) }))").unwrap();
        assert_eq!(ty.to_string(), "map(object({ cidr = string, public = optional(bool, false), tags = optional(map(string)) }))");
        assert!(ty.has_optional());
        assert_eq!(TypeConstraint::parse("tuple([string, number])").unwrap().to_string(), "tuple([string, number])");
        assert_eq!(TypeConstraint::parse("lisst(string)").unwrap_err(), "unknown type `lisst`; did you mean `list`?");
        assert!(TypeConstraint::parse("object({ a = optional(number, \"x\") })").unwrap_err().contains("the default of an optional attribute is a string"));
    }

    #[test]
    fn checks_literals_and_paths() {
        let ty = TypeConstraint::parse("map(object({ cidr = string, public = optional(bool) }))").unwrap();
        let ok = Value::map([("a", Value::map([("cidr", Value::from("10.0.0.0/24"))]))]);
        assert_eq!(ty.check_value(&ok, "the default"), Ok(()));
        let bad = Value::map([("a", Value::map([("cidr", Value::from("x")), ("publik", Value::from(true))]))]);
        assert_eq!(ty.check_value(&bad, "the default").unwrap_err(), "the default[\"a\"] has attribute `publik`, which the type does not declare");
        let element = ty.step(&Step::Key("a".into()), "var.subnets").unwrap();
        assert_eq!(element.step(&Step::Attr("cidr".into()), "x"), Ok(&TypeConstraint::String));
        assert_eq!(element.step(&Step::Attr("cdir".into()), "`var.subnets[\"a\"]`").unwrap_err(), "`var.subnets[\"a\"]` has no attribute `cdir`; did you mean `cidr`?");
        assert!(TypeConstraint::Number.fits(&CtyType::String));
        assert!(!TypeConstraint::List(Box::new(TypeConstraint::String)).fits(&CtyType::String));
    }
}
