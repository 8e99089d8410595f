//! The address rules of `moved!`, `import!` and `removed!`: `from` is gone
//! from the stack, both ends of a move have one type, an instance key fits
//! the resource, `removed!` takes whole resources, `to` is a handle in scope.
use tap::prelude::*;

struct Site;

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        resource!(aws_vpc.other { cidr_block: "10.1.0.0/16" });
        moved!(from: aws_vpc.other, to: aws_vpc.main);
        moved!(from: aws_subnet.old, to: vpc);
        moved!(from: aws_vpc.old, to: aws_vpc.main[0]);
        import!(to: aws_vpc.main["a"], id: "vpc-0123456789abcdef0");
        removed!(from: aws_vpc.gone[0], destroy: false);
        removed!(from: aws_vpc.other);
        moved!(from: aws_vpc.old, to: not_a_handle);
        moved!(from: data.aws_vpc.old, to: aws_vpc.main);
    }
}

fn main() {}
