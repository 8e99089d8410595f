//! A literal argument of a kind Terraform cannot convert to its parameter's
//! is an error on that argument, naming the parameter. Literals Terraform
//! converts (a numeric string where a number goes, a number where a string
//! goes) pass, and so do references and calls, known only when Terraform runs.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _a = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: tf::cidrsubnet("10.0.0.0/16", "eight", 1) });
        let _b = resource!(aws_subnet.b { vpc_id: vpc.id, cidr_block: tf::cidrsubnet(vpc.cidr_block, "8", tf::length(vpc.id)) });
        output!(joined { value: tf::join(", ", "a"), description: "a string where a list goes" });
        output!(keys { value: tf::keys(["a", "b"]), description: "a list where a map goes" });
        output!(upper { value: tf::upper(12), description: "a number converts to a string" });
    }
}

fn main() {}
