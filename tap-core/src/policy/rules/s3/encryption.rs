//! TAP-S3-001: an S3 bucket must have default server-side encryption configured.
//!
//! Looks for an `aws_s3_bucket_server_side_encryption_configuration` whose
//! `bucket` refers to the bucket (`.id` or `.bucket`, or its literal name)
//! with a `rule` that has `apply_server_side_encryption_by_default`. The
//! deprecated inline `server_side_encryption_configuration` block counts too.
//!
//! Rejected: `resource!(aws_s3_bucket.assets { bucket: "assets" })` with no
//! encryption configuration referring to it.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::s3::configurations;
use crate::policy::rules::support::{blocks, Decided, Object};
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-S3-001: a bucket has default server-side encryption, from an encryption configuration
/// referring to it or the deprecated inline block.
pub static RULE: Rule = Rule {
    id: "TAP-S3-001",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_s3_bucket"],
    message: "the S3 bucket has no default server-side encryption configuration",
    rationale: "an explicit default encryption states which key protects every new object; with a KMS key, reading objects also requires the key and each use is logged in CloudTrail",
    fix: "add an `aws_s3_bucket_server_side_encryption_configuration` with `bucket: <bucket>.id` and `rule { apply_server_side_encryption_by_default { sse_algorithm: \"aws:kms\", kms_master_key_id: <key>.arn } }`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let root = AttrPath::root();
    match encrypts_by_default(&resource.body, "server_side_encryption_configuration", &root) {
        Ok(true) => return Outcome::Compliant,
        Ok(false) => {}
        Err(f) => return Outcome::Unknown(f),
    }
    let found = configurations(resource, graph, "aws_s3_bucket_server_side_encryption_configuration");
    let mut undecided = None;
    let mut incomplete = Vec::new();
    for config in &found.resources {
        match encrypts_by_default(&config.body, "", &root) {
            Ok(true) => return Outcome::Compliant,
            Ok(false) => incomplete.push(config.address.to_string()),
            Err(f) => {
                undecided.get_or_insert(format!("the rules of `{}` are only known at run time (at `{}`)", config.address, f.path));
            }
        }
    }
    if let Some(why) = undecided {
        return Outcome::Unknown(Finding::at("").with_detail(why));
    }
    if let Some(maybe) = found.maybe {
        return Outcome::Unknown(Finding::at("").with_detail(format!("the bucket of `{}` is only known at run time", maybe.address)));
    }
    let detail = match incomplete.first() {
        Some(address) => format!("`{address}` has no rule with `apply_server_side_encryption_by_default`"),
        None => "no `aws_s3_bucket_server_side_encryption_configuration` refers to the bucket".to_owned(),
    };
    Outcome::NonCompliant(vec![Finding::at("").with_detail(detail)])
}

/// Does `parent` (or its nested block `block`, when not empty) have a `rule`
/// with `apply_server_side_encryption_by_default`?
fn encrypts_by_default(parent: &Object, block: &str, base: &AttrPath) -> Decided<bool> {
    let configs = if block.is_empty() { vec![(base.clone(), parent)] } else { blocks(parent, block, base)? };
    let mut undecided = None;
    for (path, config) in configs {
        let rules = match blocks(config, "rule", &path) {
            Ok(r) => r,
            Err(f) => {
                undecided.get_or_insert(f);
                continue;
            }
        };
        for (rule_path, rule) in rules {
            match blocks(rule, "apply_server_side_encryption_by_default", &rule_path) {
                Ok(defaults) if !defaults.is_empty() => return Ok(true),
                Ok(_) => {}
                Err(f) => {
                    undecided.get_or_insert(f);
                }
            }
        }
    }
    match undecided {
        Some(f) => Err(f),
        None => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn bucket() -> Resource {
        resource("aws_s3_bucket", "assets").set("bucket", "assets")
    }

    fn sse(bucket: Value, rule: Value) -> Resource {
        resource("aws_s3_bucket_server_side_encryption_configuration", "assets").set("bucket", bucket).set("rule", rule)
    }

    fn kms_rule() -> Value {
        block([("apply_server_side_encryption_by_default", block([("sse_algorithm", Value::from("aws:kms"))]))])
    }

    #[test]
    fn compliant_with_a_configuration_referring_to_the_bucket() {
        assert_eq!(eval(&RULE, vec![bucket(), sse(reference("aws_s3_bucket", "assets", "id"), kms_rule())]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![bucket(), sse(reference("aws_s3_bucket", "assets", "bucket"), Value::list([kms_rule()]))]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![bucket(), sse(Value::from("assets"), kms_rule())]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_a_configuration() {
        let other = sse(reference("aws_s3_bucket", "other", "id"), kms_rule());
        assert!(matches!(eval(&RULE, vec![bucket(), other]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_with_a_rule_without_default_encryption() {
        let config = sse(reference("aws_s3_bucket", "assets", "id"), block([("bucket_key_enabled", Value::Bool(true))]));
        let Outcome::NonCompliant(f) = eval(&RULE, vec![bucket(), config]) else { panic!("expected a finding") };
        assert!(f[0].detail.as_deref().unwrap().contains("aws_s3_bucket_server_side_encryption_configuration.assets"));
    }

    #[test]
    fn unknown_when_the_rule_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![bucket(), sse(reference("aws_s3_bucket", "assets", "id"), Value::Unknown)]), Outcome::Unknown(_)));
    }

    #[test]
    fn unknown_when_a_configuration_names_a_run_time_bucket() {
        assert!(matches!(eval(&RULE, vec![bucket(), sse(Value::Unknown, kms_rule())]), Outcome::Unknown(_)));
    }

    // The configuration that fixes a bucket shares the `aws_s3_bucket` prefix and has no configuration of its own: a prefix match would flag the fix.
    #[test]
    fn leaves_encryption_configurations_alone() {
        let config = sse(reference("aws_s3_bucket", "assets", "id"), kms_rule());
        assert!(matches!(eval(&RULE, vec![config.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![config, bucket()]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![bucket()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
