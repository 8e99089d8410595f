use tap::prelude::*;

#[component]
fn topic(scope: &mut Scope, key: &Handle<aws_kms_key>) -> Handle<aws_sns_topic> {
    resource!(aws_sns_topic.topic { name: scope.name("topic"), kms_master_key_id: key.arn })
}

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        #[suppress("TAP-SNS-01", reason = "the topic carries public announcements only")]
        let _a = topic(&mut stack.scope("a"), &key);
        #[suppress("TAP-SNS-001", reason = "ok")]
        let _b = topic(&mut stack.scope("b"), &key);
        #[suppress("TAP-SNS-001", reason = "the topic carries public announcements only")]
        let _c = key.untyped();
    }
}

fn main() {}
