//! The template's queries and its messages, on stacks built by hand (the
//! schema facts written out as `#[stack]` would emit them).

use std::sync::Arc;

use super::*;
use crate::__private::{provider_facts, type_facts};
use crate::graph::{ProviderFacts, Resource, TypeFacts};
use crate::path::Step;
use crate::reference::{Address, Reference};
use crate::value::{Fields, Value};

static AWS: ProviderFacts = provider_facts("aws", "hashicorp/aws", "~> 6.25", r#"{"attributes":{"region":{"type":"string","optional":true}}}"#);
static TABLE: TypeFacts = type_facts(
    "aws_dynamodb_table",
    Mode::Managed,
    r#"{"attributes":{"name":{"type":"string","required":true},"hash_key":{"type":"string","optional":true},"billing_mode":{"type":"string","optional":true},"arn":{"type":"string","computed":true}},
        "block_types":{
          "point_in_time_recovery":{"nesting_mode":"list","max_items":1,"block":{"attributes":{"enabled":{"type":"bool","required":true}}}},
          "server_side_encryption":{"nesting_mode":"list","max_items":1,"block":{"attributes":{"enabled":{"type":"bool","required":true},"kms_key_arn":{"type":"string","optional":true}}}},
          "attribute":{"nesting_mode":"set","block":{"attributes":{"name":{"type":"string","required":true},"type":{"type":"string","required":true}}}}}}"#,
    &AWS,
);
static KEY: TypeFacts = type_facts(
    "aws_kms_key",
    Mode::Managed,
    r#"{"attributes":{"enable_key_rotation":{"type":"bool","optional":true},"arn":{"type":"string","computed":true}}}"#,
    &AWS,
);
static REGION: TypeFacts = type_facts("aws_region", Mode::Data, r#"{"attributes":{"name":{"type":"string","computed":true}}}"#, &AWS);

fn block(entries: &[(&str, Value)]) -> Value {
    Value::Block(entries.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect::<Fields>())
}

fn key_arn() -> Value {
    Value::Ref(Reference::new(Arc::new(Address::resource("aws_kms_key", "main")), vec![Step::Attr("arn".into())]))
}

/// A table that passes the DynamoDB rules unless `pitr` is false.
fn table(name: &str, pitr: bool) -> Resource {
    crate::__private::declare(Address::resource("aws_dynamodb_table", name), &TABLE, crate::graph::Origin::default(), Vec::new())
        .set("name", name)
        .set("hash_key", "id")
        .set("billing_mode", "PAY_PER_REQUEST")
        .set("attribute", block(&[("name", "id".into()), ("type", "S".into())]))
        .set("server_side_encryption", block(&[("enabled", true.into()), ("kms_key_arn", key_arn())]))
        .set("point_in_time_recovery", block(&[("enabled", pitr.into())]))
}

fn stack(tables: Vec<Resource>) -> Stack {
    let mut stack = Stack::new("orders");
    stack.add(crate::__private::declare(Address::resource("aws_kms_key", "main"), &KEY, crate::graph::Origin::default(), Vec::new()).set("enable_key_rotation", true));
    stack.add(crate::__private::declare(Address::data("aws_region", "current"), &REGION, crate::graph::Origin::default(), Vec::new()));
    for t in tables {
        stack.add(t);
    }
    stack.output("key_arn", "the tables' KMS key's ARN", key_arn());
    stack
}

fn template() -> Template {
    Template::of(&stack(vec![table("orders", true), table("returns", true)]))
}

#[test]
fn queries_read_the_rendered_json() {
    let t = template();
    assert_eq!(t.stack_name(), "orders");
    assert_eq!(t.resource_count("aws_dynamodb_table"), 2);
    assert_eq!(t.resources("aws_dynamodb_table").iter().map(ResourceRef::address).collect::<Vec<_>>(), ["aws_dynamodb_table.orders", "aws_dynamodb_table.returns"]);
    assert_eq!(t.data_sources("aws_region")[0].address(), "data.aws_region.current");
    assert_eq!(t.all_resources().len(), 4);
    let orders = t.resource("aws_dynamodb_table.orders").unwrap();
    // Nested blocks are lists, references are `${...}`: what Terraform reads.
    assert_eq!(orders.body()["point_in_time_recovery"], json!([{ "enabled": true }]));
    assert_eq!(orders.get("server_side_encryption.kms_key_arn"), Some(&json!("${aws_kms_key.main.arn}")));
    assert!(t.resource("data.aws_region.current").is_some());
    assert!(t.resource("aws_region.current").is_none(), "a data source's address starts with `data.`");
    assert_eq!(t.output("key_arn").unwrap()["value"], "${aws_kms_key.main.arn}");
    assert!(t.file("versions.tf.json").is_some());
    assert_eq!(t.findings().count(), 0);
}

#[test]
fn find_resource_returns_the_first_match_by_address() {
    let t = template();
    let found = t.assert_resource("aws_dynamodb_table", json!({ "hash_key": "id", "server_side_encryption": [{ "kms_key_arn": reference_to("aws_kms_key") }] }));
    assert_eq!(found.address(), "aws_dynamodb_table.orders");
    assert_eq!(t.assert_resource("aws_dynamodb_table", json!({ "name": "returns" })).name(), "returns");
    assert_eq!(t.assert_resource_with("aws_dynamodb_table", "point_in_time_recovery.enabled", true).name(), "orders");
    assert_eq!(t.find_resources("aws_dynamodb_table", json!({ "billing_mode": "PAY_PER_REQUEST" })).len(), 2);
    t.assert_data_source("aws_region", json!({}));
    t.assert_resource_count("aws_dynamodb_table", 2);
    t.assert_no_resource("aws_dynamodb_table", json!({ "billing_mode": "PROVISIONED" }));
    t.assert_output("key_arn", json!({ "value": reference_to("aws_kms_key.main"), "description": string_containing("ARN") }));
}

#[test]
fn the_nearest_candidate_is_the_one_that_misses_the_fewest_expected_values() {
    // `far` lacks both blocks; `near` differs in one value; `other` in two.
    let far = crate::__private::declare(Address::resource("aws_dynamodb_table", "a_far"), &TABLE, crate::graph::Origin::default(), Vec::new()).set("name", "far");
    let near = table("b_near", true).set("billing_mode", "PROVISIONED");
    let other = table("c_other", false).set("billing_mode", "PROVISIONED");
    let mut s = stack(vec![]);
    for r in [far, near, other] {
        s.add(r);
    }
    let t = Template::synth_allowing_findings(&s).unwrap();
    let expected = json!({
        "billing_mode": "PAY_PER_REQUEST",
        "point_in_time_recovery": [{ "enabled": true }],
        "server_side_encryption": [{ "enabled": true, "kms_key_arn": reference_to("aws_kms_key") }],
    });
    let error = t.find_resource("aws_dynamodb_table", expected).unwrap_err();
    let nearest = error.nearest().unwrap();
    assert_eq!(nearest.address, "aws_dynamodb_table.b_near");
    assert_eq!(nearest.differences.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(), ["billing_mode"]);
    let message = error.to_string();
    let head: Vec<&str> = message.lines().take(5).collect();
    assert_eq!(head, [
        "no `aws_dynamodb_table` resource in stack `orders` matches",
        r#"  expected: {"billing_mode": "PAY_PER_REQUEST", "point_in_time_recovery": [{"enabled": true}], "server_side_encryption": [{"enabled": true, "kms_key_arn": reference_to("aws_kms_key")}]}"#,
        "  candidates: 3 `aws_dynamodb_table` resources: aws_dynamodb_table.a_far, aws_dynamodb_table.b_near, aws_dynamodb_table.c_other",
        "  nearest: aws_dynamodb_table.b_near, with 1 difference:",
        r#"    billing_mode: expected "PAY_PER_REQUEST", found "PROVISIONED""#,
    ]);
    assert_eq!(message.lines().nth(5), Some("  aws_dynamodb_table.b_near as synthesized:"));
    assert!(message.contains(r#"      "billing_mode": "PROVISIONED","#), "the body is shown, pretty and indented:\n{message}");
    // `Debug` is the message, for `.unwrap()`.
    assert_eq!(format!("{error:?}"), message);
}

#[test]
fn the_path_form_reports_the_path_through_the_block_list() {
    let t = Template::synth_allowing_findings(&stack(vec![table("orders", false)])).unwrap();
    let error = t.find_resource_with("aws_dynamodb_table", "point_in_time_recovery.enabled", true).unwrap_err();
    assert!(error.message().contains("  expected: point_in_time_recovery.enabled = true\n"), "{error}");
    assert!(error.message().contains("    point_in_time_recovery[0].enabled: expected true, found false\n"), "{error}");
    let error = t.find_resource_with("aws_dynamodb_table", "point_in_time_recovery..enabled", true).unwrap_err();
    assert!(error.message().starts_with("`point_in_time_recovery..enabled` is not a path"), "{error}");
}

#[test]
fn a_missing_type_gets_a_suggestion_and_the_types_present() {
    let t = template();
    let message = t.find_resource("aws_dynamodb_tabel", json!({})).unwrap_err().to_string();
    assert_eq!(message, [
        "no `aws_dynamodb_tabel` resource in stack `orders` matches",
        "  expected: {}",
        "  the stack has no `aws_dynamodb_tabel` resource",
        "  help: did you mean `aws_dynamodb_table`?",
        "  resource types in the stack: aws_dynamodb_table (2), aws_kms_key (1)",
    ]
    .join("\n"));
    let message = t.find_resource("aws_region", json!({})).unwrap_err().to_string();
    assert!(message.contains("note: the stack declares `aws_region` as a data source: use `find_data_source`"), "{message}");
    let message = t.check_resource_count("aws_kms_keys", 1).unwrap_err().to_string();
    assert!(message.starts_with("expected 1 `aws_kms_keys` resource(s) in stack `orders`, found 0\n"), "{message}");
    assert!(message.contains("did you mean `aws_kms_key`?"), "{message}");
    let message = t.check_resource_count("aws_dynamodb_table", 1).unwrap_err().to_string();
    assert_eq!(message, "expected 1 `aws_dynamodb_table` resource(s) in stack `orders`, found 2: aws_dynamodb_table.orders, aws_dynamodb_table.returns");
}

#[test]
fn negative_and_output_assertions_explain_themselves() {
    let t = template();
    let message = t.check_no_resource("aws_dynamodb_table", json!({ "name": "returns" })).unwrap_err().to_string();
    assert!(message.starts_with("expected no `aws_dynamodb_table` resource in stack `orders` to match, but 1 does\n"), "{message}");
    assert!(message.contains("  matching: aws_dynamodb_table.returns\n"), "{message}");
    let message = t.find_output("key_arns", json!({})).unwrap_err().to_string();
    assert_eq!(message, "stack `orders` has no output `key_arns`\n  help: did you mean `key_arn`?\n  outputs: key_arn");
    let error = t.find_output("key_arn", json!({ "value": reference_to("aws_kms_key.other") })).unwrap_err();
    assert_eq!(error.nearest().unwrap().differences[0].path, "value");
    assert!(error.message().contains(r#"    value: expected reference_to("aws_kms_key.other"), found "${aws_kms_key.main.arn}""#), "{error}");
}

#[test]
fn a_stack_whose_findings_fail_can_be_inspected() {
    let s = stack(vec![table("orders", false)]);
    match Template::synth(&s) {
        Err(SynthError::Policy { report }) => assert_eq!(report.failures().next().unwrap().rule_id, "TAP-DDB-002"),
        other => panic!("expected a policy failure, got {other:?}"),
    }
    let t = Template::synth_allowing_findings(&s).unwrap();
    let row = t.assert_finding("TAP-DDB-002", "aws_dynamodb_table.orders");
    assert_eq!(row.message, "the DynamoDB table has no point-in-time recovery: `point_in_time_recovery.enabled` is false");
    // The configuration is rendered all the same.
    t.assert_resource_with("aws_dynamodb_table", "point_in_time_recovery.enabled", false);

    let message = t.find_finding("TAP-DDB-001", "aws_dynamodb_table.orders").unwrap_err().to_string();
    assert_eq!(message, [
        "no `TAP-DDB-001` finding on `aws_dynamodb_table.orders` in stack `orders`",
        "  findings raised on `aws_dynamodb_table.orders`:",
        "    [TAP-DDB-002] the DynamoDB table has no point-in-time recovery: `point_in_time_recovery.enabled` is false",
    ]
    .join("\n"));
    let message = t.find_finding("TAP-DDB-02", "aws_dynamodb_table.order").unwrap_err().to_string();
    assert!(message.contains("note: tap has no rule `TAP-DDB-02`; did you mean `TAP-DDB-002`?"), "{message}");
    assert!(message.contains("note: the stack has no resource `aws_dynamodb_table.order`; did you mean `aws_dynamodb_table.orders`?"), "{message}");
}

#[test]
fn a_suppressed_finding_is_not_raised_and_the_message_says_so() {
    let mut s = stack(vec![]);
    let mut unprotected = table("orders", false);
    unprotected.suppressions.push(crate::graph::Suppression::new("TAP-DDB-002", "restored from backups taken by AWS Backup"));
    s.add(unprotected);
    let t = Template::of(&s);
    assert_eq!(t.findings().count(), 0);
    let message = t.find_finding("TAP-DDB-002", "aws_dynamodb_table.orders").unwrap_err().to_string();
    assert!(message.contains(r#"note: it is suppressed: "restored from backups taken by AWS Backup""#), "{message}");
}

#[test]
#[should_panic(expected = "no `aws_dynamodb_table` resource in stack `orders` matches")]
fn assert_forms_panic_with_the_message() {
    template().assert_resource("aws_dynamodb_table", json!({ "name": "nope" }));
}

#[test]
#[should_panic(expected = "stack did not synthesize:\nthe stack fails 1 security finding(s)")]
fn of_panics_with_the_synthesis_error() {
    Template::of(&stack(vec![table("orders", false)]));
}

#[test]
fn rule_ids_of_the_organisation_policy_are_known() {
    let mut defined = crate::definition::DefinedStack::from(stack(vec![table("orders", true)]));
    let org = "[[rule]]\nid = \"ORG-DDB-001\"\nresources = [\"aws_dynamodb_table\"]\nmessage = \"the table has no `name`\"\nfix = \"name it\"\n[[rule.require]]\nattribute = \"name\"\nop = \"present\"\n";
    defined.policy.org_policy = Some(crate::policy::PolicySource { file: "org.toml".into(), text: org.into() });
    let t = Template::of(&defined);
    let message = t.find_finding("ORG-DDB-001", "aws_dynamodb_table.orders").unwrap_err().to_string();
    assert!(!message.contains("tap has no rule"), "{message}");
    let message = t.find_finding("ORG-DDB-01", "aws_dynamodb_table.orders").unwrap_err().to_string();
    assert!(message.contains("note: tap has no rule `ORG-DDB-01`; did you mean `ORG-DDB-001`?"), "{message}");
}
