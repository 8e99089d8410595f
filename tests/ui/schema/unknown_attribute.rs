use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _vpc = resource!(aws_vpc.main {
            cidr_blok: "10.0.0.0/16",
            enable_dns_support: true,
        });
    }
}

fn main() {}
