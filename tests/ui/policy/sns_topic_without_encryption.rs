//! TAP-SNS-001: a topic without `kms_master_key_id`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _events = resource!(aws_sns_topic.events { name: "events" });
    }
}

fn main() {}
