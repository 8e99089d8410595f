//! `PrivateRestApi`: IAM on every method, validated routes, permissions
//! scoped to route, a traced and logged stage, and a firewall.

use tap::prelude::*;
use tap::testing::{any_element, json, reference_to, string_containing, Template};
use tap_aws::rest_api::{Authorization, Model, PrivateRestApi, Route};
use tap_aws::{Account, Naming};

struct Api {
    authorization: Authorization,
}

#[stack(name = "api")]
impl Api {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new("us-west-2", &caller, &partition);
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let role = resource!(aws_iam_role.app { assume_role_policy: tf::jsonencode({ Version: "2012-10-17", Statement: [] }) });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let subnet = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24" });
        let routes = resource!(aws_route_table.a { vpc_id: vpc.id });
        resource!(aws_route_table_association.a { subnet_id: subnet.id, route_table_id: routes.id });
        let sg = resource!(aws_security_group.app { vpc_id: vpc.id, description: "the function" });
        let function = resource!(aws_lambda_function.app {
            function_name: "app", role: role.arn, runtime: "python3.12", handler: "h.handler", filename: "h.zip",
            tracing_config { mode: "Active" }
            vpc_config { subnet_ids: [subnet.id], security_group_ids: [sg.id] }
        });
        let api = resource!(aws_api_gateway_rest_api.app { name: "app", endpoint_configuration { types: ["REGIONAL"] } });
        let config = PrivateRestApi {
            authorization: self.authorization,
            models: vec![Model { name: "Order".into(), description: "an order".into(), schema: "{\"type\": \"object\"}".into() }],
            routes: vec![
                Route::new("orders_post", "POST", "/orders").with_body("Order"),
                Route::new("order_get", "GET", "/orders/{id}"),
                Route::new("line_get", "GET", "/orders/{id}/lines/{line}"),
            ],
            ..PrivateRestApi::new("shop-api", Naming::new("acme-", "-qa"), "Shop API")
        };
        config.build(&mut stack.scope("api"), &api, &function, &key, &aws);
    }
}

fn iam() -> Template {
    Template::of(&Api { authorization: Authorization::Iam })
}

#[test]
fn every_method_requires_iam_and_validates_its_parameters_and_body() {
    let t = iam();
    t.assert_resource_count("aws_api_gateway_method", 3);
    t.assert_no_resource("aws_api_gateway_method", json!({ "authorization": "NONE" }));
    t.assert_resource("aws_api_gateway_method", json!({ "http_method": "POST", "authorization": "AWS_IAM", "request_models": { "application/json": reference_to("aws_api_gateway_model.api_model_order.name") }, "request_validator_id": reference_to("aws_api_gateway_request_validator.api_validator.id") }));
    t.assert_resource("aws_api_gateway_method", json!({ "resource_id": reference_to("aws_api_gateway_resource.api_path_orders_id_lines_line"), "request_parameters": { "method.request.path.id": true, "method.request.path.line": true } }));
    t.assert_resource("aws_api_gateway_request_validator", json!({ "validate_request_body": true, "validate_request_parameters": true }));
    // One resource per path prefix, each under its parent.
    t.assert_resource_count("aws_api_gateway_resource", 4);
    t.assert_resource("aws_api_gateway_resource", json!({ "path_part": "{line}", "parent_id": reference_to("aws_api_gateway_resource.api_path_orders_id_lines.id") }));
    t.assert_resource("aws_api_gateway_resource", json!({ "path_part": "orders", "parent_id": "${aws_api_gateway_rest_api.app.root_resource_id}" }));
}

#[test]
fn lambda_permissions_are_scoped_to_this_api_stage_method_and_path() {
    let t = iam();
    for (route, arn) in [("orders_post", "POST/orders"), ("order_get", "GET/orders/*"), ("line_get", "GET/orders/*/lines/*")] {
        let permission = t.resource(&format!("aws_lambda_permission.api_route_{route}")).unwrap();
        assert!(permission.matches(&json!({
            "principal": "apigateway.amazonaws.com",
            "action": "lambda:InvokeFunction",
            "function_name": "${aws_lambda_function.app.function_name}",
            "source_arn": format!("${{aws_api_gateway_rest_api.app.execution_arn}}/v1/{arn}"),
        })), "{route}: {:?}", permission.body());
        t.assert_resource("aws_api_gateway_integration", json!({ "type": "AWS_PROXY", "integration_http_method": "POST", "uri": "${aws_lambda_function.app.invoke_arn}", "http_method": format!("${{aws_api_gateway_method.api_route_{route}.http_method}}") }));
    }
}

#[test]
fn the_stage_traces_logs_to_encrypted_groups_and_is_behind_a_firewall() {
    let t = iam();
    t.assert_resource("aws_api_gateway_stage", json!({
        "stage_name": "v1",
        "xray_tracing_enabled": true,
        "access_log_settings": [{ "destination_arn": reference_to("aws_cloudwatch_log_group.api_access.arn"), "format": string_containing("$context.identity.sourceIp") }],
        "depends_on": ["aws_api_gateway_account.api_account", "aws_cloudwatch_log_group.api_execution"],
    }));
    for (group, name) in [("api_access", "/aws/apigateway/acme-shop-api-qa/access"), ("api_waf", "aws-waf-logs-acme-shop-api-qa")] {
        t.assert_resource("aws_cloudwatch_log_group", json!({ "name": name, "kms_key_id": reference_to("aws_kms_key.main.arn"), "retention_in_days": 365 }));
        assert!(t.resource(&format!("aws_cloudwatch_log_group.{group}")).is_some());
    }
    t.assert_resource("aws_cloudwatch_log_group", json!({ "name": "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.app.id}/v1", "kms_key_id": reference_to("aws_kms_key.main.arn") }));
    t.assert_resource("aws_api_gateway_method_settings", json!({ "method_path": "*/*", "settings": [{ "logging_level": "INFO", "data_trace_enabled": false, "metrics_enabled": true }] }));
    t.assert_resource("aws_wafv2_web_acl_association", json!({ "resource_arn": reference_to("aws_api_gateway_stage.api_stage.arn"), "web_acl_arn": reference_to("aws_wafv2_web_acl.api_waf.arn") }));
    let waf = t.assert_resource("aws_wafv2_web_acl", json!({ "scope": "REGIONAL", "rule": any_element(json!({ "statement": { "rate_based_statement": { "aggregate_key_type": "IP", "limit": 1000 } }, "action": [{ "block": [{}] }] })) }));
    assert_eq!(waf.get("rule").unwrap().as_array().unwrap().len(), 5);
    t.assert_resource("aws_wafv2_web_acl_logging_configuration", json!({ "redacted_fields": [{ "single_header": [{ "name": "authorization" }] }] }));
}

#[test]
fn the_deployment_is_redeployed_when_a_route_or_its_authorization_changes() {
    let t = iam();
    let deployment = t.assert_resource("aws_api_gateway_deployment", json!({ "lifecycle": { "create_before_destroy": true } }));
    let trigger = deployment.get("triggers.redeployment").unwrap().as_str().unwrap();
    for part in ["aws_api_gateway_method.api_route_line_get.authorization", "aws_api_gateway_integration.api_route_orders_post.uri", "aws_api_gateway_model.api_model_order.schema", "aws_api_gateway_resource.api_path_orders_id_lines_line.id"] {
        assert!(trigger.contains(part), "{part} not in {trigger}");
    }
}

#[test]
fn an_open_api_fails_unless_the_stack_suppresses_it_with_a_reason() {
    let open = Api { authorization: Authorization::None };
    let t = Template::synth_allowing_findings(&open).unwrap();
    for route in ["orders_post", "order_get", "line_get"] {
        t.assert_finding("TAP-APG-003", &format!("aws_api_gateway_method.api_route_{route}"));
    }
    assert!(tap::synth::synthesize(&open.build()).is_err());
    // A stack-wide exception decided at run time belongs to the stack's policy.
    let mut suppressed = open.build();
    suppressed.policy.suppress(Suppression::new("TAP-APG-003", "a public demonstration API with throwaway data only"));
    let t = Template::of(&suppressed);
    assert_eq!(t.report().suppressed().count(), 3);
}
