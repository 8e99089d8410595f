//! An absolute policy path would tie the build to one checkout.
use tap::prelude::*;

struct S;

#[stack(policy = "/etc/tap/org-policy.toml")]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _key = resource!(aws_kms_key.data { enable_key_rotation: true });
    }
}

fn main() {}
