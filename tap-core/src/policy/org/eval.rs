//! A declarative rule on one resource: each condition's attribute pattern
//! reaches zero or more values, and the operator decides each of them.
//!
//! Three-valued, as every rule: a value known only later (a Rust
//! expression at compile time, an attribute Terraform computes) makes the
//! condition unknown, never compliant. What a path reaches, and whether it
//! is set, is the navigator's ([`crate::navigate`]): through
//! `jsonencode(...)` and JSON strings, references followed, `tags` with
//! the provider's default tags.

use super::{Condition, DeclarativeRule, Literal, Op};
use crate::graph::{Graph, Resource};
use crate::navigate::{known_text, reach, resolve, text, Guarantee, Reached, Text};
use crate::path::AttrPath;
use crate::policy::rules::support::{finding, unconstrained, Verdict};
use crate::policy::Outcome;
use crate::reference::Mode;
use crate::schema::{is_sensitive, REDACTED};
use crate::value::Value;

pub(super) fn check(rule: &DeclarativeRule, resource: &Resource, graph: &Graph) -> Outcome {
    // A pattern selects only the types that have what the rule reads: `aws_*`
    // with a condition on `tags` checks the taggable types.
    let listed = rule.resources.iter().any(|r| r.value == resource.type_name());
    if !listed {
        if let Some(block) = graph.block_of(resource) {
            let lacks = |name: &str| !block.attributes.contains_key(name) && !block.block_types.contains_key(name);
            if rule.conditions.iter().any(|c| c.attribute.first_name().is_some_and(lacks)) {
                return Outcome::NotApplicable;
            }
        }
    }
    let mut verdict = Verdict::default();
    let block = graph.block_of(resource);
    for condition in &rule.conditions {
        for (path, reached) in reach(resource, graph, &condition.attribute) {
            let mut decided = Verdict::default();
            decide(condition, &path, reached, graph, &mut decided);
            // A finding's detail quotes the value: never a sensitive one.
            let secret = is_sensitive(block, resource.address.mode, resource.type_name(), &path);
            verdict.merge(decided, secret.then(|| format!("`{path}` is {REDACTED}, which the policy does not accept")));
        }
    }
    verdict.finish()
}

/// A single value as the string Terraform converts it to.
enum Scalar {
    Known(String),
    /// Partly known (a template with references): some values are ruled out.
    Partial(Text),
    /// A list, map or block: not a single value.
    Many,
    Unknown,
}

impl Scalar {
    /// Is it `s`: `Some(true)`, `Some(false)`, or `None` until it is known?
    fn is(&self, s: &str) -> Option<bool> {
        match self {
            Scalar::Known(k) => Some(k == s),
            Scalar::Partial(t) if !t.could_be(s) => Some(false),
            Scalar::Many => Some(false),
            Scalar::Partial(_) | Scalar::Unknown => None,
        }
    }
}

fn scalar(value: &Value, graph: &Graph) -> Scalar {
    match resolve(value, graph) {
        Some(Value::List(_) | Value::Map(_) | Value::Block(_)) => Scalar::Many,
        Some(Value::Call(_) | Value::Unknown) | None => Scalar::Unknown,
        Some(_) => match text(Some(value), graph) {
            Some(t) => match t.known() {
                Some(s) => Scalar::Known(s.to_owned()),
                None => Scalar::Partial(t),
            },
            None => Scalar::Unknown,
        },
    }
}

/// The elements of a list, each with its path; a single value is a list of one.
fn elements(value: &Value, path: &AttrPath, graph: &Graph) -> Option<Vec<(AttrPath, Value)>> {
    match resolve(value, graph)? {
        Value::List(items) => Some(items.iter().enumerate().map(|(i, v)| (path.index(i), v.clone())).collect()),
        Value::Unknown | Value::Call(_) => None,
        single => Some(vec![(path.clone(), single.clone())]),
    }
}

fn number(value: &Value, graph: &Graph) -> Result<Option<f64>, ()> {
    match resolve(value, graph) {
        Some(Value::Int(i)) => Ok(Some(*i as f64)),
        Some(Value::Float(x)) => Ok(Some(*x)),
        _ => match scalar(value, graph) {
            Scalar::Known(s) => Ok(s.trim().parse().ok()),
            Scalar::Many => Ok(None),
            Scalar::Partial(_) | Scalar::Unknown => Err(()),
        },
    }
}

fn list(literals: &[Literal]) -> String {
    literals.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
}

/// What the operator requires, for the message on a missing value.
fn requirement(op: &Op) -> String {
    match op {
        Op::Present | Op::Absent => String::new(),
        Op::Equals(l) => format!("be `{l}`"),
        Op::NotEquals(l) => format!("not be `{l}`"),
        Op::OneOf(ls) => format!("be one of {}", list(ls)),
        Op::NotOneOf(ls) => format!("be none of {}", list(ls)),
        Op::InRange { min: Some(lo), max: Some(hi) } => format!("be between {lo} and {hi}"),
        Op::InRange { min: Some(lo), .. } => format!("be at least {lo}"),
        Op::InRange { max, .. } => format!("be at most {}", max.unwrap_or_default()),
        Op::Matches(re) => format!("match `{}`", re.as_str()),
        Op::Contains(l) => format!("contain `{l}`"),
        Op::NotContains(l) => format!("not contain `{l}`"),
        Op::References(t) => format!("refer to an `{t}` of this stack"),
    }
}

/// Decides one reached value.
fn decide(condition: &Condition, path: &AttrPath, reached: Reached<'_>, graph: &Graph, verdict: &mut Verdict) {
    let op = &condition.op;
    let at = if path.is_root() { "the resource".to_owned() } else { format!("`{path}`") };
    let fail = |verdict: &mut Verdict, at_path: &AttrPath, detail: String| verdict.fail(finding(at_path).with_detail(detail));
    let value = match reached {
        Reached::Unknown => return verdict.unknown(later(path)),
        Reached::Missing => {
            match op {
                Op::Absent | Op::NotEquals(_) | Op::NotOneOf(_) | Op::NotContains(_) => {}
                Op::Present => fail(verdict, path, format!("{at} is not set")),
                other => fail(verdict, path, format!("{at} is not set; the policy requires it to {}", requirement(other))),
            }
            return;
        }
        Reached::Value(v) => v.into_owned(),
    };
    // A variable: decided by what its declaration guarantees, or failing
    // closed with a finding that names the variable to constrain.
    if let Some((name, guarantee)) = crate::navigate::guarantee(&value, graph) {
        if guarantee.pinned().is_none() {
            if !guaranteed(op, &guarantee, graph) {
                let needs = requirement(op);
                verdict.unknown(unconstrained(path, name, if needs.is_empty() { "be set" } else { &needs }));
            }
            return;
        }
    }
    let text_of = |v: &Value| scalar(v, graph);
    match op {
        Op::Present => {}
        Op::Absent => fail(verdict, path, format!("{at} is set; the policy requires it to be absent")),
        Op::Equals(l) | Op::NotEquals(l) => {
            let Some(equal) = text_of(&value).is(&l.to_string()) else { return verdict.unknown(later(path)) };
            match (op, equal) {
                (Op::Equals(_), false) => fail(verdict, path, format!("{at} is {}; the policy requires `{l}`", shown(&value, graph))),
                (Op::NotEquals(_), true) => fail(verdict, path, format!("{at} is `{l}`, which the policy forbids")),
                _ => {}
            }
        }
        Op::OneOf(ls) | Op::NotOneOf(ls) => {
            let value_text = text_of(&value);
            let mut found = None;
            for l in ls {
                match value_text.is(&l.to_string()) {
                    Some(true) => found = Some(l),
                    Some(false) => {}
                    None => return verdict.unknown(later(path)),
                }
            }
            match (op, found) {
                (Op::OneOf(_), None) => fail(verdict, path, format!("{at} is {}; the policy accepts {}", shown(&value, graph), list(ls))),
                (Op::NotOneOf(_), Some(l)) => fail(verdict, path, format!("{at} is `{l}`, which the policy forbids")),
                _ => {}
            }
        }
        Op::InRange { min, max } => match number(&value, graph) {
            Err(()) => verdict.unknown(later(path)),
            Ok(None) => fail(verdict, path, format!("{at} is {}, not a number; the policy requires it to {}", shown(&value, graph), requirement(op))),
            Ok(Some(n)) => {
                if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                    fail(verdict, path, format!("{at} is {n}; the policy requires it to {}", requirement(op)));
                }
            }
        },
        Op::Matches(re) => match text_of(&value) {
            Scalar::Known(s) if re.is_match(&s) => {}
            Scalar::Known(s) => fail(verdict, path, format!("{at} is `{s}`, which does not match `{}`", re.as_str())),
            Scalar::Many => fail(verdict, path, format!("{at} is not a single value; the policy requires it to match `{}`", re.as_str())),
            Scalar::Partial(_) | Scalar::Unknown => verdict.unknown(later(path)),
        },
        Op::Contains(l) | Op::NotContains(l) => {
            let Some(items) = elements(&value, path, graph) else { return verdict.unknown(later(path)) };
            let mut any_unknown = false;
            let mut found = false;
            for (item_path, item) in &items {
                match text_of(item).is(&l.to_string()) {
                    Some(true) => {
                        found = true;
                        if matches!(op, Op::NotContains(_)) {
                            let at = format!("`{item_path}`");
                            fail(verdict, item_path, format!("{at} is `{l}`, which the policy forbids"));
                        }
                    }
                    None => any_unknown = true,
                    Some(false) => {}
                }
            }
            match (op, found, any_unknown) {
                (Op::Contains(_), false, true) | (Op::NotContains(_), false, true) => verdict.unknown(later(path)),
                (Op::Contains(_), false, false) => fail(verdict, path, format!("{at} does not contain `{l}`")),
                _ => {}
            }
        }
        Op::References(t) => match &value {
            Value::Ref(r) => match graph.resolve(r) {
                Some(target) if target.address.mode == Mode::Managed && target.type_name() == t => {}
                Some(target) => fail(verdict, path, format!("{at} refers to `{}`, not to an `{t}` of this stack", target.address)),
                // Not declared in this view (a component's parameter at compile time).
                None if r.target().is_some_and(|a| a.mode == Mode::Managed && a.type_name == *t) => verdict.unknown(later(path)),
                None => fail(verdict, path, format!("{at} refers to `{}`, not to an `{t}` of this stack", r.root)),
            },
            _ => fail(verdict, path, format!("{at} is not a reference to an `{t}` of this stack")),
        },
    }
}

/// Does every value the variable's declaration allows satisfy `op`?
fn guaranteed(op: &Op, g: &Guarantee, graph: &Graph) -> bool {
    let all_text = |test: &dyn Fn(&str) -> bool| {
        g.allowed.as_ref().and_then(|vs| vs.iter().map(|v| known_text(Some(v), graph)).collect::<Option<Vec<_>>>()).is_some_and(|vs| vs.iter().all(|v| test(v)))
    };
    match op {
        Op::InRange { min, max } => {
            let low = min.is_none_or(|lo| g.min.is_some_and(|m| m >= lo) || g.all_numbers(|n| n >= lo) == Some(true));
            let high = max.is_none_or(|hi| g.max.is_some_and(|m| m <= hi) || g.all_numbers(|n| n <= hi) == Some(true));
            low && high
        }
        Op::OneOf(ls) => all_text(&|v| ls.iter().any(|l| l.to_string() == v)),
        Op::NotOneOf(ls) => all_text(&|v| ls.iter().all(|l| l.to_string() != v)),
        Op::Equals(l) => all_text(&|v| l.to_string() == v),
        Op::NotEquals(l) => all_text(&|v| l.to_string() != v),
        Op::Matches(re) => g.pattern.as_deref() == Some(re.as_str()) || all_text(&|v| re.is_match(v)),
        Op::Present => g.non_null,
        _ => false,
    }
}

/// An undecided place: what synthesis reports when it fails closed.
fn later(path: &AttrPath) -> crate::policy::Finding {
    let at = if path.is_root() { "a value".to_owned() } else { format!("`{path}`") };
    finding(path).with_detail(format!("{at} is known only when Terraform applies"))
}

/// A value for a message: `` `30` ``, or what kind of value it is.
fn shown(value: &Value, graph: &Graph) -> String {
    match scalar(value, graph) {
        Scalar::Known(s) => format!("`{s}`"),
        Scalar::Many => "a list or map".to_owned(),
        Scalar::Partial(t) => format!("`{t}`"),
        Scalar::Unknown => "known only later".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::{Graph, Provider, Stack};
    use crate::policy::rules::testing::{block, reference, resource, strs};
    use crate::policy::{OrgPolicy, Outcome, PolicyRule};
    use crate::value::Value;

    fn policy(rules: &str) -> OrgPolicy {
        OrgPolicy::parse("org.toml", rules).unwrap_or_else(|e| panic!("{}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")))
    }

    /// The first rule of `rules` on the first resource of a stack.
    fn eval(rules: &str, stack: &Stack) -> Outcome {
        let p = policy(rules);
        let graph = Graph::new(stack);
        p.rules[0].check(&stack.resources[0], &graph)
    }

    fn stack_of(resources: Vec<crate::graph::Resource>) -> Stack {
        let mut s = Stack::new("t");
        for r in resources {
            s.add(r);
        }
        s
    }

    fn paths(outcome: &Outcome) -> Vec<String> {
        match outcome {
            Outcome::NonCompliant(f) => f.iter().map(|f| f.path.to_string()).collect(),
            other => panic!("expected findings, got {other:?}"),
        }
    }

    const RETENTION: &str = r#"
[[rule]]
id = "ORG-LOG-001"
resources = ["aws_cloudwatch_log_group"]
message = "the log group keeps its events for less than a year"
fix = "set `retention_in_days` to 365 or more"
[[rule.require]]
attribute = "retention_in_days"
op = "in_range"
min = 365
"#;

    #[test]
    fn in_range_is_compliant_non_compliant_and_unknown() {
        let group = || resource("aws_cloudwatch_log_group", "a");
        assert_eq!(eval(RETENTION, &stack_of(vec![group().set("retention_in_days", 400)])), Outcome::Compliant);
        let Outcome::NonCompliant(f) = eval(RETENTION, &stack_of(vec![group().set("retention_in_days", 30)])) else { panic!() };
        assert_eq!(f[0].path.to_string(), "retention_in_days");
        assert_eq!(f[0].detail.as_deref(), Some("`retention_in_days` is 30; the policy requires it to be at least 365"));
        let Outcome::NonCompliant(f) = eval(RETENTION, &stack_of(vec![group()])) else { panic!() };
        assert_eq!(f[0].detail.as_deref(), Some("`retention_in_days` is not set; the policy requires it to be at least 365"));
        assert!(matches!(eval(RETENTION, &stack_of(vec![group().set("retention_in_days", Value::Unknown)])), Outcome::Unknown(_)));
    }

    const TAGS: &str = r#"
[[rule]]
id = "ORG-TAG-001"
resources = ["aws_*"]
message = "the resource has no `owner` tag"
fix = "add `owner` to `tags` or to the provider's `default_tags`"
[[rule.require]]
attribute = "tags.owner"
op = "present"
"#;

    #[test]
    fn default_tags_count_for_tag_rules() {
        let bucket = || resource("aws_s3_bucket", "b");
        let mut s = stack_of(vec![bucket()]);
        assert_eq!(paths(&eval(TAGS, &s)), ["tags.owner"]);
        s.provider(Provider::aws("eu-west-1").default_tag("owner", "platform"));
        assert_eq!(eval(TAGS, &s), Outcome::Compliant);
        // An aliased provider's default tags do not cover a resource of the default one.
        let mut s = stack_of(vec![bucket()]);
        s.provider(Provider::aws("eu-west-1").alias("east").default_tag("owner", "platform"));
        assert!(matches!(eval(TAGS, &s), Outcome::NonCompliant(_)));
        let own = stack_of(vec![bucket().set("tags", Value::map([("owner", Value::from("data"))]))]);
        assert_eq!(eval(TAGS, &own), Outcome::Compliant);
        // Default tags only known when the stack runs (the compile-time view of `stack.provider(...)`).
        let mut s = stack_of(vec![bucket()]);
        s.provider(Provider::aws("eu-west-1").set("default_tags", Value::Unknown));
        assert!(matches!(eval(TAGS, &s), Outcome::Unknown(_)));
    }

    const PRINCIPALS: &str = r#"
[[rule]]
id = "ORG-POL-001"
resources = ["aws_vpc_endpoint", "aws_s3_bucket_policy"]
message = "the resource policy allows every principal"
fix = "name the principals"
[[rule.require]]
attribute = "policy.Statement[*].Principal"
op = "not_equals"
value = "*"
[[rule.require]]
attribute = "policy.Statement[*].Principal.AWS"
op = "not_contains"
value = "*"
"#;

    fn statement(principal: Value) -> Value {
        Value::map([("Effect", Value::from("Allow")), ("Principal", principal), ("Action", Value::from("s3:GetObject"))])
    }

    #[test]
    fn paths_go_through_jsonencode_and_json_strings() {
        let doc = Value::jsonencode(Value::map([("Statement", Value::list([statement(Value::map([("AWS", strs(&["arn:aws:iam::1:root"]))])), statement(Value::from("*"))]))]));
        let endpoint = resource("aws_vpc_endpoint", "e").set("policy", doc);
        assert_eq!(paths(&eval(PRINCIPALS, &stack_of(vec![endpoint]))), ["policy.Statement[1].Principal"]);
        let json = r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}}}"#;
        let policy = resource("aws_s3_bucket_policy", "p").set("policy", json);
        assert_eq!(paths(&eval(PRINCIPALS, &stack_of(vec![policy]))), ["policy.Statement[0].Principal.AWS[1]"]);
        let fine = resource("aws_s3_bucket_policy", "p").set("policy", r#"{"Statement": [{"Principal": {"Service": "logs.amazonaws.com"}}]}"#);
        assert_eq!(eval(PRINCIPALS, &stack_of(vec![fine])), Outcome::Compliant);
        let later = resource("aws_s3_bucket_policy", "p").set("policy", Value::jsonencode(Value::map([("Statement", Value::list([statement(Value::Unknown)]))])));
        assert!(matches!(eval(PRINCIPALS, &stack_of(vec![later])), Outcome::Unknown(f) if f.path.to_string() == "policy.Statement[0].Principal"));
    }

    #[test]
    fn references_to_a_type_of_this_stack() {
        let rule = r#"
[[rule]]
id = "ORG-DDB-001"
resources = ["aws_dynamodb_table"]
message = "the table is not encrypted with a key of this stack"
fix = "set `server_side_encryption.kms_key_arn` to an `aws_kms_key` of the stack"
[[rule.require]]
attribute = "server_side_encryption[*].kms_key_arn"
op = "references"
type = "aws_kms_key"
"#;
        let table = |arn: Value| resource("aws_dynamodb_table", "t").set("server_side_encryption", block([("enabled", Value::Bool(true)), ("kms_key_arn", arn)]));
        let key = resource("aws_kms_key", "k");
        assert_eq!(eval(rule, &stack_of(vec![table(reference("aws_kms_key", "k", "arn")), key.clone()])), Outcome::Compliant);
        let Outcome::NonCompliant(f) = eval(rule, &stack_of(vec![table(Value::from("arn:aws:kms:eu-west-1:1:key/x"))])) else { panic!() };
        assert_eq!(f[0].path.to_string(), "server_side_encryption[0].kms_key_arn");
        assert_eq!(f[0].detail.as_deref(), Some("`server_side_encryption[0].kms_key_arn` is not a reference to an `aws_kms_key` of this stack"));
        let alias = resource("aws_kms_alias", "a");
        let Outcome::NonCompliant(f) = eval(rule, &stack_of(vec![table(reference("aws_kms_alias", "a", "arn")), alias])) else { panic!() };
        assert!(f[0].detail.as_deref().unwrap().contains("refers to `aws_kms_alias.a`"));
    }

    #[test]
    fn a_sensitive_value_never_appears_in_a_finding() {
        let rule = "[[rule]]\nid = \"ORG-X-001\"\nresources = [\"tls_self_signed_cert\"]\nmessage = \"m\"\nfix = \"f\"\n[[rule.require]]\nattribute = \"private_key_pem\"\nop = \"matches\"\npattern = \"^-----BEGIN EC\"\n";
        let cert = resource("tls_self_signed_cert", "c").set("private_key_pem", "-----BEGIN RSA hunter2");
        let Outcome::NonCompliant(f) = eval(rule, &stack_of(vec![cert])) else { panic!("the pattern does not match") };
        let detail = f[0].detail.as_deref().unwrap();
        assert!(!detail.contains("hunter2") && detail.contains("(sensitive value)"), "{detail}");
    }

    #[test]
    fn equals_one_of_matches_and_contains() {
        let rule = |require: &str| {
            format!("[[rule]]\nid = \"ORG-X-001\"\nresources = [\"aws_s3_bucket\"]\nmessage = \"m\"\nfix = \"f\"\n[[rule.require]]\n{require}\n")
        };
        let bucket = resource("aws_s3_bucket", "b").set("bucket", "acme-logs").set("force_destroy", false).set("names", strs(&["a", "b"]));
        let s = stack_of(vec![bucket]);
        assert_eq!(eval(&rule("attribute = \"bucket\"\nop = \"equals\"\nvalue = \"acme-logs\""), &s), Outcome::Compliant);
        assert_eq!(eval(&rule("attribute = \"force_destroy\"\nop = \"equals\"\nvalue = false"), &s), Outcome::Compliant);
        assert_eq!(eval(&rule("attribute = \"bucket\"\nop = \"one_of\"\nvalues = [\"x\", \"acme-logs\"]"), &s), Outcome::Compliant);
        assert!(matches!(eval(&rule("attribute = \"bucket\"\nop = \"not_one_of\"\nvalues = [\"acme-logs\"]"), &s), Outcome::NonCompliant(_)));
        assert_eq!(eval(&rule("attribute = \"bucket\"\nop = \"matches\"\npattern = \"^acme-\""), &s), Outcome::Compliant);
        assert!(matches!(eval(&rule("attribute = \"bucket\"\nop = \"matches\"\npattern = \"^corp-\""), &s), Outcome::NonCompliant(_)));
        assert_eq!(eval(&rule("attribute = \"names\"\nop = \"contains\"\nvalue = \"b\""), &s), Outcome::Compliant);
        assert_eq!(paths(&eval(&rule("attribute = \"names\"\nop = \"not_contains\"\nvalue = \"b\""), &s)), ["names[1]"]);
        assert_eq!(eval(&rule("attribute = \"acl\"\nop = \"absent\""), &s), Outcome::Compliant);
        assert!(matches!(eval(&rule("attribute = \"bucket\"\nop = \"absent\""), &s), Outcome::NonCompliant(_)));
    }

    #[test]
    fn an_empty_string_is_not_present() {
        // The navigator's one notion of set: `""` is unset for `present` too.
        let rule = "[[rule]]\nid = \"ORG-X-001\"\nresources = [\"aws_s3_bucket\"]\nmessage = \"m\"\nfix = \"f\"\n[[rule.require]]\nattribute = \"bucket\"\nop = \"present\"\n";
        assert_eq!(paths(&eval(rule, &stack_of(vec![resource("aws_s3_bucket", "b").set("bucket", "")]))), ["bucket"]);
        assert_eq!(eval(rule, &stack_of(vec![resource("aws_s3_bucket", "b").set("bucket", "logs")])), Outcome::Compliant);
    }

    #[test]
    fn a_pattern_selects_only_types_with_the_attribute() {
        // Without schema facts every matched type applies; with them, a type
        // without `tags` is left alone (see the macros' and synthesis tests).
        let s = stack_of(vec![resource("aws_iam_role_policy", "p")]);
        assert!(matches!(eval(TAGS, &s), Outcome::NonCompliant(_)));
    }
}
