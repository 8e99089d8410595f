//! TAP-KMS-001: a symmetric key without `enable_key_rotation`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _data = resource!(aws_kms_key.data { description: "data" });
    }
}

fn main() {}
