use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _a = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _b = resource!(aws_vpc.main { cidr_block: "10.1.0.0/16" });
    }
}

fn main() {}
