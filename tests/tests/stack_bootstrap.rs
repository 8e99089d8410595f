//! `tap-stack/bootstrap/`: the Terraform that creates the state bucket and
//! lock table the stack's S3 backend expects. Encrypted, versioned, private,
//! TLS only, and its defaults are the stack's defaults.

mod stack_support;

use serde_json::Value as J;
use stack_support::*;

fn bootstrap(file: &str) -> J {
    read_json(std::path::Path::new(&format!("{}/../tap-stack/bootstrap/{file}", env!("CARGO_MANIFEST_DIR"))))
}

#[test]
fn it_admits_terraform_1_0_and_pins_the_same_provider() {
    let versions = bootstrap("versions.tf.json");
    assert_eq!(versions["terraform"]["required_version"], ">= 1.0.0");
    assert_eq!(versions["terraform"]["required_providers"]["aws"]["version"], "~> 6.25");
    assert!(versions["terraform"].get("backend").is_none(), "the bootstrap keeps local state: the bucket does not exist yet");
}

#[test]
fn its_defaults_are_the_stacks_defaults() {
    let main = bootstrap("main.tf.json");
    let state = tap_stack::Config::default().state;
    assert_eq!(main["variable"]["state_bucket"]["default"], state.bucket.as_str());
    assert_eq!(main["variable"]["lock_table"]["default"], state.lock_table.as_str());
    assert_eq!(main["variable"]["region"]["default"], state.region.as_str());
}

#[test]
fn the_bucket_is_versioned_encrypted_private_and_tls_only() {
    let main = bootstrap("main.tf.json");
    let r = &main["resource"];
    let bucket = "${aws_s3_bucket.state.id}";
    assert_eq!(r["aws_s3_bucket"]["state"]["lifecycle"]["prevent_destroy"], true);
    let versioning = &r["aws_s3_bucket_versioning"]["state"];
    assert_eq!(versioning["bucket"], bucket);
    assert_eq!(block(versioning, "versioning_configuration")["status"], "Enabled");
    let sse = &r["aws_s3_bucket_server_side_encryption_configuration"]["state"];
    assert_eq!(sse["bucket"], bucket);
    assert!(block(block(sse, "rule"), "apply_server_side_encryption_by_default")["sse_algorithm"].as_str().is_some());
    let pab = &r["aws_s3_bucket_public_access_block"]["state"];
    assert_eq!(pab["bucket"], bucket);
    for flag in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] {
        assert_eq!(pab[flag], true, "{flag}");
    }
    assert_eq!(block(&r["aws_s3_bucket_ownership_controls"]["state"], "rule")["object_ownership"], "BucketOwnerEnforced");
    let policy = &r["aws_s3_bucket_policy"]["state"];
    let st = statements(&policy["policy"]);
    assert_eq!(st.len(), 1);
    assert_eq!(st[0]["Effect"], "Deny");
    assert_eq!(st[0]["Condition"]["Bool"]["aws:SecureTransport"], "false");
}

#[test]
fn the_lock_table_has_the_key_terraform_expects_and_is_protected() {
    let main = bootstrap("main.tf.json");
    let table = &main["resource"]["aws_dynamodb_table"]["locks"];
    assert_eq!(table["hash_key"], "LockID");
    assert_eq!(table["attribute"], serde_json::json!([{ "name": "LockID", "type": "S" }]));
    assert_eq!(table["billing_mode"], "PAY_PER_REQUEST");
    assert_eq!(block(table, "server_side_encryption")["enabled"], true);
    assert_eq!(block(table, "point_in_time_recovery")["enabled"], true);
    assert_eq!(table["deletion_protection_enabled"], true);
}
