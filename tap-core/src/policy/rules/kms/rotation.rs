//! TAP-KMS-001: a symmetric KMS key must rotate its key material.
//!
//! Applies to symmetric encryption keys only (`customer_master_key_spec`
//! unset or `SYMMETRIC_DEFAULT`, `key_usage` unset or `ENCRYPT_DECRYPT`):
//! KMS cannot rotate asymmetric and HMAC keys automatically.
//!
//! Rejected: `resource!(aws_kms_key.data { description: "data" })` with no
//! `enable_key_rotation: true`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::{require_flag, text};
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-KMS-001: a symmetric customer managed key rotates its key material (`enable_key_rotation:
/// true`).
pub static RULE: Rule = Rule {
    id: "TAP-KMS-001",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_kms_key"],
    message: "the KMS key does not rotate its key material",
    rationale: "automatic rotation limits how much data one key version protects and how long leaked key material stays useful, at no cost to callers: old versions still decrypt",
    fix: "set `enable_key_rotation: true` (and `rotation_period_in_days` if a year is too long)",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    for (attr, symmetric) in [("customer_master_key_spec", "SYMMETRIC_DEFAULT"), ("key_usage", "ENCRYPT_DECRYPT")] {
        match text(resource.body.get(attr), graph).as_ref().map(|t| t.known()) {
            None => {}
            Some(None) => return Outcome::Unknown(Finding::at(attr)),
            Some(Some(s)) if s == symmetric => {}
            Some(Some(_)) => return Outcome::NotApplicable,
        }
    }
    require_flag(resource, graph, "enable_key_rotation")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, resource};
    use crate::value::Value;

    fn key() -> Resource {
        resource("aws_kms_key", "data").set("description", "data")
    }

    #[test]
    fn compliant_with_rotation() {
        assert_eq!(eval(&RULE, vec![key().set("enable_key_rotation", true)]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_rotation() {
        assert!(matches!(eval(&RULE, vec![key()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
        let k = key().set("customer_master_key_spec", "SYMMETRIC_DEFAULT").set("enable_key_rotation", false);
        assert!(matches!(eval(&RULE, vec![k]), Outcome::NonCompliant(f) if f[0].path.to_string() == "enable_key_rotation"));
    }

    #[test]
    fn not_applicable_to_asymmetric_keys() {
        let k = key().set("customer_master_key_spec", "RSA_2048").set("key_usage", "SIGN_VERIFY");
        assert_eq!(eval(&RULE, vec![k]), Outcome::NotApplicable);
    }

    // A key with imported material looks like a symmetric key without `enable_key_rotation`, and KMS cannot rotate it at all.
    #[test]
    fn leaves_external_keys_alone() {
        let external = resource("aws_kms_external_key", "imported").set("description", "imported");
        assert!(matches!(eval(&RULE, vec![external.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![external]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![key()]).as_slice(), [Outcome::NonCompliant(_)]));
    }

    #[test]
    fn unknown_when_rotation_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![key().set("enable_key_rotation", Value::Unknown)]), Outcome::Unknown(_)));
    }

    #[test]
    fn unknown_when_the_key_spec_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![key().set("customer_master_key_spec", Value::Unknown)]), Outcome::Unknown(f) if f.path.to_string() == "customer_master_key_spec"));
    }
}
