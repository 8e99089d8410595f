//! `unsuppressible` names rules that do not exist.
use tap::prelude::*;

struct S;

#[stack(policy = "org/unknown_unsuppressible_rule.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
