//! TAP-LMB-001: a Lambda function must run inside a VPC.
//!
//! Rejected: `resource!(aws_lambda_function.api { ... })` with no
//! `vpc_config { subnet_ids: [...], security_group_ids: [...] }`.

use crate::graph::{Graph, Resource};
use crate::navigate::get_in;
use crate::path::AttrPath;
use crate::policy::{Finding, Level, Outcome, Rule};
use crate::value::Value;

/// TAP-LMB-001: a Lambda function runs inside a VPC (`vpc_config` with non-empty `subnet_ids` and
/// `security_group_ids`).
pub static RULE: Rule = Rule {
    id: "TAP-LMB-001",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_lambda_function"],
    message: "the Lambda function is not attached to a VPC",
    rationale: "a function outside a VPC reaches the internet and AWS APIs directly, so its traffic cannot be filtered by security groups, routed through a NAT with fixed addresses, or kept on private endpoints",
    fix: "add a `vpc_config` block with `subnet_ids` (private subnets) and `security_group_ids`",
    check,
};

fn check(resource: &Resource, _graph: &Graph) -> Outcome {
    let at = |path: &str| get_in(&resource.body, &AttrPath::parse(path).expect("BUG: the rule's paths parse"));
    let Some(vpc) = at("vpc_config") else {
        return Outcome::NonCompliant(vec![Finding::at("")]);
    };
    if matches!(vpc, Value::Unknown) {
        return Outcome::Unknown(Finding::at("vpc_config"));
    }
    let mut findings = Vec::new();
    for attr in ["subnet_ids", "security_group_ids"] {
        match at(&format!("vpc_config.{attr}")) {
            None | Some(Value::Null) => findings.push(Finding::at("vpc_config").with_detail(format!("`{attr}` is not set"))),
            Some(Value::List(items)) if items.is_empty() => {
                findings.push(Finding::at(&format!("vpc_config[0].{attr}")).with_detail(format!("`{attr}` is empty")))
            }
            Some(Value::Unknown) => return Outcome::Unknown(Finding::at(&format!("vpc_config[0].{attr}"))),
            Some(_) => {}
        }
    }
    if findings.is_empty() {
        Outcome::Compliant
    } else {
        Outcome::NonCompliant(findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, lambda, reference, resource};

    #[test]
    fn compliant_with_subnets_and_security_groups() {
        let f = lambda("api").set(
            "vpc_config",
            block([("subnet_ids", Value::list([Value::from("subnet-1")])), ("security_group_ids", Value::list([Value::from("sg-1")]))]),
        );
        assert_eq!(eval(&RULE, vec![f]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_vpc_config() {
        assert!(matches!(eval(&RULE, vec![lambda("api")]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_with_empty_subnets() {
        let f = lambda("api").set("vpc_config", block([("subnet_ids", Value::list([])), ("security_group_ids", Value::list([Value::from("sg")]))]));
        assert!(matches!(eval(&RULE, vec![f]), Outcome::NonCompliant(_)));
    }

    #[test]
    fn unknown_when_vpc_config_is_a_run_time_value() {
        let f = lambda("api").set("vpc_config", Value::Unknown);
        assert!(matches!(eval(&RULE, vec![f]), Outcome::Unknown(_)));
    }

    // Its type name starts with `aws_lambda_function` and it has no `vpc_config`: a prefix match would flag it.
    #[test]
    fn leaves_event_invoke_configs_alone() {
        let config = resource("aws_lambda_function_event_invoke_config", "api")
            .set("function_name", reference("aws_lambda_function", "api", "function_name"))
            .set("maximum_retry_attempts", 0);
        assert!(matches!(eval(&RULE, vec![config.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![config]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![lambda("api")]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
