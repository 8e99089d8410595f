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
        topic(&mut stack.scope("alerts"), &key);
        topic(&mut stack.scope("alerts"), &key);
    }
}

fn main() {}
