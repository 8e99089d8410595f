//! TAP-DDB-001: a table without `server_side_encryption`, and one with
//! `enabled: false`.
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
            point_in_time_recovery { enabled: true }
        });
        let _orders = resource!(aws_dynamodb_table.orders {
            name: "orders",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: false }
            point_in_time_recovery { enabled: true }
        });
    }
}

fn main() {}
