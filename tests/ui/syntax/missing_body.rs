use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _vpc = resource!(aws_vpc.main);
    }
}

fn main() {}
