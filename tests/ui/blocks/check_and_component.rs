//! A check needs an assertion and names its settings; the blocks belong to
//! the stack, not to a component.
use tap::prelude::*;

#[component]
fn orders(scope: &mut Scope) -> Handle<aws_vpc> {
    moved!(from: aws_vpc.old, to: aws_vpc.table);
    resource!(aws_vpc.table { cidr_block: "10.0.0.0/16" })
}

struct Site;

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let _orders = orders(&mut stack.scope("orders"));
        check!(empty {});
        check!(typo { assert { condition: true, message: "no" } });
        removed!(from: aws_vpc.gone, destroy: false, keep: true);
    }
}

fn main() {}
