//! TAP-S3-002: an S3 bucket must block public access.
//!
//! Looks for an `aws_s3_bucket_public_access_block` whose `bucket` refers to
//! the bucket (`.id` or `.bucket`, or its literal name) with all four flags
//! true: `block_public_acls`, `block_public_policy`, `ignore_public_acls`,
//! `restrict_public_buckets`. An `aws_s3_account_public_access_block` with
//! all four flags true covers every bucket of the account.
//!
//! Rejected: `resource!(aws_s3_bucket.assets { bucket: "assets" })` with no
//! public access block, or one with `restrict_public_buckets: false`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::s3::configurations;
use crate::policy::rules::support::flag;
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-S3-002: a bucket, or its whole account, blocks public access with all four flags set.
pub static RULE: Rule = Rule {
    id: "TAP-S3-002",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_s3_bucket"],
    message: "the S3 bucket does not block public access",
    rationale: "without all four public access block settings, a single bucket policy or ACL, written by mistake or by an attacker, can expose every object to the internet",
    fix: "add an `aws_s3_bucket_public_access_block` with `bucket: <bucket>.id` and `block_public_acls`, `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` all `true`",
    check,
};

const FLAGS: [&str; 4] = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/// What one public access block leaves open.
enum Gaps {
    None,
    Open(Vec<String>),
    Unknown(String),
}

fn gaps(block: &Resource, graph: &Graph) -> Gaps {
    let mut open = Vec::new();
    for name in FLAGS {
        match flag(&block.body, name, &AttrPath::root(), graph) {
            Ok(Some(true)) => {}
            Ok(Some(false)) => open.push(format!("`{}` sets `{name}` to false", block.address)),
            Ok(None) => open.push(format!("`{}` does not set `{name}`", block.address)),
            Err(_) => return Gaps::Unknown(format!("`{}.{name}` is only known at run time", block.address)),
        }
    }
    if open.is_empty() {
        Gaps::None
    } else {
        Gaps::Open(open)
    }
}

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let mut undecided = None;
    for account in graph.stack.resources_of_type("aws_s3_account_public_access_block") {
        match gaps(account, graph) {
            Gaps::None => return Outcome::Compliant,
            Gaps::Open(_) => {}
            Gaps::Unknown(why) => {
                undecided.get_or_insert(why);
            }
        }
    }
    let found = configurations(resource, graph, "aws_s3_bucket_public_access_block");
    let mut findings = Vec::new();
    for block in &found.resources {
        match gaps(block, graph) {
            Gaps::None => return Outcome::Compliant,
            Gaps::Open(open) => findings.extend(open.into_iter().map(|d| Finding::at("").with_detail(d))),
            Gaps::Unknown(why) => {
                undecided.get_or_insert(why);
            }
        }
    }
    if let Some(why) = undecided {
        return Outcome::Unknown(Finding::at("").with_detail(why));
    }
    if let Some(maybe) = found.maybe {
        return Outcome::Unknown(Finding::at("").with_detail(format!("the bucket of `{}` is only known at run time", maybe.address)));
    }
    if findings.is_empty() {
        findings.push(Finding::at("").with_detail("no `aws_s3_bucket_public_access_block` refers to the bucket"));
    }
    Outcome::NonCompliant(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn bucket() -> Resource {
        resource("aws_s3_bucket", "assets").set("bucket", "assets")
    }

    fn block(flags: [bool; 4]) -> Resource {
        let mut b = resource("aws_s3_bucket_public_access_block", "assets").set("bucket", reference("aws_s3_bucket", "assets", "id"));
        for (name, on) in FLAGS.into_iter().zip(flags) {
            b = b.set(name, on);
        }
        b
    }

    #[test]
    fn compliant_with_all_four_flags() {
        assert_eq!(eval(&RULE, vec![bucket(), block([true; 4])]), Outcome::Compliant);
    }

    #[test]
    fn compliant_with_an_account_wide_block() {
        let mut account = resource("aws_s3_account_public_access_block", "account");
        for name in FLAGS {
            account = account.set(name, true);
        }
        assert_eq!(eval(&RULE, vec![bucket(), account]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_a_block() {
        assert!(matches!(eval(&RULE, vec![bucket()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_names_the_false_flag() {
        let Outcome::NonCompliant(f) = eval(&RULE, vec![bucket(), block([true, true, true, false])]) else { panic!("expected a finding") };
        assert_eq!(f.len(), 1);
        assert!(f[0].path.is_root());
        let detail = f[0].detail.as_deref().unwrap();
        assert!(detail.contains("aws_s3_bucket_public_access_block.assets") && detail.contains("restrict_public_buckets"), "{detail}");
    }

    #[test]
    fn unknown_when_a_flag_is_a_run_time_value() {
        let b = block([true; 4]).set("block_public_policy", Value::Unknown);
        assert!(matches!(eval(&RULE, vec![bucket(), b]), Outcome::Unknown(_)));
    }

    // A bucket policy shares the `aws_s3_bucket` prefix, is where public access is granted, and no public access block names it.
    #[test]
    fn leaves_bucket_policies_alone() {
        let policy = resource("aws_s3_bucket_policy", "assets")
            .set("bucket", reference("aws_s3_bucket", "assets", "id"))
            .set("policy", r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::assets/*"}}"#);
        assert!(matches!(eval(&RULE, vec![policy.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![policy, bucket(), block([true; 4])]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![bucket()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
