//! TAP-LOG-002: a log group without `kms_key_id`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _api = resource!(aws_cloudwatch_log_group.api { name: "/aws/lambda/api", retention_in_days: 30 });
    }
}

fn main() {}
