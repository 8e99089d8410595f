//! A Terraform function call is checked against Terraform's built-in
//! functions: a misspelled name (with a suggestion) and a wrong number of
//! arguments are errors on the function's token, not a failed `terraform plan`.
use tap::prelude::*;

struct Net;

#[stack]
impl Net {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _a = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: tf::cidrsubnett(vpc.cidr_block, 8, 1) });
        let _b = resource!(aws_subnet.b { vpc_id: vpc.id, cidr_block: tf::cidrsubnet(vpc.cidr_block, 8) });
        output!(when { value: tf::timestamp(1), description: "too many arguments" });
    }
}

fn main() {}
