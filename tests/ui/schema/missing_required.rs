use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _rt = resource!(aws_route_table.private { tags: { Name: "private" } });
        let _sg = resource!(aws_security_group_rule.https {
            type: "egress",
            from_port: 443,
            to_port: 443,
            protocol: "tcp",
        });
        let _ = vpc;
    }
}

fn main() {}
