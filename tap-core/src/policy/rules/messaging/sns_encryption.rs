//! TAP-SNS-001: an SNS topic must be encrypted with a KMS key.
//!
//! Rejected: `resource!(aws_sns_topic.events { name: "events" })` with no
//! `kms_master_key_id`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::require_set;
use crate::policy::{Level, Outcome, Rule};

/// TAP-SNS-001: an SNS topic is encrypted with a KMS key (`kms_master_key_id`).
pub static RULE: Rule = Rule {
    id: "TAP-SNS-001",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_sns_topic"],
    message: "the SNS topic is not encrypted with a KMS key",
    rationale: "SNS stores messages unencrypted until delivery unless the topic has a KMS key; with one, reading messages at rest also requires the key and its use is logged in CloudTrail",
    fix: "set `kms_master_key_id` to a KMS key (`alias/aws/sns` or, to let other services publish, a customer managed key that allows them)",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    require_set(resource, graph, "kms_master_key_id")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn topic() -> Resource {
        resource("aws_sns_topic", "events").set("name", "events")
    }

    #[test]
    fn compliant_with_a_key() {
        assert_eq!(eval(&RULE, vec![topic().set("kms_master_key_id", reference("aws_kms_key", "k", "id"))]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![topic().set("kms_master_key_id", "alias/aws/sns")]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_a_key() {
        assert!(matches!(eval(&RULE, vec![topic()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
        assert!(matches!(eval(&RULE, vec![topic().set("kms_master_key_id", "")]), Outcome::NonCompliant(_)));
    }

    #[test]
    fn unknown_when_the_key_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![topic().set("kms_master_key_id", Value::Unknown)]), Outcome::Unknown(_)));
    }

    // A subscription shares the `aws_sns_topic` prefix and has no `kms_master_key_id`: messages are encrypted by the topic it names.
    #[test]
    fn leaves_topic_subscriptions_alone() {
        let subscription = resource("aws_sns_topic_subscription", "jobs")
            .set("topic_arn", reference("aws_sns_topic", "events", "arn"))
            .set("protocol", "sqs")
            .set("endpoint", reference("aws_sqs_queue", "jobs", "arn"));
        assert!(matches!(eval(&RULE, vec![subscription.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![subscription]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![topic()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
