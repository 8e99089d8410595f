//! An encrypted DynamoDB table.
//!
//! Secure defaults: server-side encryption with the customer managed key it
//! is given, point-in-time recovery, deletion protection, on-demand
//! capacity (nothing to size, nothing throttled by a provisioned limit).
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::table::EncryptedTable;
//! use tap_aws::Naming;
//!
//! pub struct Data;
//!
//! #[stack(name = "data")]
//! impl Data {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         let orders = EncryptedTable::new("orders", Naming::new("shop-", "-prod")).build(&mut stack.scope("orders"), &key);
//!         output!(orders_table { value: orders.name, description: "the orders table" });
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Data.build()).unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
//! let table = &json["resource"]["aws_dynamodb_table"]["orders_table"];
//! assert_eq!(table["name"], "shop-orders-prod");
//! assert_eq!(table["point_in_time_recovery"][0]["enabled"], true);
//! ```

use tap::prelude::*;

use crate::Naming;

/// A table keyed by one string attribute.
#[derive(Clone, Debug)]
pub struct EncryptedTable {
    /// The table's name before [`Naming`] (`orders` gives `shop-orders-prod`).
    pub name: String,
    /// How [`EncryptedTable::name`] becomes the table's name in AWS.
    pub naming: Naming,
    /// The partition key, of type string.
    pub hash_key: String,
    /// On unless the environment is disposable.
    pub deletion_protection: bool,
}

impl EncryptedTable {
    /// A table keyed by `id`, with deletion protection.
    pub fn new(name: &str, naming: Naming) -> Self {
        EncryptedTable { name: name.to_owned(), naming, hash_key: "id".into(), deletion_protection: true }
    }
}

#[component]
impl EncryptedTable {
    /// Declares `aws_dynamodb_table.<instance>_table`, encrypted with `key`.
    pub fn build(&self, scope: &mut Scope, key: &Handle<aws_kms_key>) -> Handle<aws_dynamodb_table> {
        resource!(aws_dynamodb_table.table {
            name: self.naming.name(&self.name),
            billing_mode: "PAY_PER_REQUEST",
            hash_key: self.hash_key.clone(),
            attribute { name: self.hash_key.clone(), type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
            deletion_protection_enabled: self.deletion_protection,
        })
    }
}
