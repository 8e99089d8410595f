//! The escape hatch: overrides by path, in the DSL (`#[override_]`) and in
//! Rust (`Stack::override_at`, `Provider::override_at`). What they render,
//! that the schema still checks them where it knows the path, that the
//! policy sees the overridden body, and that the summaries list each one.

use tap::graph::Change;
use tap::prelude::*;
use tap::synth::{policy_summary, synthesize, SynthError};
use tap::validate::ValidationError;

#[path = "../src/override_stack.rs"]
mod override_stack;

use override_stack::Overridden;

fn config(out: &tap::synth::Synthesized) -> serde_json::Value {
    serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap()
}

#[test]
fn overrides_render_in_place_and_the_summary_lists_every_one() {
    let out = synthesize(&Overridden.build()).unwrap_or_else(|e| panic!("{e}"));
    let json = config(&out);
    let table = &json["resource"]["aws_dynamodb_table"]["items"];
    assert_eq!(table["lifecycle"]["replace_triggered_by"], serde_json::json!(["aws_kms_key.data.id"]), "a bare reference, as Terraform reads it there");
    assert_eq!(table["attribute"], serde_json::json!([{ "name": "id", "type": "S" }, { "name": "sk", "type": "S" }]));
    assert_eq!(table["range_key"], "sk");
    assert_eq!(table["point_in_time_recovery"], serde_json::json!([{ "enabled": true }]));
    assert!(table.get("table_class").is_none(), "removed: {table}");
    assert!(table.get("brand_new_argument").is_none(), "set, then removed in Rust: {table}");
    let key = &json["resource"]["aws_kms_key"]["data"];
    assert_eq!(key["lifecycle"], serde_json::json!({ "prevent_destroy": true }));
    assert_eq!(key["tags"], serde_json::json!({ "Team": "${upper(\"storage\")}" }));
    assert_eq!(json["provider"]["aws"][0]["max_retries"], 5);
    assert_eq!(json["data"]["aws_availability_zones"]["available"], serde_json::json!({ "state": "available" }));

    // The header lists each one, checked or not, in declaration order.
    let listed: Vec<String> = json["//"]["tap"]["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| format!("{} {} {} {}", o["at"].as_str().unwrap(), o["change"].as_str().unwrap(), o["path"].as_str().unwrap(), o["checked"]))
        .collect();
    assert_eq!(
        listed,
        [
            "provider.aws set max_retries true",
            "aws_kms_key.data set lifecycle.prevent_destroy true",
            "aws_kms_key.data set tags.Team true",
            "aws_dynamodb_table.items set lifecycle.replace_triggered_by true",
            "aws_dynamodb_table.items set attribute.1 true",
            "aws_dynamodb_table.items set range_key true",
            "aws_dynamodb_table.items set point_in_time_recovery[0].enabled true",
            "aws_dynamodb_table.items set brand_new_argument false",
            "aws_dynamodb_table.items remove table_class true",
            "aws_dynamodb_table.items remove brand_new_argument false",
            "data.aws_availability_zones.available set state true",
        ]
    );
    let summary = policy_summary(&out, std::path::Path::new("out"));
    assert!(summary.contains("overrides: 11 (2 unchecked)\n"), "{summary}");
    assert!(summary.contains("  override aws_dynamodb_table.items: set brand_new_argument (UNCHECKED: the schema has no `brand_new_argument`)\n"), "{summary}");
    assert!(summary.contains("  override aws_kms_key.data: set lifecycle.prevent_destroy (checked: a meta-argument tap knows)\n"), "{summary}");
}

/// A stack with one override set in Rust, to see what validation and the
/// policy make of it.
struct OneOverride {
    path: &'static str,
    value: Option<Value>,
    unchecked: bool,
}

#[stack(name = "one-override")]
impl OneOverride {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(aws_kms_key.data { description: "table key", enable_key_rotation: true });
        match (&self.value, self.unchecked) {
            (Some(v), false) => stack.override_at(&key, self.path, v.clone()),
            (Some(v), true) => stack.override_unchecked(&key, self.path, v.clone()),
            (None, _) => stack.remove_at(&key, self.path),
        };
    }
}

fn errors_of(path: &'static str, value: Option<Value>, unchecked: bool) -> Vec<String> {
    match synthesize(&OneOverride { path, value, unchecked }.build()) {
        Ok(_) => Vec::new(),
        Err(SynthError::Validation(errors)) => errors.iter().map(ToString::to_string).collect(),
        Err(other) => vec![other.to_string()],
    }
}

#[test]
fn an_override_of_a_known_argument_is_checked_like_a_written_value() {
    assert_eq!(
        errors_of("enable_key_rotation", Some(Value::from("yes")), false),
        ["`aws_kms_key.data.enable_key_rotation`: `enable_key_rotation` of `aws_kms_key` expects a bool, found a string"]
    );
    assert_eq!(errors_of("enable_key_rotation", Some(Value::from(true)), false), Vec::<String>::new());
    let errors = errors_of("deletion_window_in_days", Some(Value::from(3)), false);
    assert!(errors.len() == 1 && errors[0].contains("deletion_window_in_days"), "{errors:?}");
}

#[test]
fn a_name_close_to_a_known_one_is_a_typo_unless_the_override_says_unchecked() {
    let errors = errors_of("enable_key_rotaton", Some(Value::from(true)), false);
    assert_eq!(
        errors,
        ["override `enable_key_rotaton` of `aws_kms_key.data`: the schema has no `enable_key_rotaton` here; did you mean `enable_key_rotation`?\n  help: if `enable_key_rotaton` is newer than the schema tap embeds, use `override_unchecked`, which takes it as meant"]
    );
    assert_eq!(errors_of("enable_key_rotaton", Some(Value::from(true)), true), Vec::<String>::new());
    // Far from every known name: an argument newer than the schema, accepted.
    assert_eq!(errors_of("quantum_resistance", Some(Value::from(true)), false), Vec::<String>::new());
}

#[test]
fn paths_that_lead_nowhere_and_wrongly_typed_meta_arguments_are_errors() {
    let cases: [(&str, Option<Value>, &str); 5] = [
        ("description[*]", Some(Value::from("x")), "holds `[*]`"),
        ("description.x", Some(Value::from("x")), "`description` is a string, so the override cannot step into it with `x`"),
        ("lifecycle.prevent_destroy", Some(Value::from("yes")), "`lifecycle.prevent_destroy` takes a bool, not a string"),
        ("lifecycle[0].prevent_destroy", Some(Value::from(true)), "whose path takes names only"),
        ("lifecycle.prevent_destroi", Some(Value::from(true)), "did you mean `prevent_destroy`?"),
    ];
    for (path, value, expected) in cases {
        let errors = errors_of(path, value, false);
        assert!(errors.len() == 1 && errors[0].contains(expected), "{path}: {errors:?}");
    }
    // Removing a required argument is checked too (the key has none; the table does).
    let errors = synthesize_table_without("name");
    assert!(errors.len() == 1 && errors[0].contains("`name`"), "{errors:?}");
}

struct TableWithout(&'static str);

#[stack(name = "table-without")]
impl TableWithout {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(aws_kms_key.data { description: "table key", enable_key_rotation: true });
        let table = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
        stack.remove_at(&table, self.0);
    }
}

fn synthesize_table_without(path: &'static str) -> Vec<String> {
    match synthesize(&TableWithout(path).build()) {
        Ok(_) => Vec::new(),
        Err(e) => vec![e.to_string()],
    }
}

#[test]
fn an_override_cannot_get_around_a_security_rule() {
    // Compliant as written; the override turns rotation off, and the
    // policy, which reads the body after its overrides, fails it.
    let stack = OneOverride { path: "enable_key_rotation", value: Some(Value::from(false)), unchecked: false }.build();
    let error = synthesize(&stack).expect_err("rotation off must fail the policy").to_string();
    assert!(error.contains("TAP-KMS-001") && error.contains("aws_kms_key.data"), "{error}");
    // Removing the setting is no way around it either.
    let stack = OneOverride { path: "enable_key_rotation", value: None, unchecked: false }.build();
    assert!(synthesize(&stack).expect_err("no rotation must fail the policy").to_string().contains("TAP-KMS-001"));
}

#[test]
fn a_handle_of_another_stack_is_reported() {
    let mut other = Stack::new("other");
    let handle = other.add(tap::graph::Resource::new(tap::reference::Address::resource("aws_kms_key", "elsewhere")));
    let mut stack = OneOverride { path: "description", value: Some(Value::from("x")), unchecked: false }.build();
    stack.stack.override_at(&handle, "description", "y");
    let errors = match synthesize(&stack) {
        Err(SynthError::Validation(errors)) => errors,
        other => panic!("expected a validation error, got {other:?}"),
    };
    assert!(errors.iter().any(|e| matches!(e, ValidationError::StrayOverride { .. })), "{errors:?}");
}

#[test]
fn a_meta_argument_override_may_only_refer_to_declared_resources() {
    let elsewhere = Stack::new("other").add(tap::graph::Resource::new(tap::reference::Address::resource("aws_s3_bucket", "elsewhere")));
    let errors = errors_of("lifecycle.replace_triggered_by", Some(Value::list([elsewhere.attr("id")])), false);
    assert_eq!(errors, ["`aws_kms_key.data.lifecycle.replace_triggered_by[0]` refers to `aws_s3_bucket.elsewhere`, which is not declared in this stack"]);
}

#[test]
fn the_model_keeps_what_each_override_did() {
    let stack = Overridden.build();
    let table = stack.stack.resources.iter().find(|r| r.address.name == "items").unwrap();
    let removed: Vec<&str> = table.overrides.iter().filter(|o| o.change == Change::Remove).map(|o| o.written.as_str()).collect();
    assert_eq!(removed, ["table_class", "brand_new_argument"]);
    assert!(table.overrides.iter().all(|o| o.problem.is_none()));
}
