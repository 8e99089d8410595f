use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn build_it(&self, stack: &mut Stack) {
        let _vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
    }
}

fn main() {}
