//! Provider-defined functions (Terraform 1.8): `tf::provider::aws::...`
//! renders `provider::aws::...(...)`, the stack requires Terraform 1.8, and
//! `aws` is in `required_providers` although no resource of `aws` is.
use tap::prelude::*;
use tap::synth::synthesize;

struct Functions;

#[stack]
impl Functions {
    fn define(&self, stack: &mut Stack) {
        let pet = resource!(random_pet.team { length: 2 });
        output!(role {
            value: tf::provider::aws::trim_iam_role_path("arn:aws:iam::123456789012:role/team/deploy"),
            description: "the role's ARN without its path",
        });
        output!(built {
            value: tf::provider::aws::arn_build("aws", "iam", "", "123456789012", concat!("role/", pet.id)),
            description: "an ARN from its parts, one of them a reference",
        });
        // A numeric string where a number goes: Terraform converts it.
        output!(started { value: tf::provider::time::unix_timestamp_parse("1700000000"), description: "a timestamp's parts" });
    }
}

fn main() {
    let out = synthesize(&Functions.build()).unwrap_or_else(|e| panic!("{e}"));
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    assert_eq!(doc["output"]["role"]["value"], "${provider::aws::trim_iam_role_path(\"arn:aws:iam::123456789012:role/team/deploy\")}");
    assert_eq!(doc["output"]["built"]["value"], "${provider::aws::arn_build(\"aws\", \"iam\", \"\", \"123456789012\", \"role/${random_pet.team.id}\")}");
    assert_eq!(doc["output"]["started"]["value"], "${provider::time::unix_timestamp_parse(\"1700000000\")}");
    let required = &doc["terraform"]["required_providers"];
    assert_eq!(required["aws"], serde_json::json!({ "source": "hashicorp/aws", "version": "~> 6.25" }));
    assert_eq!(required["time"], serde_json::json!({ "source": "hashicorp/time", "version": "~> 0.13" }));
    assert_eq!(required["random"]["source"], "hashicorp/random");
    let versions: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.8.0");
}
