//! TAP-EC2-002: a subnet with `map_public_ip_on_launch: true`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _public = resource!(aws_subnet.public {
            vpc_id: vpc.id,
            cidr_block: "10.0.0.0/24",
            map_public_ip_on_launch: true,
        });
    }
}

fn main() {}
