//! Overrides that compile: a meta-argument with a reference, a deep path
//! into a nested block, a whole block instance, a raw expression, a name
//! the embedded schema does not have (accepted, listed as unchecked), a
//! near name taken as meant, and a removal; then what synthesis lists.

use tap::prelude::*;
use tap::synth;

struct S;

#[stack(name = "overrides")]
impl S {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(aws_kms_key.k {
            #[override_("lifecycle.prevent_destroy", true)]
            #[override_("tags.Team", Value::raw("upper(\"storage\")"))]
            description: "k",
            enable_key_rotation: true,
        });
        let _table = resource!(aws_dynamodb_table.items {
            #[override_("lifecycle.replace_triggered_by", [key.arn])]
            #[override_("point_in_time_recovery[0].enabled", true)]
            #[override_("attribute.1", { name: "sk", type: "S" })]
            #[override_("range_key", "sk")]
            #[override_("argument_from_a_newer_provider", 1)]
            #[override_unchecked("table_clas", "STANDARD")]
            #[override_remove("deletion_protection_enabled")]
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            deletion_protection_enabled: true,
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: false }
        });
    }
}

fn main() {
    let out = synth::synthesize(&S.build()).unwrap_or_else(|e| panic!("{e}"));
    let unchecked: Vec<String> = out.overrides.iter().filter(|o| !o.checked).map(|o| o.path.clone()).collect();
    assert_eq!(unchecked, ["argument_from_a_newer_provider", "table_clas"]);
    assert_eq!(out.overrides.len(), 9);
}
