//! Types that no loaded schema has: a misspelled one (with a suggestion),
//! a pattern that matches nothing, and the type of a `references` condition.
use tap::prelude::*;

struct S;

#[stack(policy = "org/unknown_type.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
