//! A stack with an override of each kind, shared by the override tests
//! (`tests/tests/overrides.rs`) and the `override-stack` binary, whose
//! output `scripts/validate-stacks.py` runs `terraform validate` on.

use tap::prelude::*;

/// One of each kind: a meta-argument, a deep path into a nested block, an
/// argument the embedded schema does not have, a removal, a raw
/// expression, a data source argument and a provider argument.
pub struct Overridden;

#[stack(name = "overridden")]
impl Overridden {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1").override_at("max_retries", 5));
        let key = resource!(aws_kms_key.data { description: "table key", enable_key_rotation: true });
        let table = resource!(aws_dynamodb_table.items {
            #[override_("lifecycle.replace_triggered_by", [key.id])]
            #[override_("attribute.1", { name: "sk", type: "S" })]
            #[override_("range_key", "sk")]
            #[override_("point_in_time_recovery[0].enabled", true)]
            #[override_("brand_new_argument", "as the provider documents it")]
            #[override_remove("table_class")]
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            table_class: "STANDARD",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: false }
        });
        let _zones = data!(aws_availability_zones.available {
            #[override_("state", "available")]
        });
        stack.override_at(&key, "lifecycle.prevent_destroy", true);
        stack.override_at(&key, "tags.Team", Value::raw("upper(\"storage\")"));
        stack.remove_at(&table, "brand_new_argument");
        output!(table_name { value: table.name, description: "the table's name" });
    }
}
