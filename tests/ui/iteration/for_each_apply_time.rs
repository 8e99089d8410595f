//! Terraform must know `for_each`'s keys and `count` when it plans:
//! iterating over IDs that exist only after apply is its "Invalid
//! for_each argument", refused here at build time. A list, which has no
//! keys, and a string are refused too.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        variable!(names: list(string) { description: "subnet names" });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let private = resource!(aws_subnet.private {
            #[count(2)]
            vpc_id: vpc.id,
            cidr_block: tf::cidrsubnet("10.0.0.0/16", 8, count.index),
        });
        resource!(aws_route_table.by_subnet {
            #[for_each(tf::toset(private[*].id))]
            vpc_id: vpc.id,
        });
        resource!(aws_route_table.per_vpc {
            #[count(tf::length(tf::split(",", vpc.arn)))]
            vpc_id: vpc.id,
        });
        resource!(aws_route_table.by_name {
            #[for_each(var.names)]
            vpc_id: vpc.id,
        });
        resource!(aws_route_table.by_text {
            #[count("two")]
            vpc_id: vpc.id,
        });
        local!(keyed = { a: vpc.id });
        // A map's keys are written out: its values may be known only after apply.
        resource!(aws_route_table.by_key {
            #[for_each(local.keyed)]
            vpc_id: each.value,
        });
    }
}

fn main() {}
