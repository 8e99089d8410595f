//! A stack-wide suppression with a trivial reason is one error, on the
//! reason; the finding it meant to suppress is not reported a second time.
use tap::prelude::*;

struct S;

#[stack(suppress("TAP-SNS-001", reason = "ok"))]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _topic = resource!(aws_sns_topic.events { name: "events" });
    }
}

fn main() {}
