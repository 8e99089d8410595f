//! count, for_each, instance references and dynamic blocks, as a user writes them.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        variable!(subnets: map(object({ cidr: string })) { description: "subnets by name", default: { a: { cidr: "10.0.1.0/24" } } });
        let zones = data!(aws_availability_zones.available { state: "available" });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let private = resource!(aws_subnet.private {
            #[for_each(var.subnets)]
            vpc_id: vpc.id,
            cidr_block: each.value.cidr,
            tags: { Name: each.key },
        });
        let public = resource!(aws_subnet.public {
            #[count(tf::length(zones.names))]
            vpc_id: vpc.id,
            cidr_block: tf::cidrsubnet(vpc.cidr_block, 8, count.index + 10),
            availability_zone: zones.names[count.index],
        });
        resource!(aws_route_table.private {
            #[for_each(private)]
            vpc_id: each.value.vpc_id,
        });
        for i in 0..2_u32 {
            output!(first { value: public[i].id, description: "a Rust index into the instances" });
        }
        output!(ids { value: public[*].id, description: "every public subnet" });
        output!(by_name { value: private[*].id, description: "every private subnet" });
        output!(a { value: private["a"].arn, description: "one private subnet" });
    }
}

fn main() {}
