use tap::prelude::*;

struct S;

// A misspelt provider prefix is matched against every provider's types.
#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _pw = resource!(randm_password.db { length: 32 });
    }
}

fn main() {}
