//! TAP-DDB-001: a DynamoDB table must be encrypted with a KMS key.
//!
//! DynamoDB always encrypts at rest, by default with a key AWS owns and
//! that the account cannot see or audit. The rule asks for
//! `server_side_encryption { enabled: true }`: the AWS managed key
//! `aws/dynamodb`, or a customer managed key given in `kms_key_arn`.
//!
//! Rejected: `resource!(aws_dynamodb_table.items { name: "items", hash_key: "pk", ... })`
//! with no `server_side_encryption` block, or with `enabled: false`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::require_block_flag;
use crate::policy::{Level, Outcome, Rule};

/// TAP-DDB-001: a DynamoDB table is encrypted with a KMS key rather than the AWS owned default
/// (`server_side_encryption { enabled: true }`).
pub static RULE: Rule = Rule {
    id: "TAP-DDB-001",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_dynamodb_table"],
    message: "the DynamoDB table is not encrypted with a KMS key",
    rationale: "with the default AWS owned key, use of the key is invisible in CloudTrail and access to the data cannot be restricted or revoked through a key policy",
    fix: "add `server_side_encryption { enabled: true }`, with `kms_key_arn` set to a customer managed key to control the key policy",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    require_block_flag(resource, graph, "server_side_encryption", "enabled")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn table() -> Resource {
        resource("aws_dynamodb_table", "items").set("hash_key", "pk")
    }

    #[test]
    fn compliant_with_sse_enabled() {
        let t = table().set("server_side_encryption", block([("enabled", Value::Bool(true)), ("kms_key_arn", reference("aws_kms_key", "k", "arn"))]));
        assert_eq!(eval(&RULE, vec![t]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_the_block() {
        assert!(matches!(eval(&RULE, vec![table()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_when_disabled() {
        let t = table().set("server_side_encryption", Value::list([block([("enabled", Value::Bool(false))])]));
        assert!(matches!(eval(&RULE, vec![t]), Outcome::NonCompliant(f) if f[0].path.to_string() == "server_side_encryption[0].enabled"));
    }

    #[test]
    fn unknown_when_enabled_is_a_run_time_value() {
        let t = table().set("server_side_encryption", block([("enabled", Value::Unknown)]));
        assert!(matches!(eval(&RULE, vec![t]), Outcome::Unknown(f) if f.path.to_string() == "server_side_encryption[0].enabled"));
    }

    // An item names its table and `hash_key` like the table does, has no `server_side_encryption`, and is stored under the table's key.
    #[test]
    fn leaves_table_items_alone() {
        let item = resource("aws_dynamodb_table_item", "first")
            .set("table_name", reference("aws_dynamodb_table", "items", "name"))
            .set("hash_key", "pk")
            .set("item", r#"{"pk":{"S":"first"}}"#);
        assert!(matches!(eval(&RULE, vec![item.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![item, table()]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![table()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
