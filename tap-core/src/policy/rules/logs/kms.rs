//! TAP-LOG-002: a log group must be encrypted with a customer managed KMS key.
//!
//! Rejected: `resource!(aws_cloudwatch_log_group.api { name: "/aws/lambda/api",
//! retention_in_days: 30 })` with no `kms_key_id`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::require_set;
use crate::policy::{Level, Outcome, Rule};

/// TAP-LOG-002: a CloudWatch log group is encrypted with a customer managed key (`kms_key_id`).
pub static RULE: Rule = Rule {
    id: "TAP-LOG-002",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_cloudwatch_log_group"],
    message: "the log group is not encrypted with a KMS key",
    rationale: "log events often carry request data and tokens; with a KMS key their decryption is logged in CloudTrail and can be denied through the key policy, independently of CloudWatch permissions",
    fix: "set `kms_key_id` to the ARN of a KMS key whose policy allows the `logs.<region>.amazonaws.com` service principal",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    require_set(resource, graph, "kms_key_id")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn group() -> Resource {
        resource("aws_cloudwatch_log_group", "api").set("name", "/aws/lambda/api")
    }

    #[test]
    fn compliant_with_a_key() {
        assert_eq!(eval(&RULE, vec![group().set("kms_key_id", reference("aws_kms_key", "logs", "arn"))]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_a_key() {
        assert!(matches!(eval(&RULE, vec![group()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn unknown_when_the_key_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![group().set("kms_key_id", Value::Unknown)]), Outcome::Unknown(f) if f.path.to_string() == "kms_key_id"));
    }

    // A subscription filter names its log group and has no `kms_key_id`: it stores nothing, the destination encrypts what it receives.
    #[test]
    fn leaves_subscription_filters_alone() {
        let filter = resource("aws_cloudwatch_log_subscription_filter", "ship")
            .set("name", "ship")
            .set("log_group_name", reference("aws_cloudwatch_log_group", "api", "name"))
            .set("filter_pattern", "")
            .set("destination_arn", reference("aws_kinesis_stream", "logs", "arn"));
        assert!(matches!(eval(&RULE, vec![filter.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![filter]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![group()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
