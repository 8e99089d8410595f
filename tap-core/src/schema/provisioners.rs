//! Terraform's provisioners (`local-exec`, `remote-exec`, `file`) and their
//! `connection` block: each one's arguments as a [`Block`], and the check
//! of a provisioner against it, so that a misspelt argument is a compile
//! error and a provisioner built at run time is checked at synthesis.
//!
//! Layer: schema (data, and the check of one provisioner against it).
//! Provider schemas do not describe provisioners: Terraform core defines
//! them. The tables below hold the arguments Terraform's documentation
//! lists (the "Provisioners" pages of the Terraform language docs,
//! Terraform 1.x); [`check_body`] does the unknown-name (with a
//! suggestion), missing-required and wrong-kind checks, and this module
//! adds the rest: the one-of groups, the keyword values (`when`,
//! `on_failure`, `type`, `target_platform`), and the destroy-time rule.
//!
//! Provisioners are Terraform's last resort: they run outside the plan,
//! so Terraform cannot show what they will do, and a failed one taints the
//! resource. Prefer a provider's own arguments (`user_data`, a managed
//! configuration service) where one exists.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::check::{check_body, IssueKind, IssueTarget, SchemaIssue};
use super::descriptor::Descriptors;
use super::Block;
use crate::path::AttrPath;
use crate::reference::Root;
use crate::value::{Fields, Value};

/// The `connection` block's arguments (SSH and WinRM), as Terraform's
/// "Provisioner Connection Settings" page lists them. `password`,
/// `private_key` and their bastion twins are marked sensitive: a literal
/// one is a plain-text secret in the output (TAP-SEC-001).
const CONNECTION: &str = r#"{
  "attributes": {
    "type": { "type": "string", "optional": true },
    "user": { "type": "string", "optional": true },
    "password": { "type": "string", "optional": true, "sensitive": true },
    "host": { "type": "string", "required": true },
    "port": { "type": "number", "optional": true },
    "timeout": { "type": "string", "optional": true },
    "script_path": { "type": "string", "optional": true },
    "private_key": { "type": "string", "optional": true, "sensitive": true },
    "certificate": { "type": "string", "optional": true },
    "agent": { "type": "bool", "optional": true },
    "agent_identity": { "type": "string", "optional": true },
    "host_key": { "type": "string", "optional": true },
    "target_platform": { "type": "string", "optional": true },
    "bastion_host": { "type": "string", "optional": true },
    "bastion_host_key": { "type": "string", "optional": true },
    "bastion_port": { "type": "number", "optional": true },
    "bastion_user": { "type": "string", "optional": true },
    "bastion_password": { "type": "string", "optional": true, "sensitive": true },
    "bastion_private_key": { "type": "string", "optional": true, "sensitive": true },
    "bastion_certificate": { "type": "string", "optional": true },
    "proxy_scheme": { "type": "string", "optional": true },
    "proxy_host": { "type": "string", "optional": true },
    "proxy_port": { "type": "number", "optional": true },
    "proxy_user_name": { "type": "string", "optional": true },
    "proxy_user_password": { "type": "string", "optional": true, "sensitive": true },
    "https": { "type": "bool", "optional": true },
    "insecure": { "type": "bool", "optional": true },
    "use_ntlm": { "type": "bool", "optional": true },
    "cacert": { "type": "string", "optional": true }
  }
}"#;

/// The arguments every provisioner takes.
const COMMON: &str = r#"
    "when": { "type": "string", "optional": true },
    "on_failure": { "type": "string", "optional": true }"#;

/// The provisioners Terraform has, by the name Terraform writes.
pub const PROVISIONERS: &[&str] = &["local-exec", "remote-exec", "file"];

/// The names a `connection` may set that hold a secret.
pub const CONNECTION_SECRETS: &[&str] = &["password", "private_key", "bastion_password", "bastion_private_key", "proxy_user_password"];

static TABLES: LazyLock<BTreeMap<&'static str, Block>> = LazyLock::new(|| {
    let connection = format!(r#""connection": {{ "nesting_mode": "single", "max_items": 1, "block": {CONNECTION} }}"#);
    let table = |attributes: &str, with_connection: bool| {
        let blocks = if with_connection { connection.as_str() } else { "" };
        let json = format!(r#"{{ "attributes": {{ {attributes}, {COMMON} }}, "block_types": {{ {blocks} }} }}"#);
        Block::from_json(&json).expect("BUG: the embedded provisioner table parses")
    };
    BTreeMap::from([
        (
            "local-exec",
            table(
                r#""command": { "type": "string", "required": true },
                "working_dir": { "type": "string", "optional": true },
                "interpreter": { "type": ["list", "string"], "optional": true },
                "environment": { "type": ["map", "string"], "optional": true },
                "quiet": { "type": "bool", "optional": true }"#,
                false,
            ),
        ),
        (
            "remote-exec",
            table(
                r#""inline": { "type": ["list", "string"], "optional": true },
                "script": { "type": "string", "optional": true },
                "scripts": { "type": ["list", "string"], "optional": true }"#,
                true,
            ),
        ),
        (
            "file",
            table(
                r#""source": { "type": "string", "optional": true },
                "content": { "type": "string", "optional": true },
                "destination": { "type": "string", "required": true }"#,
                true,
            ),
        ),
        ("connection", Block::from_json(CONNECTION).expect("BUG: the embedded connection table parses")),
    ])
});

/// The argument table of a provisioner (`local-exec`), or of the
/// `connection` block (`connection`).
pub fn table(name: &str) -> Option<&'static Block> {
    TABLES.get(name)
}

/// Does Terraform run this provisioner where it needs a `connection`
/// (`remote-exec`, `file`), rather than on the machine running Terraform?
pub fn needs_connection(kind: &str) -> bool {
    kind != "local-exec"
}

/// Keyword arguments and the values each accepts.
const KEYWORDS: &[(&str, &[&str])] = &[("when", &["create", "destroy"]), ("on_failure", &["continue", "fail"])];
const CONNECTION_KEYWORDS: &[(&str, &[&str])] = &[("type", &["ssh", "winrm"]), ("target_platform", &["unix", "windows"])];

/// Exactly one of each group must be set.
fn one_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "remote-exec" => &["inline", "script", "scripts"],
        "file" => &["source", "content"],
        _ => &[],
    }
}

/// Checks one provisioner's arguments (a nested `connection` among them)
/// against its table: unknown names with a suggestion, missing required
/// ones, kinds, exactly one of `inline`/`script`/`scripts` (or
/// `source`/`content`), the keyword values, and Terraform's rule that a
/// destroy-time provisioner refers to nothing but `self`, `count` and
/// `each`. Paths are relative to the provisioner's body.
pub fn check_provisioner(kind: &str, arguments: &Fields) -> Vec<SchemaIssue> {
    let Some(block) = table(kind).filter(|_| kind != "connection") else {
        let help = match super::suggest(kind, PROVISIONERS.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("accepted: {}", accepted(PROVISIONERS)),
        };
        return vec![issue(AttrPath::root(), IssueTarget::Container, IssueKind::UnknownName, format!("unknown provisioner `{kind}`"), Some(help))];
    };
    let label = format!("provisioner \"{kind}\"");
    let mut issues = check_body(&Descriptors::default(), &label, block, arguments);
    keywords(&label, KEYWORDS, arguments, &AttrPath::root(), &mut issues);
    let group = one_of(kind);
    let set: Vec<&str> = group.iter().copied().filter(|n| arguments.get(*n).is_some_and(|v| !matches!(v, Value::Null))).collect();
    if !group.is_empty() && set.len() != 1 {
        let (path, target) = match set.get(1) {
            Some(second) => (AttrPath::root().name(second), IssueTarget::Key),
            None => (AttrPath::root(), IssueTarget::Container),
        };
        let message = format!("`{label}` takes exactly one of {}, and sets {}", accepted(group), if set.is_empty() { "none".to_owned() } else { accepted(&set) });
        issues.push(issue(path, target, IssueKind::Conflict, message, Some(format!("keep one of {}", accepted(group)))));
    }
    if let Some(Value::Block(connection) | Value::Map(connection)) = arguments.get("connection") {
        keywords(&label, CONNECTION_KEYWORDS, connection, &AttrPath::root().name("connection"), &mut issues);
    }
    if is_destroy_time(arguments) {
        for (name, value) in arguments {
            value.for_each_reference(&mut AttrPath::root().name(name), &mut |path, r| {
                if !destroy_time_may_read(r) {
                    let message = format!("`{label}` runs at destroy (`when = destroy`) and reads `{r}`: Terraform lets a destroy-time provisioner read only `self`, `count.index` and `each.key`");
                    issues.push(issue(path.clone(), IssueTarget::Value, IssueKind::InvalidValue, message, Some("read the resource's own attributes through `self.<attribute>`, or run the command at create time".into())));
                }
            });
        }
    }
    issues
}

/// May a destroy-time provisioner, or the connection it uses, read this?
/// Terraform allows only `self`, `count.index` and `each.key`.
pub fn destroy_time_may_read(r: &crate::reference::Reference) -> bool {
    matches!(&r.root, Root::Bound(n) if ["self", crate::reference::COUNT, crate::reference::EACH].contains(&&**n))
}

/// Checks a resource's own `connection` block against its table.
pub fn check_connection(arguments: &Fields) -> Vec<SchemaIssue> {
    let block = table("connection").expect("BUG: the connection table is embedded");
    let mut issues = check_body(&Descriptors::default(), "connection", block, arguments);
    keywords("connection", CONNECTION_KEYWORDS, arguments, &AttrPath::root(), &mut issues);
    issues
}

/// `when = "destroy"`.
pub fn is_destroy_time(arguments: &Fields) -> bool {
    arguments.get("when").and_then(Value::as_str) == Some("destroy")
}

fn keywords(label: &str, table: &[(&str, &[&str])], arguments: &Fields, at: &AttrPath, issues: &mut Vec<SchemaIssue>) {
    for (name, values) in table {
        let Some(value) = arguments.get(*name) else { continue };
        let ok = match value.as_str() {
            Some(text) => values.contains(&text),
            None => matches!(value, Value::Null),
        };
        if !ok {
            let message = format!("`{label}`: `{name}` takes one of {}", accepted(values));
            issues.push(issue(at.name(name), IssueTarget::Value, IssueKind::InvalidValue, message, Some(format!("write `{name}: \"{}\"`", values[0]))));
        }
    }
}

fn accepted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn issue(path: AttrPath, target: IssueTarget, kind: IssueKind, message: String, help: Option<String>) -> SchemaIssue {
    SchemaIssue { path, target, kind, message, help }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{Address, Reference};

    fn fields(entries: Vec<(&str, Value)>) -> Fields {
        entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    #[test]
    fn a_local_exec_needs_its_command_and_knows_its_names() {
        let issues = check_provisioner("local-exec", &fields(vec![("comand", Value::from("echo"))]));
        assert!(issues.iter().any(|i| i.kind == IssueKind::UnknownName && i.help.as_deref() == Some("did you mean `command`?")), "{issues:?}");
        assert!(issues.iter().any(|i| i.kind == IssueKind::MissingRequired && i.message.contains("command")), "{issues:?}");
        assert!(check_provisioner("local-exec", &fields(vec![("command", Value::from("echo")), ("quiet", Value::Bool(true))])).is_empty());
    }

    #[test]
    fn remote_exec_takes_exactly_one_source_of_commands() {
        let none = check_provisioner("remote-exec", &fields(vec![]));
        assert!(none.iter().any(|i| i.kind == IssueKind::Conflict && i.message.contains("sets none")), "{none:?}");
        let two = check_provisioner("remote-exec", &fields(vec![("inline", Value::list([Value::from("a")])), ("script", Value::from("a.sh"))]));
        assert_eq!(two.len(), 1, "{two:?}");
        assert_eq!(two[0].path, AttrPath::root().name("script"));
    }

    #[test]
    fn keywords_and_connections_are_checked() {
        let bad = check_provisioner("file", &fields(vec![("content", Value::from("x")), ("destination", Value::from("/x")), ("when", Value::from("later"))]));
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].message.contains("`create`, `destroy`"));
        let connection = fields(vec![("type", Value::from("telnet"))]);
        let issues = check_connection(&connection);
        assert!(issues.iter().any(|i| i.message.contains("`host`")), "host is required: {issues:?}");
        assert!(issues.iter().any(|i| i.message.contains("`ssh`, `winrm`")), "{issues:?}");
        assert!(check_provisioner("remote_exec", &Fields::new())[0].help.as_deref() == Some("did you mean `remote-exec`?"));
    }

    #[test]
    fn a_destroy_time_provisioner_reads_only_self() {
        let other = Value::Ref(Reference::new(std::sync::Arc::new(Address::resource("aws_s3_bucket", "b")), AttrPath::root().name("id")));
        let own = Value::Ref(Reference { root: Root::Bound("self".into()), path: AttrPath::root().name("id") });
        let with = |v: Value| fields(vec![("command", Value::Template(vec![Value::from("rm "), v])), ("when", Value::from("destroy"))]);
        assert!(check_provisioner("local-exec", &with(own)).is_empty());
        let issues = check_provisioner("local-exec", &with(other));
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(issues[0].message.contains("aws_s3_bucket.b.id"));
    }
}
