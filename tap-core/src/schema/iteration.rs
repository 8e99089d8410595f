//! Terraform's rules for `count`, `for_each` and the instances they make:
//! what each may iterate, what must be known at plan, and how a reference
//! names an instance. One set of messages for the macros (at compile time)
//! and for validation (for a stack built in code).
//!
//! Layer: schema. Reads values, references and the schema's notion of a
//! computed attribute; knows nothing of a stack.

use crate::path::Step;
use crate::reference::{Reference, Root, COUNT, EACH};
use crate::value::{Expr, Value};

use super::{Block, TypeConstraint};

/// A problem, with the help that goes with it.
pub type Problem = (String, String);

/// Which meta-argument repeats a resource: `count` or `for_each`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeats {
    /// `count`: instances `[0]`, `[1]`, ...
    Count,
    /// `for_each`: instances `["key"]`.
    ForEach,
}

impl Repeats {
    /// Its Terraform name.
    pub fn meta_argument(self) -> &'static str {
        match self {
            Repeats::Count => "count",
            Repeats::ForEach => "for_each",
        }
    }

    /// The name it binds for the body: `count` or `each`.
    pub fn binds(self) -> &'static str {
        match self {
            Repeats::Count => COUNT,
            Repeats::ForEach => EACH,
        }
    }
}

/// A reference to a resource repeated by `repeats` (or a single one):
/// does it name an instance the way the target has them?
pub fn instance_problem(reference: &Reference, repeats: Option<Repeats>) -> Option<Problem> {
    let Root::Resource(target) = &reference.root else { return None };
    let name = &target.name;
    let attr = reference.attribute().unwrap_or("id");
    match (repeats, reference.instance_step()) {
        (None, Some(step)) => Some((
            format!("`{target}` has neither `count` nor `for_each`, so it has no instance `{}`", Reference { root: reference.root.clone(), path: vec![step.clone()].into() }.to_string().trim_start_matches(&target.to_string())),
            format!("read it directly: `{name}.{attr}`"),
        )),
        (Some(Repeats::Count), None) if !reference.path.is_root() => Some((
            format!("`{target}` has `count`: it is a list of instances, and `.{attr}` needs one"),
            format!("name one, `{name}[0].{attr}` (or `{name}[count.index].{attr}`), or all of them, `{name}[*].{attr}`"),
        )),
        (Some(Repeats::ForEach), None) if !reference.path.is_root() => Some((
            format!("`{target}` has `for_each`: it is a map of instances, and `.{attr}` needs one"),
            format!("name one by its key, `{name}[\"key\"].{attr}` (or `{name}[each.key].{attr}`), or all of them, `{name}[*].{attr}`"),
        )),
        (Some(Repeats::Count), Some(Step::Key(k))) => Some((format!("`{target}` has `count`: its instances are numbered, and `[\"{k}\"]` is a key"), format!("write `{name}[0]`, or give the resource `for_each` to key its instances"))),
        (Some(Repeats::ForEach), Some(Step::Index(i))) => Some((format!("`{target}` has `for_each`: its instances have keys, and `[{i}]` is a number"), format!("write `{name}[\"key\"]` with one of the collection's keys"))),
        _ => None,
    }
}

/// `each.*` or `count.*` where the resource does not bind it.
pub fn bound_problem(reference: &Reference, repeats: Option<Repeats>) -> Option<Problem> {
    let Root::Bound(name) = &reference.root else { return None };
    let (needs, binds) = match &**name {
        EACH => (Repeats::ForEach, EACH),
        COUNT => (Repeats::Count, COUNT),
        _ => return None,
    };
    (repeats != Some(needs)).then(|| {
        (
            format!("`{reference}` is defined only in a resource with `{}`", needs.meta_argument()),
            format!("add `#[{}(...)]` to the resource, or read something other than `{binds}`", needs.meta_argument()),
        )
    })
}

/// What `for_each` may iterate, by its type: a map (or object), or a set
/// of strings. A list has no keys, and a set of anything else no string keys.
pub fn for_each_type_problem(ty: &TypeConstraint) -> Option<Problem> {
    let help = "iterate a map (`{ a: {...}, b: {...} }`, `map(object(...))`), or a set of strings: `tf::toset(var.names)`".to_owned();
    match ty {
        TypeConstraint::List(_) | TypeConstraint::Tuple(_) => Some((format!("`for_each` takes a map or a set of strings, and this is {ty}: a list's elements have no keys to address them by"), help)),
        TypeConstraint::Set(element) if !matches!(**element, TypeConstraint::String | TypeConstraint::Any) => Some((format!("`for_each` over a set takes strings (the keys of the instances), and this is {ty}"), help)),
        TypeConstraint::String | TypeConstraint::Number | TypeConstraint::Bool => Some((format!("`for_each` takes a map or a set of strings, and this is {ty}"), help)),
        _ => None,
    }
}

/// What `count` takes: a whole number.
pub fn count_type_problem(ty: &TypeConstraint) -> Option<Problem> {
    (!matches!(ty, TypeConstraint::Number | TypeConstraint::Any)).then(|| (format!("`count` takes a number, and this is {ty}"), "write a whole number, `var.replicas`, or `tf::length(...)`".to_owned()))
}

/// The first reference that decides `count`, or the keys of `for_each`,
/// and is known only after apply: an attribute of a managed resource that
/// the provider computes and the resource does not set (`id`, `arn`).
/// Terraform refuses the plan ("Invalid for_each argument", "Invalid
/// count argument"); values of a map's entries may be unknown, its keys
/// may not. `after_apply` says whether a reference to a managed
/// resource's attribute is one ([`computed_and_unset`]); `local` gives a
/// local value's expression.
pub fn apply_time_source<'v>(value: &'v Value, repeats: Repeats, after_apply: &dyn Fn(&Reference) -> bool, local: &dyn Fn(&str) -> Option<&'v Value>) -> Option<Reference> {
    let mut pending = vec![value];
    let mut hops = 0;
    while let Some(v) = pending.pop() {
        match v {
            Value::Ref(r) => match &r.root {
                Root::Local(name) if hops < 16 => {
                    hops += 1;
                    pending.extend(local(name));
                }
                Root::Resource(address) if address.mode == crate::reference::Mode::Managed && after_apply(r) => return Some(r.clone()),
                _ => {}
            },
            // A map's keys are written out: only its values could be unknown.
            Value::Map(_) | Value::Block(_) if repeats == Repeats::ForEach => {}
            Value::Map(m) | Value::Block(m) => pending.extend(m.values()),
            Value::List(items) | Value::Template(items) => pending.extend(items),
            // The length of a list written out is known whatever its elements are.
            Value::Call(c) if c.function == "length" && matches!(c.args.as_slice(), [Value::List(_)]) => {}
            Value::Call(c) => pending.extend(&c.args),
            Value::Expr(e) => match &**e {
                // Only the keys (and which elements) matter.
                Expr::For(f) if f.key_out.is_some() && repeats == Repeats::ForEach => {
                    pending.push(&f.collection);
                    pending.extend(&f.key_out);
                    pending.extend(&f.condition);
                }
                other => pending.extend(other.operands()),
            },
            _ => {}
        }
    }
    None
}

/// Is `attr` of a resource of schema `block` known only after apply: the
/// provider computes it, and the resource does not set it (`sets`)?
pub fn computed_and_unset(block: &Block, reference: &Reference, sets: impl Fn(&str) -> bool) -> bool {
    let Some(Step::Attr(attr)) = reference.attribute_steps().first() else { return false };
    block.attributes.get(attr).is_some_and(|a| a.computed && !a.required) && !sets(attr)
}

/// The message for [`apply_time_source`]'s finding.
pub fn apply_time_problem(repeats: Repeats, source: &Reference) -> Problem {
    let (what, fix) = match repeats {
        Repeats::ForEach => ("the keys of `for_each`", "key the map by values written in the stack or given as variables (names, not IDs): `{ for s in var.subnets : s.name => s }`"),
        Repeats::Count => ("`count`", "count something written in the stack or given as a variable (`tf::length(var.zones)`), not something Terraform creates"),
    };
    (
        format!("{what} must be known when Terraform plans, and `{source}` is known only after apply: Terraform refuses this plan (\"Invalid {} argument\")", repeats.meta_argument()),
        fix.to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::path::AttrPath;
    use crate::reference::Address;

    fn subnet(steps: &str) -> Reference {
        let address = Arc::new(Address::resource("aws_subnet", "private"));
        let path = if steps.is_empty() { AttrPath::root() } else { AttrPath::parse(&format!("x{steps}")).map(|p| AttrPath::from(p.steps()[1..].to_vec())).unwrap() };
        Reference::new(address, path)
    }

    #[test]
    fn references_name_instances_the_way_the_target_has_them() {
        assert_eq!(instance_problem(&subnet(".id"), None), None);
        assert!(instance_problem(&subnet("[0].id"), None).unwrap().0.contains("has neither `count` nor `for_each`, so it has no instance `[0]`"));
        assert!(instance_problem(&subnet(".id"), Some(Repeats::Count)).unwrap().1.contains("`private[0].id`"));
        assert_eq!(instance_problem(&subnet("[1].id"), Some(Repeats::Count)), None);
        assert_eq!(instance_problem(&subnet("[*].id"), Some(Repeats::Count)), None);
        assert_eq!(instance_problem(&subnet(""), Some(Repeats::ForEach)), None, "the whole map: `for_each = aws_subnet.private`");
        assert!(instance_problem(&subnet("[\"a\"].id"), Some(Repeats::Count)).unwrap().0.contains("numbered"));
        assert!(instance_problem(&subnet("[0].id"), Some(Repeats::ForEach)).unwrap().0.contains("have keys"));
        assert!(bound_problem(&Reference::each_value(), Some(Repeats::Count)).unwrap().0.contains("only in a resource with `for_each`"));
        assert_eq!(bound_problem(&Reference::count_index(), Some(Repeats::Count)), None);
    }

    #[test]
    fn what_for_each_and_count_take() {
        let ty = |t: &str| TypeConstraint::parse(t).unwrap();
        assert!(for_each_type_problem(&ty("list(string)")).unwrap().0.contains("no keys"));
        assert!(for_each_type_problem(&ty("set(number)")).is_some());
        assert_eq!(for_each_type_problem(&ty("set(string)")), None);
        assert_eq!(for_each_type_problem(&ty("map(object({ cidr: string }))")), None);
        assert!(count_type_problem(&ty("string")).is_some());
        assert_eq!(count_type_problem(&ty("number")), None);
    }

    #[test]
    fn keys_known_only_after_apply_are_found_through_calls_and_locals() {
        let block = Block::from_json(r#"{"attributes": {"id": {"type": "string", "optional": true, "computed": true}, "cidr_block": {"type": "string", "optional": true, "computed": true}}}"#).unwrap();
        let block_of = |r: &Reference| computed_and_unset(&block, r, |attr| attr == "cidr_block");
        let ids = Value::call("toset", vec![Value::Ref(subnet("[*].id"))]);
        let local = Value::Ref(Reference::local("ids"));
        let found = apply_time_source(&ids, Repeats::ForEach, &block_of, &|_| None).unwrap();
        assert_eq!(found.to_string(), "aws_subnet.private[*].id");
        assert!(apply_time_problem(Repeats::ForEach, &found).0.contains("Invalid for_each argument"));
        assert!(apply_time_source(&local, Repeats::ForEach, &block_of, &|_| Some(&ids)).is_some(), "through a local");
        let keyed = Value::map([("a", Value::Ref(subnet("[0].id")))]);
        assert_eq!(apply_time_source(&keyed, Repeats::ForEach, &block_of, &|_| None), None, "only the keys must be known");
        assert!(apply_time_source(&Value::call("length", vec![Value::Ref(subnet("[*].id"))]), Repeats::Count, &block_of, &|_| None).is_some());
        assert_eq!(apply_time_source(&Value::call("length", vec![Value::list([Value::Ref(subnet("[0].id"))])]), Repeats::Count, &block_of, &|_| None), None, "a list written out has a known length");
        assert_eq!(apply_time_source(&Value::call("toset", vec![Value::Ref(subnet("[*].cidr_block"))]), Repeats::ForEach, &block_of, &|_| None), None, "set by the resource: known at plan");
    }
}
