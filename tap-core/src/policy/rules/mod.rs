//! One rule per file, grouped by service. To add a rule: write the file
//! (its metadata names the packs that select it), add it to [`ALL`], and add a compliant, a non-compliant
//! and a not-applicable unit test beside it plus a compile-fail UI test.

pub mod apigateway;
pub mod dynamodb;
pub mod ec2;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod messaging;
pub mod s3;
pub mod secrets;
pub(crate) mod support;

#[cfg(test)]
pub(crate) mod testing;

use super::Rule;

/// Every rule, sorted by ID.
pub static ALL: &[&Rule] = &[
    &apigateway::stage_tracing::RULE,
    &apigateway::stage_access_logs::RULE,
    &apigateway::method_authorization::RULE,
    &dynamodb::encryption::RULE,
    &dynamodb::point_in_time_recovery::RULE,
    &ec2::open_ingress::RULE,
    &ec2::subnet_public_ip::RULE,
    &ec2::instance_public_ip::RULE,
    &iam::wildcard_action::RULE,
    &iam::admin_managed_policy::RULE,
    &kms::rotation::RULE,
    &lambda::inside_vpc::RULE,
    &lambda::public_subnet::RULE,
    &lambda::function_url_auth::RULE,
    &lambda::permission_principal::RULE,
    &logs::retention::RULE,
    &logs::kms::RULE,
    &s3::encryption::RULE,
    &s3::public_access_block::RULE,
    &secrets::literal::RULE,
    &messaging::sns_encryption::RULE,
    &messaging::sqs_encryption::RULE,
];

#[cfg(test)]
mod tests {
    use super::ALL;
    use crate::policy::PACKS;

    /// `TAP-<SVC>-<NNN>`: an upper-case service code, then three digits.
    fn is_valid_id(id: &str) -> bool {
        let mut parts = id.split('-');
        let (Some("TAP"), Some(service), Some(number), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        !service.is_empty()
            && service.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && number.len() == 3
            && number.chars().all(|c| c.is_ascii_digit())
    }

    #[test]
    fn ids_are_sorted_unique_and_well_formed() {
        for pair in ALL.windows(2) {
            assert!(pair[0].id < pair[1].id, "`ALL` is not sorted by ID, or repeats one: {} then {}", pair[0].id, pair[1].id);
        }
        for rule in ALL {
            assert!(is_valid_id(rule.id), "malformed rule ID `{}`", rule.id);
        }
        assert!(!is_valid_id("TAP-S3-01") && !is_valid_id("TAP-s3-001") && !is_valid_id("XYZ-S3-001") && !is_valid_id("TAP-S3-001-2"));
    }

    #[test]
    fn every_rule_names_shipped_packs_only() {
        for rule in ALL {
            assert!(!rule.packs.is_empty(), "{}: no pack selects it", rule.id);
            for name in rule.packs {
                assert!(PACKS.iter().any(|p| p.name == *name), "{} names pack `{name}`, which tap does not ship", rule.id);
            }
        }
    }

    #[test]
    fn messages_are_one_lowercase_sentence_without_a_final_period() {
        for rule in ALL {
            let first = rule.message.chars().next().unwrap_or_default();
            assert!(first.is_lowercase(), "{}: the message must start in lowercase", rule.id);
            assert!(!rule.message.ends_with('.'), "{}: the message must not end with a period", rule.id);
            assert!(!rule.rationale.is_empty() && !rule.fix.is_empty(), "{}: rationale and fix are required", rule.id);
            assert!(!rule.resource_types.is_empty(), "{}: no resource types", rule.id);
        }
    }
}
