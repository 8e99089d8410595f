//! TAP-IAM-002: an AWS managed administrator or full-access policy must not be attached.
//!
//! Rejects `policy_arn` of `aws_iam_role_policy_attachment` and
//! `aws_iam_policy_attachment`, and entries of `aws_iam_role.managed_policy_arns`,
//! naming an AWS managed policy (`arn:<partition>:iam::aws:policy/...`) called
//! `AdministratorAccess` (or `AdministratorAccess-<service>`) or ending in
//! `FullAccess`. The partition may be a reference
//! (`data.aws_partition.current.partition`); a policy of the stack
//! (`aws_iam_policy.x.arn`) is customer managed and is checked by TAP-IAM-001.
//!
//! Rejected: `resource!(aws_iam_role_policy_attachment.admin { role: role.name,
//! policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" })`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{finding, is_managed, items, referenced, text, Verdict};
use crate::policy::{Finding, Level, Outcome, Rule};
use crate::value::Value;

/// TAP-IAM-002: no attachment or role uses an AWS managed `AdministratorAccess*` or `*FullAccess`
/// policy.
pub static RULE: Rule = Rule {
    id: "TAP-IAM-002",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role"],
    message: "an AWS managed administrator or full-access policy is attached",
    rationale: "`AdministratorAccess` and the `*FullAccess` policies grant every action of the account or of a whole service, on every resource, far beyond what a workload needs, and AWS extends them as services grow",
    fix: "attach a customer managed `aws_iam_policy` (or an inline policy) that lists only the actions and resources the principal uses",
    check,
};

/// What a policy ARN is known to be.
enum Arn {
    Broad(String),
    Narrow,
    Unknown,
}

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let root = AttrPath::root();
    let arns: Vec<(AttrPath, &Value)> = if resource.type_name() == "aws_iam_role" {
        match items(&resource.body, "managed_policy_arns", &root) {
            Ok(list) if list.is_empty() => return Outcome::NotApplicable,
            Ok(list) => list,
            Err(f) => return Outcome::Unknown(f),
        }
    } else {
        match resource.body.get("policy_arn") {
            Some(v) => vec![(root.name("policy_arn"), v)],
            None => return Outcome::NotApplicable,
        }
    };
    let mut verdict = Verdict::default();
    for (path, value) in arns {
        match classify(value, graph) {
            Arn::Broad(arn) => verdict.fail(finding(&path).with_detail(format!("`{arn}`"))),
            Arn::Narrow => {}
            Arn::Unknown => verdict.unknown(Finding { path, detail: None }),
        }
    }
    verdict.finish()
}

fn classify(value: &Value, graph: &Graph) -> Arn {
    if let Some((target, _)) = referenced(value, graph) {
        if is_managed(target, "aws_iam_policy") {
            return Arn::Narrow;
        }
    }
    let Some(arn) = text(Some(value), graph) else { return Arn::Narrow };
    // arn:<partition>:iam::<account>:policy/<path/><name>
    let parts = arn.splitn(6, ':');
    let (account, resource) = match parts.as_slice() {
        [_, _, _, _, account, resource] => (account, resource),
        _ if arn.is_known() => return Arn::Narrow,
        _ => return Arn::Unknown,
    };
    let name = resource.rsplit_once('/').map_or_else(|| resource.clone(), |(_, name)| name);
    let broad_name = name.known().map(is_broad);
    let aws_managed = account.known().map(|a| a == "aws");
    let is_policy = resource.known().is_none_or(|r| r.starts_with("policy/"));
    match (broad_name, aws_managed) {
        _ if !is_policy => Arn::Narrow,
        (Some(false), _) | (_, Some(false)) => Arn::Narrow,
        (Some(true), Some(true)) => Arn::Broad(arn.to_string()),
        _ => Arn::Unknown,
    }
}

/// `AdministratorAccess`, `AdministratorAccess-Amplify`, `AmazonS3FullAccess`, ...
fn is_broad(name: &str) -> bool {
    name.starts_with("AdministratorAccess") || name.ends_with("FullAccess")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{data_reference, eval, eval_in_engine, reference, resource, strs};

    fn attachment(arn: Value) -> Resource {
        resource("aws_iam_role_policy_attachment", "a").set("role", reference("aws_iam_role", "app", "name")).set("policy_arn", arn)
    }

    #[test]
    fn compliant_with_narrow_policies() {
        assert_eq!(eval(&RULE, vec![attachment(Value::from("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![attachment(reference("aws_iam_policy", "app", "arn")), resource("aws_iam_policy", "app")]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![attachment(Value::from("arn:aws:iam::123456789012:policy/TeamFullAccess"))]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_with_admin_or_full_access() {
        let a = attachment(Value::from("arn:aws:iam::aws:policy/AdministratorAccess"));
        assert!(matches!(eval(&RULE, vec![a]), Outcome::NonCompliant(f) if f[0].path.to_string() == "policy_arn"));
        let partition = data_reference("aws_partition", "current", "partition");
        let a = attachment(Value::template(vec![Value::from("arn:"), partition, Value::from(":iam::aws:policy/AmazonS3FullAccess")]));
        assert!(matches!(eval(&RULE, vec![a]), Outcome::NonCompliant(_)));
        let role = resource("aws_iam_role", "app").set("managed_policy_arns", strs(&["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws-cn:iam::aws:policy/IAMFullAccess"]));
        assert!(matches!(eval(&RULE, vec![role]), Outcome::NonCompliant(f) if f[0].path.to_string() == "managed_policy_arns[1]"));
    }

    #[test]
    fn not_applicable_to_a_role_without_managed_policies() {
        assert_eq!(eval(&RULE, vec![resource("aws_iam_role", "app")]), Outcome::NotApplicable);
    }

    // A customer managed policy, even one named `AdministratorAccess`, is TAP-IAM-001's to judge; the check would call it not applicable, so only the filter is tested.
    #[test]
    fn leaves_customer_managed_policies_alone() {
        let policy = resource("aws_iam_policy", "admin").set("name", "AdministratorAccess").set("policy", r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        assert_eq!(eval_in_engine(&RULE, vec![policy]), []);
        let a = attachment(Value::from("arn:aws:iam::aws:policy/AdministratorAccess"));
        assert!(matches!(eval_in_engine(&RULE, vec![a]).as_slice(), [Outcome::NonCompliant(_)]));
    }

    #[test]
    fn unknown_when_the_arn_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![attachment(Value::Unknown)]), Outcome::Unknown(f) if f.path.to_string() == "policy_arn"));
        let a = attachment(Value::template(vec![Value::from("arn:aws:iam::aws:policy/"), Value::Unknown]));
        assert!(matches!(eval(&RULE, vec![a]), Outcome::Unknown(_)));
    }
}
