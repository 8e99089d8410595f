use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _vpc = resource!(aws_vpc.main {
            #[cout(3)]
            cidr_block: "10.0.0.0/16",
        });
    }
}

fn main() {}
