//! A suppression of a rule the organisation policy marks unsuppressible
//! is an error that names the file forbidding it, on the stack and on a
//! resource.
use tap::prelude::*;

struct S;

#[stack(
    policy = "org/suppress_unsuppressible.toml",
    suppress("TAP-S3-002", reason = "the site bucket is public behind the CDN")
)]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        let _scratch = resource!(aws_cloudwatch_log_group.scratch {
            #[suppress("ORG-LOG-001", reason = "scratch logs are worthless after a week")]
            name: "/scratch",
            retention_in_days: 7,
            kms_key_id: key.arn,
        });
    }
}

fn main() {}
