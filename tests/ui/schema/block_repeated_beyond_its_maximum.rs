use tap::prelude::*;

struct S;

// `point_in_time_recovery` takes at most one instance; the error points at
// the block's name, where the first instance was written.
#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.k { enable_key_rotation: true });
        let _t = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
            point_in_time_recovery { enabled: false }
        });
    }
}

fn main() {}
