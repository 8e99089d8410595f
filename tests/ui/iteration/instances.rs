//! A resource with `count` is a list of instances and one with
//! `for_each` a map: a reference names one (`[0]`, `["a"]`) or all
//! (`[*]`), the way the resource has them; a single resource has none.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let counted = resource!(aws_subnet.counted {
            #[count(2)]
            vpc_id: vpc.id,
            cidr_block: tf::cidrsubnet("10.0.0.0/16", 8, count.index),
        });
        let keyed = resource!(aws_subnet.keyed {
            #[for_each({ a: "10.0.10.0/24", b: "10.0.11.0/24" })]
            vpc_id: vpc.id,
            cidr_block: each.value,
        });
        output!(one { value: counted.id, description: "no instance named" });
        output!(two { value: keyed[0].id, description: "a number on a map of instances" });
        output!(three { value: counted["a"].id, description: "a key on a list of instances" });
        output!(four { value: vpc[0].id, description: "an instance of a single resource" });
        output!(five { value: keyed["a"].cidr_blok, description: "an attribute the type lacks" });
    }
}

fn main() {}
