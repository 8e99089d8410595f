//! A reference into a variable is checked against its type, and the type
//! against the argument it goes to.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        variable!(subnets: map(object({ cidr: string, public: optional(bool, false) })) { description: "subnets by name" });
        variable!(cidrs: list(string) { description: "CIDR blocks" });
        let vpc = resource!(aws_vpc.main { cidr_block: var.cidrs });
        resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: var.subnets["a"].cdir });
        output!(sum { value: var.cidrs[0] + "x", description: "arithmetic on a string" });
    }
}

fn main() {}
