use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(aws_kms_key.k {
            // A known argument, the wrong kind: checked like a written value.
            #[override_("enable_key_rotation", "yes")]
            // A known argument, a value its descriptor does not accept.
            #[override_("deletion_window_in_days", 3)]
            // Close to a known name: most likely a typo.
            #[override_("enable_key_rotaton", true)]
            // A meta-argument of the wrong kind.
            #[override_("lifecycle.prevent_destroy", "always")]
            description: "k",
            enable_key_rotation: true,
        });
        let _table = resource!(aws_dynamodb_table.items {
            // Inside a nested block: the block's own schema applies.
            #[override_("point_in_time_recovery.0.enabled", "on")]
            // A path that cannot be followed.
            #[override_("name.first", "x")]
            // A path that does not parse.
            #[override_("attribute[*].name", "x")]
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
    }
}

fn main() {}
