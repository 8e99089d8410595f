//! `moved!`, `import!`, `removed!` and `check!` as a stack adopting
//! resources uses them: from a Rust loop's names, into a component
//! instance (by address and by handle), with `for_each`, a check with a
//! scoped data source; blocks may come before the resources they name.
use tap::prelude::*;

#[component]
fn orders(scope: &mut Scope) -> Handle<aws_subnet> {
    resource!(aws_subnet.table { vpc_id: "vpc-0123456789abcdef0", cidr_block: "10.0.9.0/24" })
}

struct Site;

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        variable!(vpcs: map(string) { default: { a: "vpc-a" }, description: "VPCs to adopt" });
        moved!(from: aws_vpc.old, to: aws_vpc.main);
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        for i in 0..2 {
            resource!(aws_subnet.private[i] { vpc_id: vpc.id, cidr_block: format!("10.0.{i}.0/24") });
        }
        moved!(from: aws_subnet.legacy, to: aws_subnet.private_1);
        let table: Handle<aws_subnet> = orders(&mut stack.scope("orders"));
        moved!(from: aws_subnet.table, to: table);
        moved!(from: aws_subnet.orders, to: aws_subnet.orders_table);
        import!(to: aws_vpc.main, id: "vpc-0123456789abcdef0");
        import!(#[for_each(var.vpcs)] to: aws_vpc.main, id: each.value);
        removed!(from: aws_instance.legacy, destroy: false);
        check!(health {
            let current = data!(aws_vpc.current { id: vpc.id });
            assert { condition: current.enable_dns_support, error_message: "no DNS" }
        });
    }
}

fn main() {
    let stack = Site.build();
    assert_eq!(stack.moved.len(), 4);
    assert_eq!(stack.imports.len(), 2);
    assert_eq!(stack.checks[0].data.len(), 1);
}
