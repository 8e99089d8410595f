//! A stack that mixes providers: AWS with random, archive and tls, all
//! checked at compile time against their embedded schemas. What synthesis
//! writes for them: `required_providers` for every provider used (declared
//! or only implied by a resource), the provider blocks, and references
//! that cross from one provider's resource to another's.

use serde_json::{json, Value as J};
use tap::prelude::*;
use tap::synth::synthesize;

struct Mixed;

#[stack(name = "mixed")]
impl Mixed {
    fn define(&self, stack: &mut Stack) {
        provider!(aws { region: "us-west-2", default_tags { tags: { team: "platform" } } });
        provider!(aws.east { region: "us-east-1" });
        provider!(random {});
        let password = resource!(random_password.db { length: 32, special: true });
        let key = resource!(aws_kms_key.params { description: "parameter key", enable_key_rotation: true });
        let _secret = resource!(aws_ssm_parameter.db_password {
            name: "/mixed/db/password",
            type: "SecureString",
            value: password.result,
            key_id: key.arn,
        });
        let bundle = data!(archive_file.handler {
            type: "zip",
            output_path: "handler.zip",
            source_content: "def handler(event, context):\n    return 1\n",
            source_content_filename: "handler.py",
        });
        let tls = resource!(tls_private_key.deploy { algorithm: "ED25519" });
        let _pair = resource!(aws_key_pair.deploy { #[provider(east)] key_name: "deploy", public_key: tls.public_key_openssh });
        output!(bundle_hash { value: bundle.output_base64sha256, description: "the handler bundle's hash" });
    }
}

fn document() -> J {
    let out = synthesize(&Mixed.build()).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap()
}

#[test]
fn required_providers_name_every_provider_the_stack_uses() {
    let doc = document();
    assert_eq!(
        doc["terraform"]["required_providers"],
        json!({
            "archive": { "source": "hashicorp/archive", "version": "~> 2.7" },
            "aws": { "source": "hashicorp/aws", "version": "~> 6.25" },
            "random": { "source": "hashicorp/random", "version": "~> 3.7" },
            "tls": { "source": "hashicorp/tls", "version": "~> 4.1" },
        })
    );
}

#[test]
fn provider_blocks_are_written_as_configured() {
    let doc = document();
    assert_eq!(
        doc["provider"]["aws"],
        json!([
            { "region": "us-west-2", "default_tags": [{ "tags": { "team": "platform" } }] },
            { "alias": "east", "region": "us-east-1" },
        ])
    );
    assert_eq!(doc["provider"]["random"], json!([{}]));
    assert!(doc["provider"].get("tls").is_none() && doc["provider"].get("archive").is_none(), "implied providers get no block");
}

#[test]
fn references_cross_providers() {
    let doc = document();
    let parameter = &doc["resource"]["aws_ssm_parameter"]["db_password"];
    assert_eq!(parameter["value"], "${random_password.db.result}");
    let pair = &doc["resource"]["aws_key_pair"]["deploy"];
    assert_eq!(pair["public_key"], "${tls_private_key.deploy.public_key_openssh}");
    assert_eq!(pair["provider"], "aws.east");
    assert_eq!(doc["output"]["bundle_hash"]["value"], "${data.archive_file.handler.output_base64sha256}");
    assert_eq!(doc["data"]["archive_file"]["handler"]["type"], "zip");
}
