//! TAP-IAM-001: an IAM policy must not allow every action of a service.
//!
//! Rejects an `Allow` statement (the default effect) whose `Action` is `*`
//! or ends in `:*` (`s3:*`), and any `Allow` statement with `NotAction`.
//! Reads the `policy` of `aws_iam_policy`, `aws_iam_role_policy`,
//! `aws_iam_user_policy` and `aws_iam_group_policy`, and of each
//! `aws_iam_role.inline_policy` (never `assume_role_policy`). The policy may
//! be `tf::jsonencode({ ... })`, a literal JSON string, or the `json` of a
//! `data.aws_iam_policy_document` (its `statement` blocks and the documents
//! it merges); anything else is unknown. When the resource holds the
//! document itself, each finding names its statement and action
//! (`policy.Statement[1].Action[0]`, `policy.Statement[0].NotAction`), so a
//! precise suppression can accept one action and leave the others checked.
//!
//! Rejected: `resource!(aws_iam_role_policy.app { role: role.id, policy: tf::jsonencode({
//! Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }] }) })`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{blocks, resolve, finding, items, known_text, text, Text, Verdict};
use crate::policy::{Level, Outcome, Rule};
use crate::reference::Mode;
use crate::value::Value;

/// TAP-IAM-001: no `Allow` statement of an IAM policy grants `*`, `<service>:*` or `NotAction`.
pub static RULE: Rule = Rule {
    id: "TAP-IAM-001",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
    message: "the IAM policy allows every action of a service",
    rationale: "a wildcard action grants today's and tomorrow's actions, including destructive and permission-changing ones, so a compromised principal can do far more than the workload needs",
    fix: "list the actions the workload calls in `Action` (`dynamodb:GetItem`, `dynamodb:PutItem`, ...) instead of `*` or `<service>:*`, and replace `NotAction` in `Allow` statements with the actions to allow",
    check,
};

/// How deep documents may merge other documents before the rule gives up.
const MAX_DEPTH: usize = 8;

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let root = AttrPath::root();
    let policies: Vec<(AttrPath, Option<&Value>)> = if resource.type_name() == "aws_iam_role" {
        match blocks(&resource.body, "inline_policy", &root) {
            Ok(inline) if inline.is_empty() => return Outcome::NotApplicable,
            Ok(inline) => inline.into_iter().map(|(path, p)| (path.name("policy"), p.get("policy"))).collect(),
            Err(f) => return Outcome::Unknown(f),
        }
    } else {
        vec![(root.name("policy"), resource.body.get("policy"))]
    };
    let mut verdict = Verdict::default();
    for (path, policy) in policies {
        if let Some(policy) = policy {
            let mut walk = Walk { graph, path: &path, verdict: &mut verdict };
            walk.policy(policy, 0);
        }
    }
    verdict.finish()
}

/// Walks one policy attribute; every finding points at `path`.
struct Walk<'w, 'g> {
    graph: &'w Graph<'g>,
    path: &'w AttrPath,
    verdict: &'w mut Verdict,
}

impl Walk<'_, '_> {
    fn unknown(&mut self, why: String) {
        self.verdict.unknown(finding(self.path).with_detail(why));
    }

    fn fail(&mut self, at: Option<AttrPath>, why: String) {
        self.verdict.fail(finding(at.as_ref().unwrap_or(self.path)).with_detail(why));
    }

    /// A policy document as a value: JSON, `jsonencode`, or a reference to a document.
    fn policy(&mut self, value: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            return self.unknown("the policy merges documents too deeply to be checked".to_owned());
        }
        match value {
            Value::Null => {}
            // A document written in this attribute: findings point into it.
            Value::Call(call) if call.function == "jsonencode" && call.args.len() == 1 => {
                let base = (depth == 0).then(|| self.path.clone());
                self.document(&call.args[0], "the policy", base)
            }
            Value::Ref(r) => {
                let document = self.graph.resolve(r).filter(|t| t.address.mode == Mode::Data && t.type_name() == "aws_iam_policy_document");
                match document {
                    Some(d) if matches!(r.attribute(), Some("json" | "minified_json")) => self.policy_document(d, depth),
                    _ => match resolve(value, self.graph) {
                        Some(v) => self.policy(v, depth + 1),
                        None => self.unknown(format!("the policy comes from `{r}`, known only at apply time")),
                    },
                }
            }
            Value::Str(_) | Value::Template(_) => {
                let Some(json) = text(Some(value), self.graph) else { return };
                // Parts known only later are inside JSON strings in any sensible policy.
                match json.parse_json() {
                    Ok(parsed) => {
                        let base = (depth == 0).then(|| self.path.clone());
                        self.document(&parsed, "the policy", base)
                    }
                    Err(None) => self.unknown("the policy JSON is only known at run time".to_owned()),
                    Err(Some(e)) => self.unknown(format!("the policy is not valid JSON: {e}")),
                }
            }
            _ => self.unknown("the policy is only known at run time".to_owned()),
        }
    }

    /// A JSON policy document (`{ Statement: [...] }`), as a map. `base`
    /// is its path in the resource when the resource itself holds it, so
    /// that each finding names its statement and action
    /// (`policy.Statement[1].Action[0]`).
    fn document(&mut self, document: &Value, source: &str, base: Option<AttrPath>) {
        let Some(fields) = resolve(document, self.graph).and_then(Value::as_object) else {
            return self.unknown(format!("{source} is only known at run time"));
        };
        let base = base.map(|b| b.name("Statement"));
        let statements: Vec<(&Value, Option<AttrPath>)> = match fields.get("Statement").and_then(|s| resolve(s, self.graph)) {
            None if fields.contains_key("Statement") => return self.unknown(format!("the statements of {source} are only known at run time")),
            None | Some(Value::Null) => Vec::new(),
            Some(Value::List(items)) => items.iter().enumerate().map(|(i, s)| (s, base.as_ref().map(|b| b.index(i)))).collect(),
            Some(single) => vec![(single, base)],
        };
        for (i, (statement, at)) in statements.into_iter().enumerate() {
            let Some(statement) = resolve(statement, self.graph).and_then(Value::as_object) else {
                self.unknown(format!("statement {i} of {source} is only known at run time"));
                continue;
            };
            let effect = text(statement.get("Effect"), self.graph);
            let actions = action_list(statement.get("Action"), self.graph, at.as_ref().map(|a| a.name("Action")));
            let not_actions = action_list(statement.get("NotAction"), self.graph, at.as_ref().map(|a| a.name("NotAction")));
            self.statement(&format!("statement {i} of {source}"), effect, actions, not_actions);
        }
    }

    /// The `json` of a `data.aws_iam_policy_document`, and the documents it merges.
    fn policy_document(&mut self, document: &Resource, depth: usize) {
        let source = format!("`{}`", document.address);
        match blocks(&document.body, "statement", &AttrPath::root()) {
            Ok(statements) => {
                for (i, (_, statement)) in statements.into_iter().enumerate() {
                    let effect = text(statement.get("effect"), self.graph);
                    let actions = block_actions(statement, "actions", self.graph);
                    let not_actions = block_actions(statement, "not_actions", self.graph);
                    self.statement(&format!("statement {i} of {source}"), effect, actions, not_actions);
                }
            }
            Err(_) => self.unknown(format!("the statements of {source} are only known at run time")),
        }
        for key in ["source_policy_documents", "override_policy_documents"] {
            match items(&document.body, key, &AttrPath::root()) {
                Ok(merged) => merged.into_iter().for_each(|(_, d)| self.policy(d, depth + 1)),
                Err(_) => self.unknown(format!("`{key}` of {source} is only known at run time")),
            }
        }
        for key in ["source_json", "override_json"] {
            if let Some(v) = document.body.get(key) {
                self.policy(v, depth + 1);
            }
        }
    }

    /// One statement: `None` in an action list is an action known only
    /// later; each action comes with its path when the resource holds the
    /// document.
    fn statement(&mut self, at: &str, effect: Option<Text>, actions: Result<Actions, ()>, not_actions: Result<Actions, ()>) {
        let allow = match effect.as_ref().map(Text::known) {
            None => Some(true),
            Some(Some(e)) => Some(e.eq_ignore_ascii_case("allow")),
            Some(None) => None,
        };
        if allow == Some(false) {
            return;
        }
        let mut wildcards = Vec::new();
        let mut undecided = false;
        match actions {
            Ok(list) => {
                for (action, path) in list {
                    match action {
                        Some(a) if is_wildcard(&a) => wildcards.push((path, format!("allows `{a}`"))),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
            }
            Err(()) => undecided = true,
        }
        match not_actions {
            Ok(list) => {
                // The finding names the `NotAction` key, not one of its actions.
                if let Some((_, path)) = list.into_iter().next() {
                    let path = path.map(|p| if matches!(p.steps().last(), Some(crate::path::Step::Index(_))) { AttrPath::from(p.steps()[..p.steps().len() - 1].to_vec()) } else { p });
                    wildcards.push((path, "uses `NotAction` with `Allow`, which grants every other action".to_owned()));
                }
            }
            Err(()) => undecided = true,
        }
        match allow {
            Some(true) => {
                for (path, w) in wildcards {
                    self.fail(path, format!("{at} {w}"));
                }
                if undecided {
                    self.unknown(format!("an action of {at} is only known at run time"));
                }
            }
            _ if !wildcards.is_empty() || undecided => self.unknown(format!("the effect of {at} is only known at run time")),
            _ => {}
        }
    }
}

/// `*`, or every action of a service (`s3:*`).
fn is_wildcard(action: &str) -> bool {
    let action = action.trim();
    action == "*" || action.ends_with(":*")
}

/// The actions of a statement, each known or not, with its path when the
/// resource holds the document.
type Actions = Vec<(Option<String>, Option<AttrPath>)>;

/// `Action` or `NotAction` of a JSON statement: a string or a list of
/// strings; `at` is the key's path.
fn action_list(value: Option<&Value>, graph: &Graph, at: Option<AttrPath>) -> Result<Actions, ()> {
    let Some(value) = value else { return Ok(Vec::new()) };
    match resolve(value, graph) {
        Some(Value::Null) => Ok(Vec::new()),
        Some(Value::List(items)) => Ok(items.iter().enumerate().map(|(i, a)| (action(a, graph), at.as_ref().map(|p| p.index(i)))).collect()),
        Some(single) => Ok(vec![(action(single, graph), at)]),
        None => Err(()),
    }
}

/// `actions` or `not_actions` of a `statement` block (another resource's:
/// its findings point at the policy attribute).
fn block_actions(statement: &crate::policy::rules::support::Object, key: &str, graph: &Graph) -> Result<Actions, ()> {
    match items(statement, key, &AttrPath::root()) {
        Ok(list) => Ok(list.into_iter().map(|(_, a)| (action(a, graph), None)).collect()),
        Err(_) => Err(()),
    }
}

fn action(value: &Value, graph: &Graph) -> Option<String> {
    known_text(Some(value), graph)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, data, data_reference, eval, eval_in_engine, reference, resource, strs};

    fn statement(effect: Option<&str>, key: &str, actions: Value) -> Value {
        let mut fields = vec![(key.to_owned(), actions), ("Resource".to_owned(), Value::from("*"))];
        if let Some(e) = effect {
            fields.push(("Effect".to_owned(), Value::from(e)));
        }
        Value::map(fields)
    }

    fn encoded(statements: Vec<Value>) -> Value {
        Value::jsonencode(Value::map([("Version", Value::from("2012-10-17")), ("Statement", Value::List(statements))]))
    }

    fn role_policy(policy: Value) -> Resource {
        resource("aws_iam_role_policy", "app").set("role", reference("aws_iam_role", "app", "id")).set("policy", policy)
    }

    #[test]
    fn compliant_with_listed_actions() {
        let p = encoded(vec![statement(Some("Allow"), "Action", strs(&["dynamodb:GetItem", "s3:Get*"])), statement(Some("Deny"), "Action", Value::from("*"))]);
        assert_eq!(eval(&RULE, vec![role_policy(p)]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_with_a_service_wildcard() {
        let p = encoded(vec![statement(None, "Action", strs(&["dynamodb:GetItem", "s3:*"]))]);
        let Outcome::NonCompliant(f) = eval(&RULE, vec![role_policy(p)]) else { panic!("expected a finding") };
        // The finding names the action, so a suppression can cover it alone.
        assert_eq!(f[0].path.to_string(), "policy.Statement[0].Action[1]");
        assert!(f[0].detail.as_deref().unwrap().contains("`s3:*`"));
    }

    #[test]
    fn non_compliant_with_not_action() {
        let p = encoded(vec![statement(Some("Allow"), "NotAction", Value::from("iam:*"))]);
        let Outcome::NonCompliant(f) = eval(&RULE, vec![role_policy(p)]) else { panic!("expected a finding") };
        assert_eq!(f[0].path.to_string(), "policy.Statement[0].NotAction");
        assert!(f[0].detail.as_deref().unwrap().contains("uses `NotAction` with `Allow`, which grants every other action"));
    }

    #[test]
    fn non_compliant_in_literal_json() {
        let p = Value::from(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        assert!(matches!(eval(&RULE, vec![resource("aws_iam_policy", "p").set("policy", p)]), Outcome::NonCompliant(f) if f[0].path.to_string() == "policy.Statement.Action"));
    }

    #[test]
    fn non_compliant_in_a_policy_document_and_the_documents_it_merges() {
        let base = data("aws_iam_policy_document", "base").set("statement", Value::list([block([("actions", strs(&["sqs:*"]))])]));
        let app = data("aws_iam_policy_document", "app")
            .set("statement", block([("effect", Value::from("Allow")), ("actions", strs(&["sqs:SendMessage"]))]))
            .set("source_policy_documents", Value::list([data_reference("aws_iam_policy_document", "base", "json")]));
        let policy = resource("aws_iam_policy", "p").set("policy", data_reference("aws_iam_policy_document", "app", "json"));
        let Outcome::NonCompliant(f) = eval(&RULE, vec![policy, app, base]) else { panic!("expected a finding") };
        assert!(f[0].detail.as_deref().unwrap().contains("data.aws_iam_policy_document.base"));
        // The document is another resource: the finding names the attribute that uses it.
        assert_eq!(f[0].path.to_string(), "policy");
    }

    #[test]
    fn role_inline_policies_and_not_its_trust_policy() {
        let trust = encoded(vec![statement(Some("Allow"), "Action", Value::from("sts:*"))]);
        let role = resource("aws_iam_role", "app").set("assume_role_policy", trust.clone());
        assert_eq!(eval(&RULE, vec![role.clone()]), Outcome::NotApplicable);
        let role = role.set("inline_policy", Value::list([block([("name", Value::from("a")), ("policy", trust)])]));
        assert!(matches!(eval(&RULE, vec![role]), Outcome::NonCompliant(f) if f[0].path.to_string() == "inline_policy[0].policy.Statement[0].Action"));
    }

    #[test]
    fn unknown_when_the_policy_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![role_policy(Value::Unknown)]), Outcome::Unknown(_)));
        let p = encoded(vec![statement(Some("Allow"), "Action", Value::list([Value::Unknown]))]);
        assert!(matches!(eval(&RULE, vec![role_policy(p)]), Outcome::Unknown(f) if f.path.to_string() == "policy"));
        let p = encoded(vec![statement(Some("Allow"), "Action", Value::from("s3:GetObject")), Value::Unknown]);
        assert!(matches!(eval(&RULE, vec![role_policy(p)]), Outcome::Unknown(_)));
    }

    #[test]
    fn unknown_effect_only_matters_for_wildcards() {
        let mut s = statement(None, "Action", Value::from("s3:*"));
        if let Value::Map(m) = &mut s {
            m.insert("Effect".into(), Value::Unknown);
        }
        assert!(matches!(eval(&RULE, vec![role_policy(encoded(vec![s]))]), Outcome::Unknown(_)));
        let mut s = statement(None, "Action", Value::from("s3:GetObject"));
        if let Value::Map(m) = &mut s {
            m.insert("Effect".into(), Value::Unknown);
        }
        assert_eq!(eval(&RULE, vec![role_policy(encoded(vec![s]))]), Outcome::Compliant);
    }

    // A KMS key policy holds IAM policy JSON in `policy` too, and the default one must allow `kms:*` to the account to delegate to IAM.
    #[test]
    fn leaves_kms_key_policies_alone() {
        let root = Value::map([("AWS", Value::from("arn:aws:iam::123456789012:root"))]);
        let delegate = Value::map([("Effect", Value::from("Allow")), ("Principal", root), ("Action", Value::from("kms:*")), ("Resource", Value::from("*"))]);
        let key_policy = resource("aws_kms_key_policy", "data").set("key_id", reference("aws_kms_key", "data", "id")).set("policy", encoded(vec![delegate]));
        assert!(matches!(eval(&RULE, vec![key_policy.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![key_policy]), []);
        let p = encoded(vec![statement(Some("Allow"), "Action", Value::from("kms:*"))]);
        assert!(matches!(eval_in_engine(&RULE, vec![role_policy(p)]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
