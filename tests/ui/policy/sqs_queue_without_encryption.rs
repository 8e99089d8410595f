//! TAP-SQS-001: a queue with neither `kms_master_key_id` nor
//! `sqs_managed_sse_enabled`, and one with `sqs_managed_sse_enabled: false`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _jobs = resource!(aws_sqs_queue.jobs { name: "jobs" });
        let _retries = resource!(aws_sqs_queue.retries { name: "retries", sqs_managed_sse_enabled: false });
    }
}

fn main() {}
