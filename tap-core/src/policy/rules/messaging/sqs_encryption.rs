//! TAP-SQS-001: an SQS queue must be encrypted at rest.
//!
//! Accepts a KMS key (`kms_master_key_id`) or SQS managed encryption
//! (`sqs_managed_sse_enabled: true`).
//!
//! Rejected: `resource!(aws_sqs_queue.jobs { name: "jobs" })` with neither.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{flag, is_set};
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-SQS-001: an SQS queue is encrypted at rest, with a KMS key or SQS managed encryption.
pub static RULE: Rule = Rule {
    id: "TAP-SQS-001",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_sqs_queue"],
    message: "the SQS queue is not encrypted at rest",
    rationale: "messages wait in the queue for up to two weeks; without server-side encryption they are stored in clear, and nothing in the configuration states that they must not be",
    fix: "set `kms_master_key_id` to a KMS key, or `sqs_managed_sse_enabled: true`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let root = AttrPath::root();
    let kms = is_set(&resource.body, "kms_master_key_id", &root, graph);
    if kms == Ok(true) {
        return Outcome::Compliant;
    }
    match flag(&resource.body, "sqs_managed_sse_enabled", &root, graph) {
        Ok(Some(true)) => Outcome::Compliant,
        Err(f) => Outcome::Unknown(f),
        Ok(managed) => match kms {
            Err(f) => Outcome::Unknown(f),
            Ok(_) if managed == Some(false) => Outcome::NonCompliant(vec![
                Finding::at("sqs_managed_sse_enabled").with_detail("`sqs_managed_sse_enabled` is false and `kms_master_key_id` is not set")
            ]),
            Ok(_) => Outcome::NonCompliant(vec![Finding::at("").with_detail("neither `kms_master_key_id` nor `sqs_managed_sse_enabled` is set")]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn queue() -> Resource {
        resource("aws_sqs_queue", "jobs").set("name", "jobs")
    }

    #[test]
    fn compliant_with_a_key_or_managed_encryption() {
        assert_eq!(eval(&RULE, vec![queue().set("kms_master_key_id", reference("aws_kms_key", "k", "arn"))]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![queue().set("sqs_managed_sse_enabled", true)]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_encryption() {
        assert!(matches!(eval(&RULE, vec![queue()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
        let q = queue().set("sqs_managed_sse_enabled", false);
        assert!(matches!(eval(&RULE, vec![q]), Outcome::NonCompliant(f) if f[0].path.to_string() == "sqs_managed_sse_enabled"));
    }

    #[test]
    fn unknown_when_the_key_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![queue().set("kms_master_key_id", Value::Unknown)]), Outcome::Unknown(f) if f.path.to_string() == "kms_master_key_id"));
        assert_eq!(eval(&RULE, vec![queue().set("kms_master_key_id", Value::Unknown).set("sqs_managed_sse_enabled", true)]), Outcome::Compliant);
    }

    // A queue policy shares the `aws_sqs_queue` prefix and sets neither `kms_master_key_id` nor `sqs_managed_sse_enabled`: it stores no messages.
    #[test]
    fn leaves_queue_policies_alone() {
        let policy = resource("aws_sqs_queue_policy", "jobs")
            .set("queue_url", reference("aws_sqs_queue", "jobs", "id"))
            .set("policy", r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}}"#);
        assert!(matches!(eval(&RULE, vec![policy.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![policy]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![queue()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
