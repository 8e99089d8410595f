//! TAP-DDB-002: an encrypted table without `point_in_time_recovery`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _items = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true }
        });
    }
}

fn main() {}
