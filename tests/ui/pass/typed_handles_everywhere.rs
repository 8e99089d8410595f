//! References through handles the macro does not see declared: a handle a
//! function returned, one in a struct's field, a `Vec`'s element, an
//! `Option`'s content, and a nested block's attribute through one. Each is
//! checked by rustc against the handle's type, and becomes the reference
//! Terraform expects.
use tap::prelude::*;
use tap::testing::{json, Template};

#[component]
fn table(scope: &mut Scope) -> Handle<aws_dynamodb_table> {
    resource!(aws_dynamodb_table.table {
        name: scope.name("table"),
        billing_mode: "PAY_PER_REQUEST",
        hash_key: "id",
        attribute { name: "id", r#type: "S" }
        point_in_time_recovery { enabled: true }
        server_side_encryption { enabled: true }
    })
}

struct Network {
    vpc: Handle<aws_vpc>,
    private_subnets: Vec<Handle<aws_subnet>>,
}

#[component]
fn network(scope: &mut Scope) -> Network {
    let vpc = resource!(aws_vpc.vpc { cidr_block: "10.0.0.0/16" });
    let subnet = resource!(aws_subnet.private { vpc_id: vpc.id, cidr_block: "10.0.1.0/24" });
    let _ = scope.name("network");
    Network { vpc, private_subnets: vec![subnet] }
}

struct Orders {
    encrypt: bool,
    prefix: &'static str,
}

#[stack]
impl Orders {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let orders = table(&mut stack.scope("orders"));
        let network = network(&mut stack.scope("network"));
        let one = 0;
        resource!(aws_ssm_parameter.table_arn { name: "/orders/table_arn", r#type: "String", value: orders.arn });
        resource!(aws_ssm_parameter.vpc { name: "/orders/vpc", r#type: "String", value: network.vpc.id });
        resource!(aws_ssm_parameter.subnet { name: "/orders/subnet", r#type: "String", value: network.private_subnets[one].arn });
        resource!(aws_ssm_parameter.pitr { name: "/orders/pitr", r#type: "String", value: orders.point_in_time_recovery[0].enabled });
        // A plain Rust value on the same path shape stays a Rust value.
        resource!(aws_ssm_parameter.prefix { name: "/orders/prefix", r#type: "String", value: self.prefix });
        let key = if self.encrypt { Some(resource!(aws_kms_key.orders { enable_key_rotation: true })) } else { None };
        if let Some(key) = &key {
            resource!(aws_ssm_parameter.key { name: "/orders/key", r#type: "String", value: key.key_id });
        }
    }
}

fn main() {
    let template = Template::synth_allowing_findings(&Orders { encrypt: true, prefix: "orders-" }).unwrap();
    for (name, expected) in [
        ("table_arn", "${aws_dynamodb_table.orders_table.arn}"),
        ("vpc", "${aws_vpc.network_vpc.id}"),
        ("subnet", "${aws_subnet.network_private.arn}"),
        ("pitr", "${aws_dynamodb_table.orders_table.point_in_time_recovery[0].enabled}"),
        ("prefix", "orders-"),
        ("key", "${aws_kms_key.orders.key_id}"),
    ] {
        template.assert_resource("aws_ssm_parameter", json!({ "name": format!("/orders/{name}"), "value": expected }));
    }
}
