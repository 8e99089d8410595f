//! TAP-SEC-001: a sensitive argument must not be set to a literal value.
//!
//! Applies to every resource type: the schema (a user's file, or tap's own
//! data for the embedded providers, see [`crate::schema::sensitive`]) says
//! which arguments are sensitive or write-only, at any depth of nested
//! blocks. A value built from references (`random_password.db.result`,
//! a function of references, a template with a reference in it) passes; a
//! value with nothing but literal parts (a string, a number, a template or
//! function call of literals) fails. A Rust value is unknown to the
//! compiler and decided at synthesis, where it is known and so, if it has
//! no reference, a literal in plain text in the output.
//!
//! Rejected: `resource!(aws_db_instance.db { password: "hunter2hunter2", ... })`.

use crate::graph::{Graph, Resource};
use crate::path::{AttrPath, Step};
use crate::policy::rules::support::Verdict;
use crate::policy::{Finding, Level, Outcome, Rule};
use crate::schema::sensitive::{containing_block, managed_secret_argument, write_only_counterpart};
use crate::schema::{is_sensitive, Block};
use crate::reference::Root;
use crate::value::Value;

/// TAP-SEC-001: no literal value in a sensitive argument.
pub static RULE: Rule = Rule {
    id: "TAP-SEC-001",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["*"],
    message: "a sensitive argument is set to a literal value",
    rationale: "a literal secret is written in plain text to the synthesized configuration, the repository that holds the code, and the Terraform state; a write-only argument or a managed secret keeps it out of the state too, and a reference to a generated or injected value keeps it out of the code",
    fix: "use the type's write-only argument (`<name>_wo` with `<name>_wo_version`, Terraform 1.11+) or managed secret (`manage_master_user_password`) where it has one, else a `random_password`'s `result` or an ephemeral or sensitive variable",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let block = graph.block_of(resource);
    let mut verdict = Verdict::default();
    let mut path = AttrPath::root();
    for (name, value) in &resource.body {
        path.push(Step::Attr(name.clone()));
        visit(resource, graph, block, &mut path, value, &mut verdict);
        path.pop();
    }
    let connections = connection_secrets(resource, graph, &mut verdict);
    let outcome = verdict.finish();
    match outcome {
        Outcome::Compliant if !connections && !has_sensitive(resource, block) => Outcome::NotApplicable,
        other => other,
    }
}

/// The secrets of the resource's `connection` and of its provisioners'
/// own (`password`, `private_key`, ...): provider schemas do not describe
/// them, Terraform's provisioner tables do
/// ([`crate::schema::provisioners::CONNECTION_SECRETS`]). Returns whether
/// there was any connection to judge.
fn connection_secrets(resource: &Resource, graph: &Graph, verdict: &mut Verdict) -> bool {
    use crate::schema::provisioners::CONNECTION_SECRETS;
    let mut connections = Vec::new();
    if let Some(c) = &resource.connection {
        connections.push((AttrPath::root().name("connection"), c));
    }
    for (i, p) in resource.provisioners.iter().enumerate() {
        if let Some(Value::Block(c)) = p.arguments.get("connection") {
            connections.push((AttrPath::root().name("provisioner").index(i).name("connection"), c));
        }
    }
    for (at, connection) in &connections {
        for name in CONNECTION_SECRETS {
            let Some(value) = connection.get(*name) else { continue };
            let path = at.name(name);
            match judge(value, graph, 0) {
                Judged::FromElsewhere => {}
                Judged::Unknown => verdict.unknown(Finding { path, detail: None }),
                Judged::Literal => {
                    let detail = format!("`{}` would be written in plain text; use a sensitive or ephemeral variable, or a reference to a generated key (`tls_private_key`'s `private_key_openssh`)", path.names_only());
                    verdict.fail(Finding { path, detail: Some(detail) });
                }
            }
        }
    }
    !connections.is_empty()
}

/// Does the type have any sensitive argument the body could set?
fn has_sensitive(resource: &Resource, block: Option<&Block>) -> bool {
    match block {
        Some(b) => any_sensitive(b),
        None => crate::schema::sensitive::embedded_marks(crate::schema::provider_of(resource.type_name()), resource.address.mode, resource.type_name())
            .is_some_and(|m| !m.sensitive.is_empty() || !m.write_only.is_empty()),
    }
}

fn any_sensitive(block: &Block) -> bool {
    block.attributes.values().any(|a| (a.is_sensitive() && !a.is_read_only()) || a.nested_type.as_ref().is_some_and(|n| n.attributes.values().any(|f| f.is_sensitive())))
        || block.block_types.values().any(|b| any_sensitive(&b.block))
}

fn visit(resource: &Resource, graph: &Graph, block: Option<&Block>, path: &mut AttrPath, value: &Value, verdict: &mut Verdict) {
    if is_sensitive(block, resource.address.mode, resource.type_name(), path) {
        match judge(value, graph, 0) {
            Judged::FromElsewhere => {}
            Judged::Unknown => verdict.unknown(Finding { path: path.clone(), detail: None }),
            Judged::Literal => verdict.fail(Finding { path: path.clone(), detail: Some(advice(block, path)) }),
        }
        return;
    }
    match value {
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                visit(resource, graph, block, path, item, verdict);
                path.pop();
            }
        }
        Value::Map(m) | Value::Block(m) => {
            for (k, v) in m {
                path.push(Step::Attr(k.clone()));
                visit(resource, graph, block, path, v, verdict);
                path.pop();
            }
        }
        _ => {}
    }
}

enum Judged {
    /// Built from a reference or an expression Terraform evaluates: the secret is not in the code.
    FromElsewhere,
    /// Only known when the stack runs: decided at synthesis.
    Unknown,
    /// Every part is written in the code.
    Literal,
}

fn judge(value: &Value, graph: &Graph, depth: usize) -> Judged {
    let (mut elsewhere, mut unknown, mut literal) = (false, false, false);
    value.walk(&mut AttrPath::root(), &mut |_, v| match v {
        // A local value is its expression: a literal behind `local.x` is still a literal.
        // (A local that reads itself is validation's to report: stop following.)
        Value::Ref(r) if matches!(r.root, Root::Local(_)) && depth < 16 => match crate::navigate::resolve(v, graph).map(|inner| judge(inner, graph, depth + 1)) {
            Some(Judged::Literal) => literal = true,
            Some(Judged::Unknown) => unknown = true,
            _ => elsewhere = true,
        },
        Value::Ref(_) | Value::Raw(_) => elsewhere = true,
        Value::Unknown => unknown = true,
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => literal = true,
        _ => {}
    });
    if elsewhere {
        Judged::FromElsewhere
    } else if unknown {
        Judged::Unknown
    } else if literal {
        Judged::Literal
    } else {
        // `null`, or an empty list or map: nothing is set.
        Judged::FromElsewhere
    }
}

/// What to write instead, for the argument at `path`: its write-only
/// counterpart and the type's managed secret where the schema has them,
/// else a generated or injected value. Never the value itself.
fn advice(block: Option<&Block>, path: &AttrPath) -> String {
    let name = path.last_name().unwrap_or_default();
    let container = block.and_then(|b| containing_block(b, path));
    let mut ways = Vec::new();
    if let Some((wo, version)) = container.and_then(|b| write_only_counterpart(b, name)) {
        ways.push(match version {
            Some(v) => format!("the write-only `{wo}` (with `{v}`; Terraform 1.11+), which stays out of the state"),
            None => format!("the write-only `{wo}` (Terraform 1.11+), which stays out of the state"),
        });
    }
    if let Some(managed) = block.and_then(managed_secret_argument) {
        ways.push(format!("`{managed}: true`, so that the service keeps the secret"));
    }
    if ways.is_empty() {
        ways.push("a reference to a `random_password`'s `result`, or an ephemeral or sensitive variable".to_owned());
    }
    format!("`{}` would be written in plain text; use {}", path.names_only(), ways.join(", or "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, resource};
    use crate::reference::{Address, Reference};
    use std::sync::Arc;

    fn password_ref() -> Value {
        Value::Ref(Reference::new(Arc::new(Address::resource("random_password", "db")), AttrPath::root().name("result")))
    }

    #[test]
    fn non_compliant_with_a_literal_from_the_shipped_data() {
        let cert = resource("tls_self_signed_cert", "ca").set("private_key_pem", "-----BEGIN PRIVATE KEY-----").set("validity_period_hours", 12);
        let Outcome::NonCompliant(f) = eval(&RULE, vec![cert]) else { panic!("a literal key must fail") };
        assert_eq!(f[0].path.to_string(), "private_key_pem");
        let detail = f[0].detail.as_deref().unwrap();
        assert!(detail.contains("random_password") && !detail.contains("BEGIN"), "{detail}");
    }

    #[test]
    fn templates_and_calls_of_literals_are_literals_too() {
        let template = Value::Template(vec![Value::from("-----BEGIN "), Value::from("KEY-----")]);
        assert!(matches!(eval(&RULE, vec![resource("tls_cert_request", "r").set("private_key_pem", template)]), Outcome::NonCompliant(_)));
        let number = resource("tls_locally_signed_cert", "c").set("ca_private_key_pem", 42);
        assert!(matches!(eval(&RULE, vec![number]), Outcome::NonCompliant(_)));
    }

    #[test]
    fn compliant_with_a_reference() {
        let cert = resource("tls_self_signed_cert", "ca").set("private_key_pem", password_ref());
        assert_eq!(eval(&RULE, vec![cert]), Outcome::Compliant);
        let template = Value::Template(vec![Value::from("prefix-"), password_ref()]);
        assert_eq!(eval(&RULE, vec![resource("tls_cert_request", "r").set("private_key_pem", template)]), Outcome::Compliant);
    }

    #[test]
    fn not_applicable_without_sensitive_arguments() {
        assert_eq!(eval(&RULE, vec![resource("random_id", "x").set("byte_length", 8)]), Outcome::NotApplicable);
    }

    #[test]
    fn unknown_when_the_value_is_a_run_time_value() {
        let cert = resource("tls_self_signed_cert", "ca").set("private_key_pem", Value::Unknown);
        assert!(matches!(eval(&RULE, vec![cert]), Outcome::Unknown(f) if f.path.to_string() == "private_key_pem"));
    }

    /// A user's schema with the flags, a nested block and the counterparts.
    fn db_block() -> Block {
        Block::from_json(
            r#"{"attributes":{"password":{"type":"string","optional":true,"sensitive":true},"password_wo":{"type":"string","optional":true,"sensitive":true,"write_only":true},
                "password_wo_version":{"type":"number","optional":true},"manage_master_user_password":{"type":"bool","optional":true}},
              "block_types":{"user":{"nesting_mode":"list","block":{"attributes":{"password":{"type":"string","optional":true,"sensitive":true},"name":{"type":"string","optional":true}}}}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn advice_names_the_write_only_counterpart_then_the_managed_secret() {
        let b = db_block();
        let top = advice(Some(&b), &AttrPath::parse("password").unwrap());
        let wo = top.find("`password_wo`").unwrap();
        let managed = top.find("`manage_master_user_password: true`").unwrap();
        assert!(wo < managed && top.contains("`password_wo_version`") && !top.contains("random_password"), "{top}");
        let nested = advice(Some(&b), &AttrPath::parse("user[0].password").unwrap());
        assert!(nested.starts_with("`user.password`") && !nested.contains("password_wo"), "{nested}");
        assert!(advice(None, &AttrPath::parse("secret").unwrap()).contains("ephemeral or sensitive variable"));
    }

    #[test]
    fn a_literal_in_a_nested_block_is_found_at_its_instance() {
        use crate::graph::Stack;
        let r = resource("demo_db", "db").set("user", Value::List(vec![Value::Block([("name".into(), Value::from("app")), ("password".into(), Value::from("s3cret"))].into())]));
        let mut stack = Stack::new("t");
        stack.add(r);
        let b = db_block();
        let lookup = |_: crate::reference::Mode, _: &str| Some(&b);
        let graph = crate::__private::graph_with_blocks(Graph::new(&stack), &lookup);
        let Outcome::NonCompliant(f) = check(&stack.resources[0], &graph) else { panic!("the nested literal must fail") };
        assert_eq!(f.iter().map(|f| f.path.to_string()).collect::<Vec<_>>(), ["user[0].password"]);
    }
}
