//! `each.value` is typed by the collection's elements: a field the
//! object type lacks is an error, with did-you-mean; so is `each` or
//! `count` in a resource that does not bind it.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        variable!(subnets: map(object({ cidr: string, zone: string })) { description: "subnets by name" });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        resource!(aws_subnet.private {
            #[for_each(var.subnets)]
            vpc_id: vpc.id,
            cidr_block: each.value.cidrr,
            availability_zone: each.value.zone,
        });
        resource!(aws_subnet.single {
            vpc_id: vpc.id,
            cidr_block: "10.0.9.0/24",
            tags: { Name: each.key },
        });
        resource!(aws_subnet.counted {
            #[count(2)]
            vpc_id: vpc.id,
            cidr_block: tf::cidrsubnet("10.0.0.0/16", 8, count.index),
            tags: { Name: each.key },
        });
    }
}

fn main() {}
