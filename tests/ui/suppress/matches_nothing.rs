//! A suppression on a resource that complies is rejected: it would
//! silently hide a future finding.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _data = resource!(aws_kms_key.data {
            #[suppress("TAP-KMS-001", reason = "the key is destroyed with the stack every night")]
            description: "data",
            enable_key_rotation: true,
        });
    }
}

fn main() {}
