//! TAP-DDB-002: a DynamoDB table must have point-in-time recovery.
//!
//! Rejected: `resource!(aws_dynamodb_table.items { name: "items", hash_key: "pk", ... })`
//! with no `point_in_time_recovery { enabled: true }`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::require_block_flag;
use crate::policy::{Level, Outcome, Rule};

/// TAP-DDB-002: a DynamoDB table keeps continuous backups (`point_in_time_recovery { enabled:
/// true }`), so it can be restored to before a bad write or deletion.
pub static RULE: Rule = Rule {
    id: "TAP-DDB-002",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_dynamodb_table"],
    message: "the DynamoDB table has no point-in-time recovery",
    rationale: "without continuous backups, data overwritten or deleted by a bug, a bad deployment or an attacker cannot be restored to the second before it happened",
    fix: "add `point_in_time_recovery { enabled: true }`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    require_block_flag(resource, graph, "point_in_time_recovery", "enabled")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, resource};
    use crate::value::Value;

    fn table() -> Resource {
        resource("aws_dynamodb_table", "items").set("hash_key", "pk")
    }

    #[test]
    fn compliant_with_recovery_enabled() {
        let t = table().set("point_in_time_recovery", block([("enabled", Value::Bool(true))]));
        assert_eq!(eval(&RULE, vec![t]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_the_block() {
        assert!(matches!(eval(&RULE, vec![table()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_when_enabled_is_not_set() {
        let t = table().set("point_in_time_recovery", block([]));
        assert!(matches!(eval(&RULE, vec![t]), Outcome::NonCompliant(f) if f[0].path.to_string() == "point_in_time_recovery[0]"));
    }

    #[test]
    fn unknown_when_the_block_is_a_run_time_value() {
        let t = table().set("point_in_time_recovery", Value::Unknown);
        assert!(matches!(eval(&RULE, vec![t]), Outcome::Unknown(_)));
    }

    // A (2017) global table is named like a table but only links regional tables, each of which has its own `point_in_time_recovery`.
    #[test]
    fn leaves_global_tables_alone() {
        let global = resource("aws_dynamodb_global_table", "items")
            .set("name", "items")
            .set("replica", Value::list([block([("region_name", Value::from("eu-west-1"))]), block([("region_name", Value::from("us-east-1"))])]));
        assert!(matches!(eval(&RULE, vec![global.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![global]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![table()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
