//! Code generic over a handle's type, with the bound `T: ResourceType`:
//! rustc cannot know a generic type's attributes, so such code names them
//! with `attr` (checked at synthesis against the concrete type), and a
//! component's handle parameter of a generic type is referenced inside the
//! DSL as any opaque handle is.
use tap::prelude::*;
use tap::testing::{json, Template};

/// Stores any resource's attribute in a parameter, whatever its type.
#[component]
fn remember<T: ResourceType>(scope: &mut Scope, what: &Handle<T>, attribute: &str) -> Handle<aws_ssm_parameter> {
    let _ = T::TYPE_NAME;
    resource!(aws_ssm_parameter.p { name: scope.name("p"), r#type: "String", value: what.attr(attribute) })
}

/// The same through a struct generic over the handle's type.
struct Held<T> {
    handle: Handle<T>,
}

impl<T: ResourceType> Held<T> {
    fn id(&self) -> Value {
        self.handle.attr("id")
    }
}

struct Site;

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        remember(&mut stack.scope("vpc"), &vpc, "arn");
        remember(&mut stack.scope("key"), &key, "key_id");
        let held = Held { handle: vpc.clone() };
        resource!(aws_ssm_parameter.held { name: "/held", r#type: "String", value: held.id() });
    }
}

fn main() {
    let template = Template::of(&Site);
    template.assert_resource("aws_ssm_parameter", json!({ "name": "vpc-p", "value": "${aws_vpc.main.arn}" }));
    template.assert_resource("aws_ssm_parameter", json!({ "name": "key-p", "value": "${aws_kms_key.main.key_id}" }));
    template.assert_resource("aws_ssm_parameter", json!({ "name": "/held", "value": "${aws_vpc.main.id}" }));
}
