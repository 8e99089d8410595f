use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let subnet = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24" });
        let _sg = resource!(aws_security_group.api { vpc_id: subnet.id });
        let _rt = resource!(aws_route_table_association.a { subnet_id: vpc.id, route_table_id: vpc.default_route_table_id });
    }
}

fn main() {}
