//! The rules check each instance the stack knows: `for_each` over a map
//! written in the stack gives each log group its own retention, and the
//! one whose logs never expire is named by its key.
use tap::prelude::*;

struct Logs;

#[stack]
impl Logs {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.logs { description: "logs", enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.service {
            #[for_each({ api: 365, debug: 0 })]
            name: concat!("/svc/", each.key),
            retention_in_days: each.value,
            kms_key_id: key.arn,
        });
    }
}

fn main() {}
