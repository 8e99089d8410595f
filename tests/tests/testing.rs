//! `tap::testing` as a component author uses it: a `#[stack]` that calls
//! a `#[component]` twice, asserted on through the synthesized Terraform
//! JSON, including assertions that fail and the messages they print.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tap::prelude::*;
use tap::synth::SynthError;
use tap::testing::{absent, any_element, json, reference_to, string_containing, Template};

/// A table encrypted with the key it is given; point-in-time recovery as asked.
#[component]
pub fn encrypted_table(scope: &mut Scope, hash_key: &str, key: &Handle<aws_kms_key>, recovery: bool) -> Handle<aws_dynamodb_table> {
    resource!(aws_dynamodb_table.table {
        name: scope.name("table"),
        billing_mode: "PAY_PER_REQUEST",
        hash_key: hash_key,
        attribute { name: hash_key, r#type: "S" }
        server_side_encryption { enabled: true, kms_key_arn: key.arn }
        point_in_time_recovery { enabled: recovery }
    })
}

struct Orders {
    /// Point-in-time recovery for the returns table: known only when the
    /// stack runs, so the rule is checked at synthesis.
    returns_recovery: bool,
}

#[stack(name = "orders")]
impl Orders {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let _region = data!(aws_region.current {});
        let orders = encrypted_table(&mut stack.scope("orders"), "id", &key, true);
        encrypted_table(&mut stack.scope("returns"), "order_id", &key, self.returns_recovery);
        stack.output("orders_table_arn", "the orders table's ARN", orders.attr("arn"));
    }
}

#[test]
fn a_passing_stack_is_asserted_on_as_terraform_sees_it() {
    let template = Template::of(&Orders { returns_recovery: true });
    template.assert_resource_count("aws_dynamodb_table", 2);
    template.assert_resource_count("aws_kms_key", 1);

    // The path form steps through the block's single instance.
    let returns = template.assert_resource_with("aws_dynamodb_table", "hash_key", "order_id");
    assert_eq!(returns.address(), "aws_dynamodb_table.returns_table");
    for table in template.resources("aws_dynamodb_table") {
        assert_eq!(table.get("point_in_time_recovery.enabled"), Some(&json!(true)), "{table}");
    }

    // The object form sees blocks as lists and references as `${...}`.
    let orders = template.assert_resource(
        "aws_dynamodb_table",
        json!({
            "name": "orders-table",
            "point_in_time_recovery": [{ "enabled": true }],
            "server_side_encryption": [{ "enabled": true, "kms_key_arn": reference_to("aws_kms_key.main") }],
            "attribute": any_element(json!({ "name": "id", "type": "S" })),
            "stream_enabled": absent(),
        }),
    );
    assert_eq!(orders.address(), "aws_dynamodb_table.orders_table");
    assert_eq!(orders.body()["server_side_encryption"][0]["kms_key_arn"], "${aws_kms_key.main.arn}");

    template.assert_resource("aws_kms_key", json!({ "enable_key_rotation": true }));
    template.assert_data_source("aws_region", json!({}));
    template.assert_output("orders_table_arn", json!({ "value": reference_to("aws_dynamodb_table.orders_table"), "description": string_containing("ARN") }));
    template.assert_no_resource("aws_dynamodb_table", json!({ "billing_mode": "PROVISIONED" }));
    assert_eq!(template.findings().count(), 0);
}

#[test]
fn a_failing_assertion_names_the_nearest_table_and_how_it_differs() {
    let template = Template::of(&Orders { returns_recovery: true });
    let expected = json!({ "hash_key": "order_id", "billing_mode": "PROVISIONED", "attribute": [{ "name": "order_id", "type": "N" }] });

    let error = template.find_resource("aws_dynamodb_table", expected.clone()).unwrap_err();
    let nearest = error.nearest().expect("two tables are candidates");
    assert_eq!(nearest.address, "aws_dynamodb_table.returns_table", "the returns table shares the hash key");
    let paths: Vec<&str> = nearest.differences.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["attribute[0].type", "billing_mode"]);

    // The panicking form prints the same message.
    let panic = catch_unwind(AssertUnwindSafe(|| template.assert_resource("aws_dynamodb_table", expected))).unwrap_err();
    let message = panic.downcast_ref::<String>().expect("a formatted panic message");
    assert_eq!(message, error.message());
    let lines: Vec<&str> = message.lines().take(6).collect();
    assert_eq!(lines, [
        "no `aws_dynamodb_table` resource in stack `orders` matches",
        r#"  expected: {"attribute": [{"name": "order_id", "type": "N"}], "billing_mode": "PROVISIONED", "hash_key": "order_id"}"#,
        "  candidates: 2 `aws_dynamodb_table` resources: aws_dynamodb_table.orders_table, aws_dynamodb_table.returns_table",
        "  nearest: aws_dynamodb_table.returns_table, with 2 differences:",
        r#"    attribute[0].type: expected "N", found "S""#,
        r#"    billing_mode: expected "PROVISIONED", found "PAY_PER_REQUEST""#,
    ]);
    assert!(message.contains("  aws_dynamodb_table.returns_table as synthesized:\n    {\n"), "{message}");

    let message = template.find_resource_with("aws_dynamodb_tables", "hash_key", "id").unwrap_err().to_string();
    assert!(message.contains("help: did you mean `aws_dynamodb_table`?"), "{message}");
    assert!(message.contains("resource types in the stack: aws_dynamodb_table (2), aws_kms_key (1)"), "{message}");
}

#[test]
fn a_component_author_asserts_that_the_rule_fires() {
    let unprotected = Orders { returns_recovery: false };
    assert!(matches!(Template::synth(&unprotected), Err(SynthError::Policy { .. })), "synthesis refuses the stack");

    let template = Template::synth_allowing_findings(&unprotected).unwrap_or_else(|e| panic!("{e}"));
    let finding = template.assert_finding("TAP-DDB-002", "aws_dynamodb_table.returns_table");
    assert!(finding.message.starts_with("the DynamoDB table has no point-in-time recovery"), "{}", finding.message);
    assert_eq!(template.findings().count(), 1, "the orders table passes");
    template.assert_resource_with("aws_dynamodb_table", "point_in_time_recovery.enabled", false);

    let message = template.find_finding("TAP-DDB-002", "aws_dynamodb_table.orders_table").unwrap_err().to_string();
    assert_eq!(message, [
        "no `TAP-DDB-002` finding on `aws_dynamodb_table.orders_table` in stack `orders`",
        "  findings raised on `aws_dynamodb_table.orders_table`: none",
        "  `TAP-DDB-002` was raised on: aws_dynamodb_table.returns_table",
    ]
    .join("\n"));
}
