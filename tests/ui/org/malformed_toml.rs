//! A policy file that is not TOML: one error with the line.
use tap::prelude::*;

struct S;

#[stack(policy = "org/malformed_toml.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
