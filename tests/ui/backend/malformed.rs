use tap::prelude::*;

struct Site;

// `backend!` without its arguments' braces.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(local);
    }
}

fn main() {}
