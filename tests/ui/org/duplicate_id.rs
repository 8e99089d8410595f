//! Two rules with one ID: the second definition names the first.
use tap::prelude::*;

struct S;

#[stack(policy = "org/duplicate_id.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
