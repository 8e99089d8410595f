use tap::prelude::*;

struct S;

// `provider!` names a provider that has no schema.
#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        provider!(randm {});
    }
}

fn main() {}
