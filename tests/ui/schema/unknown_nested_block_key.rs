use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.k { enable_key_rotation: true });
        let _t = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key: key.arn }
            point_in_time_recovery { enabled: true }
        });
    }
}

fn main() {}
