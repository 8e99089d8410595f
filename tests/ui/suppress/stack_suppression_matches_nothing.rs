//! A stack-level suppression that matches no finding is rejected.
use tap::prelude::*;

struct S;

#[stack(suppress("TAP-SQS-001", reason = "the queues only ever carry public event IDs"))]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _jobs = resource!(aws_sqs_queue.jobs { name: "jobs", sqs_managed_sse_enabled: true });
    }
}

fn main() {}
