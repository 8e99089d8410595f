//! Terraform's configuration blocks that act on state rather than declare
//! infrastructure: `moved` (1.1), `import` (1.5, with `for_each` 1.7),
//! `removed` (1.7) and `check` (1.5).
//!
//! Layer: model. Building them never fails; [`target_problem`] holds the
//! address rules that validation (at synthesis) and the macros (at compile
//! time) both apply, so a mistake reads the same wherever it is caught.

use std::fmt;
use std::sync::Arc;

use crate::reference::{Address, InstanceKey, Mode};
use crate::schema::iteration::Repeats;
use crate::schema::suggest;
use crate::value::{write_hcl_expression, Value};

use super::{Handle, Origin, Resource, Stack};

/// The instance key of a [`Target`]: one written out, or (in an `import`
/// with `for_each`) an expression such as `each.key`.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetKey {
    /// `[0]` or `["a"]`.
    Instance(InstanceKey),
    /// `[each.key]`: evaluated by Terraform per element of the `for_each`.
    Expr(Value),
}

/// A resource address as `moved`, `import` and `removed` name it, with an
/// optional instance key: `aws_subnet.private[0]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The resource (always a managed one: data sources have no state to move).
    pub address: Arc<Address>,
    /// The instance, on a resource with `count` or `for_each`.
    pub key: Option<TargetKey>,
}

impl Target {
    /// The whole resource `type_name.name`.
    pub fn resource(type_name: &str, name: &str) -> Self {
        Target { address: Arc::new(Address::resource(type_name, name)), key: None }
    }

    /// The resource a handle points at.
    pub fn of<T>(handle: &Handle<T>) -> Self {
        Target { address: handle.address().clone(), key: None }
    }

    /// The same target, one instance of it: `.at(InstanceKey::Index(0))`.
    pub fn at(mut self, key: InstanceKey) -> Self {
        self.key = Some(TargetKey::Instance(key));
        self
    }

    /// The same target, the instance an expression selects (`each.key`).
    pub fn keyed_by(mut self, key: impl Into<Value>) -> Self {
        self.key = Some(TargetKey::Expr(key.into()));
        self
    }

    /// What kind of key it has, for [`target_problem`].
    pub fn key_kind(&self) -> KeyKind {
        match &self.key {
            None => KeyKind::None,
            Some(TargetKey::Instance(InstanceKey::Index(_))) => KeyKind::Index,
            Some(TargetKey::Instance(InstanceKey::Key(_))) => KeyKind::Key,
            Some(TargetKey::Expr(_)) => KeyKind::Expr,
        }
    }
}

impl fmt::Display for Target {
    /// The address Terraform reads: `aws_s3_bucket.b[each.key]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.address)?;
        match &self.key {
            None => Ok(()),
            Some(TargetKey::Instance(key)) => write!(f, "{key}"),
            Some(TargetKey::Expr(value)) => {
                let mut s = String::new();
                write_hcl_expression(&mut s, value);
                write!(f, "[{s}]")
            }
        }
    }
}

/// `moved { from = ..., to = ... }`: the object at `from` in the state is
/// now `to`'s; Terraform renames it instead of destroying and creating.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    /// The old address, which the configuration no longer declares.
    pub from: Target,
    /// The new address, a resource the stack declares.
    pub to: Target,
    /// Where `moved!` was written.
    pub origin: Origin,
}

/// `import { to = ..., id = ... }`: adopt an existing object into the state.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The resource (or instance) the object becomes.
    pub to: Target,
    /// The provider's import ID of the object (a bucket's name).
    pub id: Value,
    /// `for_each` (Terraform 1.7): one import per element; `to`'s key and
    /// `id` then read `each.key` and `each.value`.
    pub for_each: Option<Value>,
    /// Where `import!` was written.
    pub origin: Origin,
}

/// `removed { from = ..., lifecycle { destroy = ... } }` (Terraform 1.7):
/// the resource leaves the configuration; with `destroy = false` its object
/// is forgotten by the state but left standing.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    /// The resource removed from the configuration (no instance key).
    pub from: Target,
    /// Destroy the object (`true`, Terraform's default) or only forget it.
    pub destroy: bool,
    /// Where `removed!` was written.
    pub origin: Origin,
}

/// One `assert` of a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    /// A boolean expression; `false` is a warning at plan and apply.
    pub condition: Value,
    /// What the warning says.
    pub error_message: Value,
}

/// `check "name" { data ... assert { ... } }` (Terraform 1.5): assertions
/// Terraform evaluates after every plan and apply, warning without failing,
/// with an optional data source read only for them.
#[derive(Clone, Debug)]
pub struct Check {
    /// The check's name, unique in the stack.
    pub name: String,
    /// The scoped data sources: readable from this check's assertions only.
    pub data: Vec<Resource>,
    /// At least one assertion.
    pub asserts: Vec<Assertion>,
    /// Where `check!` was written.
    pub origin: Origin,
}

impl Check {
    /// A check with no data source and no assertion yet.
    pub fn new(name: &str) -> Self {
        Check { name: name.to_owned(), data: Vec::new(), asserts: Vec::new(), origin: Origin::default() }
    }

    /// The same check with one more assertion.
    pub fn assert(mut self, condition: impl Into<Value>, error_message: impl Into<Value>) -> Self {
        self.asserts.push(Assertion { condition: condition.into(), error_message: error_message.into() });
        self
    }

    /// The same check with a scoped data source.
    pub fn data(mut self, data: Resource) -> Self {
        self.data.push(data);
        self
    }
}

impl Stack {
    /// Adds a `moved` block: `stack.moved(Target::resource("aws_subnet", "private_0"), Target::of(&private).at(InstanceKey::Index(0)))`.
    pub fn moved(&mut self, from: Target, to: Target) -> &mut Self {
        self.moved.push(Moved { from, to, origin: Origin::default() });
        self
    }

    /// Adds an `import` block of one object by its ID.
    pub fn import(&mut self, to: Target, id: impl Into<Value>) -> &mut Self {
        self.imports.push(Import { to, id: id.into(), for_each: None, origin: Origin::default() });
        self
    }

    /// Adds an `import` block with `for_each` (Terraform 1.7): `to`'s key and
    /// `id` read `each.key` and `each.value`.
    pub fn import_each(&mut self, for_each: impl Into<Value>, to: Target, id: impl Into<Value>) -> &mut Self {
        self.imports.push(Import { to, id: id.into(), for_each: Some(for_each.into()), origin: Origin::default() });
        self
    }

    /// Adds a `removed` block: `destroy = false` keeps the object and only
    /// forgets it.
    pub fn removed(&mut self, from: Target, destroy: bool) -> &mut Self {
        self.removed.push(Removed { from, destroy, origin: Origin::default() });
        self
    }

    /// Adds a `check` block.
    pub fn check(&mut self, check: Check) -> &mut Self {
        self.checks.push(check);
        self
    }

    /// Moves the data sources `handles` point at out of the stack's
    /// resources into `check`, as its scoped data sources, then adds it:
    /// what `check!` generates for `let probe = data!(...)` inside it.
    pub fn check_with_data(&mut self, mut check: Check, handles: &[Handle]) -> &mut Self {
        for handle in handles {
            if let Some(i) = self.resources.iter().rposition(|r| r.address == handle.address) {
                check.data.push(self.resources.remove(i));
            }
        }
        self.check(check)
    }

    /// Sets where the last block added by [`Stack::moved`], [`Stack::import`],
    /// [`Stack::import_each`], [`Stack::removed`] or [`Stack::check`] was
    /// written (the macros call it with `file!()` and `line!()`).
    #[doc(hidden)]
    pub fn __block_origin(&mut self, which: &str, origin: Origin) -> &mut Self {
        let slot = match which {
            "moved" => self.moved.last_mut().map(|b| &mut b.origin),
            "import" => self.imports.last_mut().map(|b| &mut b.origin),
            "removed" => self.removed.last_mut().map(|b| &mut b.origin),
            _ => self.checks.last_mut().map(|b| &mut b.origin),
        };
        if let Some(slot) = slot {
            *slot = origin;
        }
        self
    }
}

/// Which field of which block names an address: decides what the address
/// must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `moved.from`: an address the stack no longer declares.
    MovedFrom,
    /// `moved.to`: a resource the stack declares.
    MovedTo,
    /// `import.to`: a resource the stack declares.
    ImportTo,
    /// `removed.from`: an address the stack no longer declares, without a key.
    RemovedFrom,
}

impl Role {
    /// `moved.from`, as messages show it.
    pub fn field(self) -> &'static str {
        match self {
            Role::MovedFrom => "moved.from",
            Role::MovedTo => "moved.to",
            Role::ImportTo => "import.to",
            Role::RemovedFrom => "removed.from",
        }
    }
}

/// The key written after an address, by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    /// None: the whole resource.
    None,
    /// `[0]`.
    Index,
    /// `["a"]`.
    Key,
    /// `[each.key]`: an expression.
    Expr,
}

/// The problem with `address` (with a key of `key`) in the field `role`, as
/// a message and a help; `declared` says whether the stack declares a
/// resource at an address (`Some`) and what repeats it (`Some(None)`: a
/// single resource), `candidates` are the managed
/// addresses it declares (for did-you-mean), `for_each` whether the block
/// has `for_each` (an `import`). `None` when the address is fine.
pub fn target_problem<'a>(
    role: Role,
    address: &Address,
    key: KeyKind,
    for_each: bool,
    declared: &dyn Fn(&Address) -> Option<Option<Repeats>>,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(String, String)> {
    let field = role.field();
    if address.mode == Mode::Data {
        return Some((format!("`{field}` names data source `{address}`, which has no state to move, import or remove"), "name a managed resource: `type.name`".into()));
    }
    let shown = address.to_string();
    match role {
        Role::MovedTo | Role::ImportTo => {
            let Some(repeat) = declared(address) else {
                let help = match suggest(&shown, candidates) {
                    Some(s) => format!("did you mean `{s}`? `{field}` names a resource this stack declares"),
                    None => format!("`{field}` names a resource this stack declares (with `resource!`, or in a component instance as `<instance>_<name>`)"),
                };
                return Some((format!("`{field}` names `{shown}`, which this stack does not declare"), help));
            };
            key_problem(field, &shown, key, repeat, for_each)
        }
        Role::MovedFrom | Role::RemovedFrom => {
            if role == Role::RemovedFrom && key != KeyKind::None {
                return Some((format!("`{field}` names an instance of `{shown}`: Terraform removes whole resources only"), format!("write `{shown}` without a key")));
            }
            // `moved` between instances of one declared resource is checked by the caller.
            if declared(address).is_some() {
                let what = if role == Role::MovedFrom { "a moved block's `from` is the old address" } else { "a removed resource is no longer declared" };
                return Some((
                    format!("`{field}` names `{shown}`, which this stack still declares: {what}"),
                    if role == Role::MovedFrom { "remove or rename the old `resource!`, or move from the address it had before".into() } else { "delete its `resource!`, or drop this `removed!`".into() },
                ));
            }
            None
        }
    }
}

/// The key `key` on a declared resource that repeats as `repeat`.
fn key_problem(field: &str, shown: &str, key: KeyKind, repeat: Option<Repeats>, for_each: bool) -> Option<(String, String)> {
    let accepted = match repeat {
        None => format!("`{shown}` has neither `count` nor `for_each`: write it without a key"),
        Some(Repeats::Count) => format!("`{shown}` has `count`: write an index, `{shown}[0]`, or the whole resource"),
        Some(Repeats::ForEach) => format!("`{shown}` has `for_each`: write a key, `{shown}[\"a\"]`, or the whole resource"),
    };
    let fits = match (key, repeat) {
        (KeyKind::None, _) => !(for_each && repeat.is_some()),
        (KeyKind::Index, Some(Repeats::Count)) | (KeyKind::Key, Some(Repeats::ForEach)) => true,
        (KeyKind::Expr, Some(_)) => for_each,
        _ => false,
    };
    if fits {
        return None;
    }
    let what = match key {
        KeyKind::None => "no instance key, and the block has `for_each`".to_owned(),
        KeyKind::Index => "an index".to_owned(),
        KeyKind::Key => "a string key".to_owned(),
        KeyKind::Expr if !for_each => "a key computed by an expression, which only an `import` with `for_each` may write".to_owned(),
        KeyKind::Expr => "a key computed by an expression".to_owned(),
    };
    let help = if key == KeyKind::None && for_each { format!("write `{shown}[each.key]`: each element of `for_each` imports one instance") } else { accepted };
    Some((format!("`{field}` gives `{shown}` {what}, which does not fit it"), help))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(a: &Address) -> Option<Option<Repeats>> {
        match a.name.as_str() {
            "one" => Some(None),
            "many" => Some(Some(Repeats::Count)),
            "keyed" => Some(Some(Repeats::ForEach)),
            _ => None,
        }
    }

    fn problem(role: Role, name: &str, key: KeyKind, for_each: bool) -> Option<String> {
        target_problem(role, &Address::resource("aws_s3_bucket", name), key, for_each, &declared, ["aws_s3_bucket.one", "aws_s3_bucket.many"]).map(|(m, h)| format!("{m} / {h}"))
    }

    #[test]
    fn a_target_renders_as_terraform_reads_it() {
        let t = Target::resource("aws_subnet", "private").at(InstanceKey::Index(0));
        assert_eq!(t.to_string(), "aws_subnet.private[0]");
        let t = Target::resource("aws_s3_bucket", "b").at(InstanceKey::Key("a".into()));
        assert_eq!(t.to_string(), "aws_s3_bucket.b[\"a\"]");
        let t = Target::resource("aws_s3_bucket", "b").keyed_by(crate::reference::Reference::each_key());
        assert_eq!(t.to_string(), "aws_s3_bucket.b[each.key]");
    }

    #[test]
    fn to_must_be_declared_with_a_suggestion() {
        let p = problem(Role::MovedTo, "onee", KeyKind::None, false).unwrap();
        assert!(p.contains("`moved.to` names `aws_s3_bucket.onee`, which this stack does not declare") && p.contains("did you mean `aws_s3_bucket.one`?"), "{p}");
        assert_eq!(problem(Role::ImportTo, "one", KeyKind::None, false), None);
    }

    #[test]
    fn keys_must_fit_the_repetition() {
        assert_eq!(problem(Role::MovedTo, "many", KeyKind::Index, false), None);
        assert_eq!(problem(Role::MovedTo, "keyed", KeyKind::Key, false), None);
        assert_eq!(problem(Role::ImportTo, "keyed", KeyKind::Expr, true), None);
        let p = problem(Role::MovedTo, "one", KeyKind::Index, false).unwrap();
        assert!(p.contains("gives `aws_s3_bucket.one` an index") && p.contains("neither `count` nor `for_each`"), "{p}");
        let p = problem(Role::MovedTo, "many", KeyKind::Key, false).unwrap();
        assert!(p.contains("has `count`"), "{p}");
        let p = problem(Role::ImportTo, "keyed", KeyKind::None, true).unwrap();
        assert!(p.contains("[each.key]"), "{p}");
        assert!(problem(Role::MovedTo, "keyed", KeyKind::Expr, false).is_some());
    }

    #[test]
    fn from_must_not_be_declared() {
        assert_eq!(problem(Role::MovedFrom, "old", KeyKind::None, false), None);
        assert!(problem(Role::MovedFrom, "one", KeyKind::None, false).unwrap().contains("still declares"));
        assert!(problem(Role::RemovedFrom, "one", KeyKind::None, false).unwrap().contains("still declares"));
        assert!(problem(Role::RemovedFrom, "old", KeyKind::Index, false).unwrap().contains("whole resources only"));
    }
}
