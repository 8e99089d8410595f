use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        // Compliant as written; the override turns rotation off, and the
        // policy reads the body after its overrides.
        resource!(aws_kms_key.k {
            #[override_("enable_key_rotation", false)]
            description: "k",
            enable_key_rotation: true,
        });
    }
}

fn main() {}
