//! A handle's attributes are checked by rustc wherever the handle comes
//! from, not only where the macro sees it declared: a handle a function
//! returned, one in a struct's field, a `Vec`'s element and an `Option`'s
//! content. Each misspelling is an error on its token that names the
//! handle's type and suggests the attribute.
use tap::prelude::*;

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

/// Handles in a struct's fields, as components return them.
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
    key: Option<Handle<aws_kms_key>>,
}

#[stack]
impl Orders {
    fn define(&self, stack: &mut Stack) {
        let orders = table(&mut stack.scope("orders"));
        let network = network(&mut stack.scope("network"));
        resource!(aws_ssm_parameter.table_arn { name: "/orders/table", r#type: "String", value: orders.arnn });
        resource!(aws_security_group.sg { name: "orders", description: "orders", vpc_id: network.vpc.idd });
        resource!(aws_ssm_parameter.subnet { name: "/orders/subnet", r#type: "String", value: network.private_subnets[0].arnn });
        if let Some(key) = &self.key {
            resource!(aws_ssm_parameter.key { name: "/orders/key", r#type: "String", value: key.key_idd });
        }
    }
}

fn main() {}
