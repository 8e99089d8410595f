//! `EncryptedTable`: encrypted with the key it is given, recoverable, and
//! protected from deletion unless asked otherwise.

use tap::prelude::*;
use tap::testing::{json, reference_to, Template};
use tap_aws::table::EncryptedTable;
use tap_aws::Naming;

struct Tables {
    protect: bool,
}

#[stack(name = "tables")]
impl Tables {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let orders = EncryptedTable { deletion_protection: self.protect, ..EncryptedTable::new("orders", Naming::new("shop-", "-qa")) };
        orders.build(&mut stack.scope("orders"), &key);
        EncryptedTable { hash_key: "sku".into(), ..EncryptedTable::new("stock", Naming::default()) }.build(&mut stack.scope("stock"), &key);
    }
}

#[test]
fn a_table_is_encrypted_with_the_given_key_and_has_point_in_time_recovery() {
    let t = Template::of(&Tables { protect: true });
    t.assert_resource_count("aws_dynamodb_table", 2);
    for table in t.resources("aws_dynamodb_table") {
        assert!(
            table.matches(&json!({
                "billing_mode": "PAY_PER_REQUEST",
                "server_side_encryption": [{ "enabled": true, "kms_key_arn": reference_to("aws_kms_key.main.arn") }],
                "point_in_time_recovery": [{ "enabled": true }],
            })),
            "{}: {:?}",
            table.address(),
            table.differences(&json!({}))
        );
    }
}

#[test]
fn names_addresses_and_keys_follow_the_configuration() {
    let t = Template::of(&Tables { protect: true });
    let orders = t.resource("aws_dynamodb_table.orders_table").expect("the instance names the address");
    assert_eq!(orders.get("name"), Some(&json!("shop-orders-qa")));
    assert_eq!(orders.get("deletion_protection_enabled"), Some(&json!(true)));
    t.assert_resource("aws_dynamodb_table", json!({ "name": "stock", "hash_key": "sku", "attribute": [{ "name": "sku", "type": "S" }] }));
}

#[test]
fn deletion_protection_is_on_unless_turned_off() {
    let t = Template::of(&Tables { protect: false });
    t.assert_resource("aws_dynamodb_table", json!({ "name": "shop-orders-qa", "deletion_protection_enabled": false }));
    t.assert_resource("aws_dynamodb_table", json!({ "name": "stock", "deletion_protection_enabled": true }));
}
