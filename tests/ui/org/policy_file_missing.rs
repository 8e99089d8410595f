//! A policy path that leads nowhere: one error on the path.
use tap::prelude::*;

struct S;

#[stack(policy = "org/no_such_policy.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
