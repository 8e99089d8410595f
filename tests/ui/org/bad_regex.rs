//! A pattern that is not a regular expression.
use tap::prelude::*;

struct S;

#[stack(policy = "org/bad_regex.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
