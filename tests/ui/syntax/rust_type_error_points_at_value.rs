//! A run-time value of a type tap cannot turn into a Terraform value: rustc's
//! error lands on the user's expression, not inside generated code.
use tap::prelude::*;

struct Config {
    cidr: std::net::Ipv4Addr,
}

#[stack]
impl Config {
    fn define(&self, stack: &mut Stack) {
        let _vpc = resource!(aws_vpc.main { cidr_block: self.cidr });
    }
}

fn main() {}
