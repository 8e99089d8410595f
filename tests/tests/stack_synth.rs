//! What the tap-stack synthesis writes as a whole: determinism, the file
//! layout, Terraform 1.0 compatibility, state, provider, outputs, names,
//! escaping, and the function's code asset.

mod stack_support;

use std::collections::BTreeSet;
use std::io::Read as _;

use base64::Engine as _;
use serde_json::Value as J;
use sha2::{Digest, Sha256};
use stack_support::*;
use tap_stack::{Config, NatLayout, StateConfig};

#[test]
fn two_runs_write_byte_identical_files_zip_included() {
    for config in [Config::default(), Config { zones: 3, nat: NatLayout::Single, alarm_email: Some("oncall@example.com".into()), ..Config::default() }] {
        let a = synth(config.clone());
        let b = synth(config);
        let (fa, fb) = (read_tree(&a.dir), read_tree(&b.dir));
        assert_eq!(fa.keys().collect::<Vec<_>>(), ["assets/items.zip", "cdk.tf.json", "policy-report.json", "policy-report.sarif", "versions.tf.json"]);
        for (name, bytes) in &fa {
            assert!(bytes == &fb[name], "{name} differs between two runs");
        }
    }
}

#[test]
fn the_versions_file_holds_only_a_required_version_that_admits_terraform_1_0() {
    let s = default();
    let versions = read_json(&s.dir.join("versions.tf.json"));
    assert_eq!(versions, serde_json::json!({ "terraform": { "required_version": ">= 1.0.0" } }));
    assert!(s.doc["terraform"].get("required_version").is_none(), "cdk.tf.json must not repeat required_version");
}

#[test]
fn nothing_newer_than_terraform_1_0_is_used() {
    let s = default();
    let top: BTreeSet<&str> = s.doc.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, ["//", "data", "output", "provider", "resource", "terraform"].into());
    let terraform: BTreeSet<&str> = s.doc["terraform"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(terraform, ["backend", "required_providers"].into());
    // Functions Terraform 1.0 has; anything else would be a newer one.
    let known = ["jsonencode", "sha1"];
    for (path, text) in s.strings() {
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            let after = &rest[i + 2..];
            let word: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if after[word.len()..].starts_with('(') {
                assert!(known.contains(&word.as_str()), "{path}: function {word}() is not in the list known to Terraform 1.0");
            }
            rest = after;
        }
    }
}

#[test]
fn state_lives_in_an_encrypted_s3_backend_with_a_lock_table() {
    let s = default();
    assert_eq!(
        s.doc["terraform"]["backend"],
        serde_json::json!({ "s3": {
            "bucket": "tap-terraform-state",
            "key": "tap/dev/terraform.tfstate",
            "region": "us-west-2",
            "encrypt": true,
            "dynamodb_table": "tap-terraform-locks",
        } })
    );
    let state = StateConfig { bucket: "acme-state".into(), key: "teams/items/prod.tfstate".into(), lock_table: "acme-locks".into(), lockfile: false, moves: false, region: "eu-west-1".into() };
    let s = synth(Config { state: state.clone(), ..Config::default() });
    let backend = &s.doc["terraform"]["backend"]["s3"];
    assert_eq!((backend["bucket"].as_str(), backend["key"].as_str(), backend["region"].as_str()), (Some("acme-state"), Some("teams/items/prod.tfstate"), Some("eu-west-1")));
    assert_eq!(backend["dynamodb_table"], "acme-locks");
    assert_eq!(backend["encrypt"], true);
}

#[test]
fn the_provider_is_aws_6_25_in_the_region_with_default_tags() {
    let s = synth(Config { environment: "qa".into(), region: "eu-west-1".into(), ..Config::default() });
    assert_eq!(s.doc["terraform"]["required_providers"], serde_json::json!({ "aws": { "source": "hashicorp/aws", "version": "~> 6.25" } }));
    let providers = s.doc["provider"]["aws"].as_array().unwrap();
    assert_eq!(providers.len(), 1);
    assert_eq!(providers[0]["region"], "eu-west-1");
    assert_eq!(
        providers[0]["default_tags"],
        serde_json::json!([{ "tags": { "environment": "qa", "application": "tap-items", "managed-by": "tap", "owner": "platform", "cost-center": "cc-1042" } }])
    );
}

#[test]
fn outputs_are_the_documented_ones_each_with_a_description() {
    let s = default();
    let outputs = s.doc["output"].as_object().unwrap();
    let names: BTreeSet<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(names, ["alarm_topic_arn", "api_authorization", "api_url", "function_name", "private_subnet_ids", "table_name", "vpc_id"].into());
    for (name, o) in outputs {
        assert!(o["description"].as_str().is_some_and(|d| d.len() > 10), "output {name} has no real description");
    }
    assert_eq!(outputs["api_url"]["value"], "${aws_api_gateway_stage.api_stage.invoke_url}");
    assert_eq!(outputs["table_name"]["value"], "${aws_dynamodb_table.items_table.name}");
    assert_eq!(outputs["function_name"]["value"], "${aws_lambda_function.handler_function.function_name}");
    assert_eq!(outputs["vpc_id"]["value"], "${aws_vpc.network_vpc.id}");
    assert_eq!(outputs["alarm_topic_arn"]["value"], "${aws_sns_topic.alarms_topic.arn}");
    let subnets = targets(&outputs["private_subnet_ids"]["value"]);
    assert_eq!(subnets, targets(&block(s.only("aws_lambda_function").1, "vpc_config")["subnet_ids"]));
}

#[test]
fn every_interpolation_is_a_reference_or_a_known_function() {
    // IAM policy variables would be written `$${aws:username}`; an unescaped
    // `${` must start something Terraform can evaluate in this stack.
    let s = synth(Config { alarm_email: Some("oncall@example.com".into()), ..Config::default() });
    let declared: BTreeSet<String> = s
        .doc["resource"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(t, m)| m.as_object().unwrap().keys().map(move |n| format!("{t}.{n}")))
        .chain(s.doc["data"].as_object().unwrap().iter().flat_map(|(t, m)| m.as_object().unwrap().keys().map(move |n| format!("data.{t}.{n}"))))
        .collect();
    let mut checked = 0;
    for (path, text) in s.strings() {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i + 1 < bytes.len() {
            let escaped = i > 0 && (bytes[i - 1] == b'$' || bytes[i - 1] == b'%');
            if (bytes[i] == b'$' || bytes[i] == b'%') && bytes[i + 1] == b'{' && !escaped {
                assert_eq!(bytes[i], b'$', "{path}: template directive `%{{` in {text}");
                let after = &text[i + 2..];
                let word: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || "_.-".contains(*c)).collect();
                let ok = ["jsonencode(", "sha1("].iter().any(|f| after.starts_with(f))
                    || word == "path.module"
                    || declared.iter().any(|d| word.starts_with(&format!("{d}.")));
                assert!(ok, "{path}: `${{{word}` is neither a reference to a declared resource nor a known function, in {text}");
                checked += 1;
            }
            i += 1;
        }
    }
    assert!(checked > 100, "only {checked} interpolations found");
}

#[test]
fn the_function_code_is_the_reproducible_zip_of_the_handler() {
    let s = default();
    let (_, function) = s.only("aws_lambda_function");
    assert_eq!(function["filename"], "${path.module}/assets/items.zip");
    let zip_bytes = std::fs::read(s.dir.join("assets/items.zip")).unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&zip_bytes));
    assert_eq!(function["source_code_hash"], hash.as_str());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    assert_eq!(archive.len(), 1, "only the handler is packaged");
    let mut entry = archive.by_name("handler.py").unwrap();
    let mut content = Vec::new();
    entry.read_to_end(&mut content).unwrap();
    let source = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tap-stack/lambda/items/handler.py")).unwrap();
    assert_eq!(content, source);
}

#[test]
fn the_policy_report_is_written_and_clean() {
    let s = default();
    let report = read_json(&s.dir.join("policy-report.json"));
    assert_eq!(report["failures"], 0);
    // The one exception is the gateway endpoint's principal (organisation policy ORG-POL-001).
    assert_eq!(report["suppressed"], 1);
    assert!(report["findings"]["ORG-POL-001"].is_array(), "{report}");
    assert!(report["evaluated"].as_u64().unwrap() >= 30);
    assert_eq!(s.doc["//"]["tap"]["packs"], serde_json::json!(["security"]));
}

#[test]
fn every_aws_name_ends_with_the_environment_so_environments_can_share_an_account() {
    let names = |env: &str| -> BTreeSet<String> {
        let s = synth(Config { environment: env.into(), state: StateConfig { key: format!("tap/{env}/terraform.tfstate"), ..Config::default().state }, ..Config::default() });
        assert_eq!(s.dir.file_name().unwrap(), format!("tap-items-{env}").as_str());
        let mut out = BTreeSet::new();
        for (type_name, resources) in s.doc["resource"].as_object().unwrap() {
            for (name, body) in resources.as_object().unwrap() {
                for key in ["name", "function_name", "alarm_name", "dashboard_name"] {
                    let Some(J::String(value)) = body.get(key) else { continue };
                    if parse_ref(value).is_some() {
                        continue; // the name of another resource, checked there
                    }
                    // Names scoped inside this stack's own API or role.
                    if ["aws_api_gateway_model", "aws_api_gateway_request_validator", "aws_iam_role_policy"].contains(&type_name.as_str()) {
                        continue;
                    }
                    if type_name == "aws_cloudwatch_log_group" && name == "api_execution" {
                        assert!(value.contains("${aws_api_gateway_rest_api.items.id}"), "named after this stack's API");
                        continue;
                    }
                    let suffixed = value.ends_with(&format!("-{env}")) || value.contains(&format!("-{env}/"));
                    assert!(suffixed, "{type_name}.{name}.{key} = {value} does not carry the environment");
                    out.insert(value.clone());
                }
                if let Some(J::String(tag)) = body.get("tags").and_then(|t| t.get("Name")) {
                    assert!(tag.contains(&format!("-{env}")), "{type_name}.{name} Name tag {tag}");
                }
            }
        }
        out
    };
    let dev = names("dev");
    let prod = names("prod");
    assert!(dev.len() > 15);
    assert!(dev.is_disjoint(&prod), "dev and prod share names: {:?}", dev.intersection(&prod).collect::<Vec<_>>());
}
