//! TAP-LOG-001: a log group without `retention_in_days`, and one with `0`
//! (never expire).
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.logs { description: "logs", enable_key_rotation: true });
        let _api = resource!(aws_cloudwatch_log_group.api { name: "/aws/lambda/api", kms_key_id: key.arn });
        let _audit = resource!(aws_cloudwatch_log_group.audit {
            name: "/app/audit",
            retention_in_days: 0,
            kms_key_id: key.arn,
        });
    }
}

fn main() {}
