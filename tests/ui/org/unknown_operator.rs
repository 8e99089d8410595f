//! An operator the policy language does not have: one error on the
//! attribute, naming the file, the line, the field and the operators.
use tap::prelude::*;

struct S;

#[stack(policy = "org/unknown_operator.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
