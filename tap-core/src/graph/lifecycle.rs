//! A resource's `lifecycle` block beyond its flags (custom conditions and
//! `replace_triggered_by`), its provisioners and its `connection`, and the
//! checks of all of them that both the macros (on their compile-time view)
//! and synthesis (on a stack built in code) run: one piece of code, so a
//! resource built either way is held to the same rules.
//!
//! Layer: model. The provisioner tables are `crate::schema::provisioners`.

use crate::path::{AttrPath, Step};
use crate::reference::{Mode, Reference, Root};
use crate::schema::provisioners::{check_connection, check_provisioner, destroy_time_may_read, is_destroy_time, needs_connection};
use crate::schema::{check_ignore_changes_path, check_reference_path, Block, IssueKind, IssueTarget, SchemaIssue};
use crate::value::{Fields, Value};

use super::Resource;

/// The name Terraform binds to the resource's own object in a
/// postcondition, a provisioner and a connection: `self.id`.
pub const SELF: &str = "self";

/// A `precondition` or `postcondition` block: Terraform checks `condition`
/// before (pre) or after (post) it plans or applies the resource, and
/// stops with `error_message` when it is false.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// A bool expression that reads at least one object of the
    /// configuration (a postcondition may read the resource itself as `self`).
    pub condition: Value,
    /// What Terraform prints when the condition is false: a full sentence.
    pub error_message: String,
}

impl Condition {
    /// `condition` with `error_message`.
    pub fn new(condition: impl Into<Value>, error_message: &str) -> Self {
        Condition { condition: condition.into(), error_message: error_message.to_owned() }
    }
}

/// One `provisioner "local-exec" { ... }` block. A last resort: Terraform
/// cannot plan what a provisioner does; prefer a provider's own arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Provisioner {
    /// Its kind as Terraform names it: `local-exec`, `remote-exec` or `file`.
    pub kind: String,
    /// Its arguments, with a nested `connection` block (a
    /// [`Value::Block`]) for one that overrides the resource's.
    pub arguments: Fields,
}

impl Provisioner {
    /// A provisioner of `kind` (`local-exec`) with its arguments.
    pub fn new(kind: &str, arguments: Fields) -> Self {
        Provisioner { kind: kind.to_owned(), arguments }
    }
}

/// The reference to the resource's own object that Terraform calls `self`:
/// `self_reference("id")` renders `self.id`.
pub fn self_reference(attribute: &str) -> Reference {
    Reference { root: Root::Bound(SELF.into()), path: AttrPath::root().name(attribute) }
}

/// Does the resource use a lifecycle setting that needs Terraform 1.2
/// (`replace_triggered_by`, `precondition`, `postcondition`)?
pub fn needs_terraform_1_2(resource: &Resource) -> bool {
    resource.lifecycle.as_ref().is_some_and(|l| !l.replace_triggered_by.is_empty() || !l.preconditions.is_empty() || !l.postconditions.is_empty())
}

/// Every value of a resource outside its body: its conditions, its
/// provisioners' arguments and its connection's (what synthesis scans for
/// the Terraform version a function needs).
pub fn values(resource: &Resource) -> impl Iterator<Item = &Value> {
    let conditions = resource.lifecycle.iter().flat_map(|l| l.preconditions.iter().chain(&l.postconditions)).map(|c| &c.condition);
    let provisioners = resource.provisioners.iter().flat_map(|p| p.arguments.values());
    conditions.chain(provisioners).chain(resource.connection.iter().flat_map(|c| c.values()))
}

/// Every problem of a resource's lifecycle settings, provisioners and
/// connection, each at a path under `lifecycle`, `provisioner[i]` or
/// `connection`: `ignore_changes` paths the type lacks (`block` is its
/// schema, when known), `replace_triggered_by` entries that are not
/// references to managed resources, conditions that read nothing or read
/// `self` where Terraform does not bind it, `self` paths the type lacks,
/// and provisioner arguments against Terraform's tables.
pub fn issues(resource: &Resource, block: Option<&Block>) -> Vec<SchemaIssue> {
    let type_name = resource.type_name();
    let mut out = Vec::new();
    let at = AttrPath::root().name("lifecycle");
    if let Some(l) = &resource.lifecycle {
        for (i, text) in l.ignore_changes.iter().enumerate() {
            let here = at.name("ignore_changes").index(i);
            match AttrPath::parse(text) {
                Err(e) => out.push(issue(here, IssueKind::InvalidValue, format!("`ignore_changes` entry `{text}`: {e}"), Some("write an attribute path such as `tags[\"Owner\"]` or `ingress[0].cidr_blocks`".into()))),
                Ok(path) => {
                    if let Some(block) = block {
                        if let Err(e) = check_ignore_changes_path(type_name, block, &path) {
                            out.push(issue(here, IssueKind::UnknownName, format!("`ignore_changes` names `{text}`: {}", e.message), e.help));
                        }
                    }
                }
            }
        }
        for (i, r) in l.replace_triggered_by.iter().enumerate() {
            let ok = matches!(&r.root, Root::Resource(a) if a.mode == Mode::Managed);
            if !ok {
                let message = format!("`replace_triggered_by` names `{r}`, which is not a managed resource or one of its attributes");
                out.push(issue(at.name("replace_triggered_by").index(i), IssueKind::InvalidValue, message, Some("name a `resource!` handle of this stack, or one of its attributes (`config.id`)".into())));
            }
        }
        for (kind, list) in [("precondition", &l.preconditions), ("postcondition", &l.postconditions)] {
            for (i, c) in list.iter().enumerate() {
                let here = at.name(kind).index(i).name("condition");
                out.extend(condition_issues(&here, kind == "postcondition", &c.condition, type_name, block));
                if c.error_message.trim().is_empty() {
                    out.push(issue(at.name(kind).index(i).name("error_message"), IssueKind::MissingRequired, format!("the `{kind}` has an empty `error_message`"), Some("say what is wrong, as a full sentence".into())));
                }
            }
        }
    }
    for (i, p) in resource.provisioners.iter().enumerate() {
        let here = AttrPath::root().name("provisioner").index(i);
        for mut found in check_provisioner(&p.kind, &p.arguments) {
            found.path = join(&here, &found.path);
            out.push(found);
        }
        let own = p.arguments.contains_key("connection");
        if needs_connection(&p.kind) && !own && resource.connection.is_none() {
            let message = format!("provisioner \"{}\" runs on a remote machine and has no `connection`", p.kind);
            out.push(SchemaIssue { path: here.clone(), target: IssueTarget::Container, kind: IssueKind::MissingRequired, message, help: Some("add a `connection` to the provisioner, or `#[connection(...)]` to the resource".into()) });
        }
        out.extend(self_issues(&here, &Value::Block(p.arguments.clone()), type_name, block));
    }
    if let Some(connection) = &resource.connection {
        let here = AttrPath::root().name("connection");
        // Terraform holds the resource's connection to the destroy-time rule
        // as soon as one provisioner runs at destroy, whichever kind it is.
        if let Some(p) = resource.provisioners.iter().find(|p| is_destroy_time(&p.arguments)) {
            Value::Block(connection.clone()).for_each_reference(&mut here.clone(), &mut |path, r| {
                if !destroy_time_may_read(r) {
                    let message = format!("the `connection` serves the destroy-time provisioner \"{}\" and reads `{r}`: Terraform lets it read only `self`, `count.index` and `each.key`", p.kind);
                    out.push(issue(path.clone(), IssueKind::InvalidValue, message, Some("give the create-time provisioners their own `connection`, or read only `self`".into())));
                }
            });
        }
        for mut found in check_connection(connection) {
            found.path = join(&here, &found.path);
            out.push(found);
        }
        out.extend(self_issues(&here, &Value::Block(connection.clone()), type_name, block));
    }
    out
}

/// A condition reads something (Terraform: "The condition expression must
/// refer to at least one object"), reads `self` only in a postcondition,
/// and reads attributes `self` has.
fn condition_issues(here: &AttrPath, post: bool, condition: &Value, type_name: &str, block: Option<&Block>) -> Vec<SchemaIssue> {
    let mut out = Vec::new();
    let mut reads = false;
    let mut reads_self = false;
    condition.walk(&mut AttrPath::root(), &mut |_, v| match v {
        Value::Ref(r) => {
            reads = true;
            reads_self |= matches!(&r.root, Root::Bound(n) if &**n == SELF);
        }
        Value::Raw(_) | Value::Unknown => reads = true,
        _ => {}
    });
    if !reads {
        out.push(issue(here.clone(), IssueKind::InvalidValue, "a condition must read a value of the configuration (a variable, a resource attribute, or `self.<attribute>` in a postcondition); this one is always the same".into(), Some("compare a reference, as in `var.replicas >= 2` or `self.arn != \"\"`".into())));
    }
    if reads_self && !post {
        out.push(issue(here.clone(), IssueKind::InvalidValue, "a precondition reads the resource's own attributes (`self`), which Terraform knows only after it plans the resource".into(), Some("move the check to a `postcondition`, or read another object".into())));
    } else {
        out.extend(self_issues(here, condition, type_name, block));
    }
    out
}

/// Each `self.<path>` in `value` names an attribute of the resource's type.
fn self_issues(here: &AttrPath, value: &Value, type_name: &str, block: Option<&Block>) -> Vec<SchemaIssue> {
    let Some(block) = block else { return Vec::new() };
    let mut out = Vec::new();
    value.for_each_reference(&mut here.clone(), &mut |path, r| {
        if !matches!(&r.root, Root::Bound(n) if &**n == SELF) {
            return;
        }
        if r.path.is_root() {
            out.push(issue(path.clone(), IssueKind::InvalidValue, format!("`self` stands for the whole `{type_name}`; read one of its attributes"), Some("write `self.<attribute>`, as in `self.id`".into())));
        } else if let Err(e) = check_reference_path(type_name, block, &r.path) {
            out.push(issue(path.clone(), IssueKind::UnknownName, format!("`self.{}`: {}", r.path, e.message), e.help));
        }
    });
    out
}

fn join(base: &AttrPath, rest: &AttrPath) -> AttrPath {
    let mut out = base.clone();
    for step in rest.steps() {
        out.push(step.clone());
    }
    out
}

fn issue(path: AttrPath, kind: IssueKind, message: String, help: Option<String>) -> SchemaIssue {
    SchemaIssue { path, target: IssueTarget::Value, kind, message, help }
}

/// The steps of a path as Terraform writes a traversal: `tags["Owner"]`,
/// `ingress[0].cidr_blocks`.
pub fn traversal(path: &AttrPath) -> String {
    let mut out = String::new();
    for step in path.steps() {
        match step {
            Step::Attr(n) if out.is_empty() => out.push_str(n),
            Step::Attr(n) => {
                out.push('.');
                out.push_str(n);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(k) => out.push_str(&format!("[{}]", serde_json::to_string(k).expect("BUG: a string serializes"))),
            Step::Each => out.push_str("[*]"),
        }
    }
    out
}
