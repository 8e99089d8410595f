//! Evaluating expressions whose operands are known, and what a variable's
//! declaration guarantees about its value.
//!
//! Layer: navigate. Used where a decision needs the value of an
//! expression before Terraform computes it: a validation checked against
//! a literal default, a rule deciding a conditional, a rule reading a
//! variable. Whatever it cannot evaluate is `None`, never a guess.

use crate::graph::Variable;
use crate::reference::{Reference, Root};
use crate::value::{BinaryOp, Expr, UnaryOp, Value};

/// The value of `value` when everything in it is known: literals,
/// operators, conditionals and the pure functions a validation typically
/// calls. `lookup` gives the value of a reference, if known.
pub fn evaluate(value: &Value, lookup: &dyn Fn(&Reference) -> Option<Value>) -> Option<Value> {
    match value {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => Some(value.clone()),
        Value::Ref(r) => lookup(r),
        Value::List(items) => items.iter().map(|i| evaluate(i, lookup)).collect::<Option<Vec<_>>>().map(Value::List),
        Value::Map(m) => m.iter().map(|(k, v)| Some((k.clone(), evaluate(v, lookup)?))).collect::<Option<_>>().map(Value::Map),
        Value::Template(parts) => {
            let mut out = String::new();
            for p in parts {
                out.push_str(&as_text(&evaluate(p, lookup)?)?);
            }
            Some(Value::Str(out))
        }
        Value::Expr(e) => match &**e {
            Expr::Conditional { condition, then, otherwise } => match evaluate(condition, lookup)? {
                Value::Bool(true) => evaluate(then, lookup),
                Value::Bool(false) => evaluate(otherwise, lookup),
                _ => None,
            },
            Expr::Binary { op, left, right } => binary(*op, &evaluate(left, lookup)?, &evaluate(right, lookup)?),
            Expr::Unary { op: UnaryOp::Not, operand } => Some(Value::Bool(!evaluate(operand, lookup)?.as_bool()?)),
            Expr::Unary { op: UnaryOp::Neg, operand } => Some(Value::Float(-number(&evaluate(operand, lookup)?)?)),
            _ => None,
        },
        Value::Call(call) => {
            // `can(x)`: true when `x` evaluates; unknown when it cannot be told.
            if call.function == "can" {
                return Some(Value::Bool(evaluate(call.args.first()?, lookup).is_some()));
            }
            let args = call.args.iter().map(|a| evaluate(a, lookup)).collect::<Option<Vec<_>>>()?;
            function(&call.function, &args)
        }
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Numbers compare as numbers; anything else by its text.
fn equal(a: &Value, b: &Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) if !matches!((a, b), (Value::Str(_), Value::Str(_))) => x == y,
        _ => a == b,
    }
}

fn binary(op: BinaryOp, a: &Value, b: &Value) -> Option<Value> {
    use BinaryOp::*;
    Some(match op {
        Eq => Value::Bool(equal(a, b)),
        Ne => Value::Bool(!equal(a, b)),
        And => Value::Bool(a.as_bool()? && b.as_bool()?),
        Or => Value::Bool(a.as_bool()? || b.as_bool()?),
        Gt | Ge | Lt | Le => {
            let (x, y) = (number(a)?, number(b)?);
            Value::Bool(match op {
                Gt => x > y,
                Ge => x >= y,
                Lt => x < y,
                _ => x <= y,
            })
        }
        Add | Sub | Mul | Div | Rem => {
            let (x, y) = (number(a)?, number(b)?);
            let r = match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div if y != 0.0 => x / y,
                Rem if y != 0.0 => x % y,
                _ => return None,
            };
            if r.fract() == 0.0 && r.abs() < 9.0e15 {
                Value::Int(r as i64)
            } else {
                Value::Float(r)
            }
        }
    })
}

/// The pure built-in functions validations use most.
fn function(name: &str, args: &[Value]) -> Option<Value> {
    let text = |i: usize| args.get(i).and_then(as_text);
    Some(match (name, args) {
        ("contains", [Value::List(items), x]) => Value::Bool(items.iter().any(|i| equal(i, x))),
        ("length", [Value::List(items)]) => Value::Int(items.len() as i64),
        ("length", [Value::Map(m)]) => Value::Int(m.len() as i64),
        ("length", [Value::Str(s)]) => Value::Int(s.chars().count() as i64),
        ("lower", [_]) => Value::Str(text(0)?.to_lowercase()),
        ("upper", [_]) => Value::Str(text(0)?.to_uppercase()),
        ("startswith", [_, _]) => Value::Bool(text(0)?.starts_with(&text(1)?)),
        ("endswith", [_, _]) => Value::Bool(text(0)?.ends_with(&text(1)?)),
        ("strcontains", [_, _]) => Value::Bool(text(0)?.contains(&text(1)?)),
        ("regex", [_, _]) => {
            let re = regex::Regex::new(&text(0)?).ok()?;
            // Terraform's `regex` fails when nothing matches: `can(regex(...))` is false then.
            Value::Str(re.find(&text(1)?)?.as_str().to_owned())
        }
        ("min", _) if !args.is_empty() => Value::Float(args.iter().map(number).collect::<Option<Vec<_>>>()?.into_iter().fold(f64::INFINITY, f64::min)),
        ("max", _) if !args.is_empty() => Value::Float(args.iter().map(number).collect::<Option<Vec<_>>>()?.into_iter().fold(f64::NEG_INFINITY, f64::max)),
        ("abs", [x]) => Value::Float(number(x)?.abs()),
        ("alltrue", [Value::List(items)]) => Value::Bool(items.iter().map(Value::as_bool).collect::<Option<Vec<_>>>()?.into_iter().all(|b| b)),
        ("anytrue", [Value::List(items)]) => Value::Bool(items.iter().map(Value::as_bool).collect::<Option<Vec<_>>>()?.into_iter().any(|b| b)),
        ("tostring", [_]) => Value::Str(text(0)?),
        // A set of strings stays the call: `for_each` reads its members from it.
        ("toset", [Value::List(_)]) => Value::call("toset", args.to_vec()),
        ("tomap", [Value::Map(m)]) => Value::Map(m.clone()),
        ("tonumber", [x]) => Value::Float(number(x)?),
        _ => return None,
    })
}

/// What every value a variable can take satisfies, read off its
/// declaration: the bounds, allowed values and pattern its validations
/// state (each a conjunct of a condition), and whether it can be null.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Guarantee {
    /// `var.x >= n` (or `>`): the value is at least this.
    pub min: Option<f64>,
    /// `var.x <= n` (or `<`): at most this.
    pub max: Option<f64>,
    /// `contains([...], var.x)` or `var.x == v`: one of these.
    pub allowed: Option<Vec<Value>>,
    /// `can(regex("...", var.x))`: the value matches this pattern.
    pub pattern: Option<String>,
    /// `nullable = false`, or a validation `var.x != null`.
    pub non_null: bool,
}

impl Guarantee {
    /// What the declaration of variable `name` guarantees.
    pub fn of(name: &str, variable: &Variable) -> Guarantee {
        let mut g = Guarantee { non_null: !variable.nullable, ..Guarantee::default() };
        for v in &variable.validations {
            conjuncts(&v.condition, &mut |c| g.learn(name, c));
        }
        g
    }

    /// The one value the variable can have, when its validations allow one.
    pub fn pinned(&self) -> Option<&Value> {
        match self.allowed.as_deref() {
            Some([only]) => Some(only),
            _ => None,
        }
    }

    /// Does every value the guarantee allows satisfy `test`? `None` when
    /// the guarantee does not say.
    pub fn all_numbers(&self, test: impl Fn(f64) -> bool) -> Option<bool> {
        if let Some(allowed) = &self.allowed {
            return allowed.iter().map(number).collect::<Option<Vec<_>>>().map(|ns| ns.into_iter().all(&test));
        }
        None
    }

    fn learn(&mut self, name: &str, condition: &Value) {
        let is_var = |v: &Value| matches!(v, Value::Ref(r) if r.path.is_root() && matches!(&r.root, Root::Variable(n) if &**n == name));
        match condition {
            Value::Expr(e) => {
                let Expr::Binary { op, left, right } = &**e else { return };
                // Normalize to `var.x op literal`.
                let (op, literal) = if is_var(left) {
                    (*op, right)
                } else if is_var(right) {
                    (flip(*op), left)
                } else {
                    return;
                };
                match (op, number(literal)) {
                    (BinaryOp::Ge | BinaryOp::Gt, Some(n)) => self.min = Some(self.min.map_or(n, |m| m.max(n))),
                    (BinaryOp::Le | BinaryOp::Lt, Some(n)) => self.max = Some(self.max.map_or(n, |m| m.min(n))),
                    (BinaryOp::Eq, _) if !matches!(literal, Value::Null) => self.allowed = Some(vec![literal.clone()]),
                    (BinaryOp::Ne, _) if matches!(literal, Value::Null) => self.non_null = true,
                    _ => {}
                }
            }
            Value::Call(call) => match (call.function.as_str(), call.args.as_slice()) {
                ("contains", [Value::List(items), x]) if is_var(x) && items.iter().all(|i| evaluate(i, &|_| None).is_some()) => {
                    self.allowed = Some(items.clone());
                }
                ("can", [Value::Call(inner)]) if inner.function == "regex" => {
                    if let [Value::Str(pattern), x] = inner.args.as_slice() {
                        if is_var(x) {
                            self.pattern = Some(pattern.clone());
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// `a op b` as `b op' a`.
fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        other => other,
    }
}

/// The parts of `a && b && ...`.
fn conjuncts<'v>(condition: &'v Value, f: &mut dyn FnMut(&'v Value)) {
    match condition {
        Value::Expr(e) => match &**e {
            Expr::Binary { op: BinaryOp::And, left, right } => {
                conjuncts(left, f);
                conjuncts(right, f);
            }
            _ => f(condition),
        },
        _ => f(condition),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Validation;

    fn var(name: &str) -> Value {
        Value::Ref(Reference::variable(name))
    }

    #[test]
    fn evaluates_operators_conditionals_and_functions() {
        let lookup = |r: &Reference| (r.to_string() == "var.days").then_some(Value::Int(30));
        let cond = Value::binary(BinaryOp::Ge, var("days"), 365);
        assert_eq!(evaluate(&cond, &lookup), Some(Value::Bool(false)));
        assert_eq!(evaluate(&Value::conditional(cond, "long", "short"), &lookup), Some(Value::from("short")));
        assert_eq!(evaluate(&Value::binary(BinaryOp::Add, var("days"), 5), &lookup), Some(Value::Int(35)));
        assert_eq!(evaluate(&var("other"), &lookup), None);
        let allowed = Value::call("contains", vec![Value::list(["dev".into(), "prod".into()]), Value::from("prod")]);
        assert_eq!(evaluate(&allowed, &lookup), Some(Value::Bool(true)));
        let pattern = Value::call("can", vec![Value::call("regex", vec!["^[a-z]+$".into(), "Prod".into()])]);
        assert_eq!(evaluate(&pattern, &lookup), Some(Value::Bool(false)));
    }

    #[test]
    fn reads_what_validations_guarantee() {
        let variable = Variable {
            nullable: false,
            validations: vec![
                Validation { condition: Value::binary(BinaryOp::And, Value::binary(BinaryOp::Ge, var("days"), 365), Value::binary(BinaryOp::Le, var("days"), 3653)), error_message: "x".into() },
                Validation { condition: Value::call("contains", vec![Value::list([365.into(), 731.into()]), var("days")]), error_message: "y".into() },
            ],
            ..Variable::default()
        };
        let g = Guarantee::of("days", &variable);
        assert_eq!((g.min, g.max, g.non_null), (Some(365.0), Some(3653.0), true));
        assert_eq!(g.all_numbers(|n| n >= 365.0), Some(true));
        assert_eq!(g.pinned(), None);
        let pinned = Variable { validations: vec![Validation { condition: Value::binary(BinaryOp::Eq, var("on"), true), error_message: "z".into() }], ..Variable::default() };
        assert_eq!(Guarantee::of("on", &pinned).pinned(), Some(&Value::Bool(true)));
    }
}
