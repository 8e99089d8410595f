//! A Rust index (`name[i]`, one resource per value the program knows)
//! and `count` or `for_each` (instances Terraform makes) are two ways to
//! repeat a resource; one resource takes one of them.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        for i in 0..2 {
            resource!(aws_subnet.private[i] {
                #[count(2)]
                vpc_id: vpc.id,
                cidr_block: tf::cidrsubnet("10.0.0.0/16", 8, i),
            });
        }
        resource!(aws_subnet.both {
            #[count(2)]
            #[for_each({ a: "x" })]
            vpc_id: vpc.id,
            cidr_block: "10.0.5.0/24",
        });
    }
}

fn main() {}
