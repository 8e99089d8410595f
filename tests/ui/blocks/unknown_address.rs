//! `moved!` and `import!` to an address the stack does not declare: each
//! names the address and suggests the one meant.
use tap::prelude::*;

struct Site;

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        moved!(from: aws_vpc.old, to: aws_vpc.mian);
        import!(to: aws_vpc.maine, id: "vpc-0123456789abcdef0");
        import!(to: aws_subnet.nowhere, id: "subnet-1");
    }
}

fn main() {}
