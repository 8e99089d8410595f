//! A rule reads a value through the local that holds it: the literal `0`
//! (never expire) behind `local.days` fails TAP-LOG-001 at compile time.
use tap::prelude::*;

struct Logs;

#[stack]
impl Logs {
    fn define(&self, stack: &mut Stack) {
        local!(days = 0);
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: local.days, kms_key_id: key.arn });
    }
}

fn main() {}
