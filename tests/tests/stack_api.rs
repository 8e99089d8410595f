//! The REST API and the observability of the tap-stack, read from the
//! synthesized Terraform JSON: routes, validation, deployment, stage,
//! logging, the firewall, alarms and the dashboard.

mod stack_support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as J;
use stack_support::*;
use tap_stack::Config;

/// `aws_api_gateway_resource` name -> full path (`/items/{id}`).
fn paths(s: &Synth) -> BTreeMap<String, String> {
    let resources = s.all("aws_api_gateway_resource");
    let mut out = BTreeMap::new();
    for name in resources.keys() {
        let mut parts = Vec::new();
        let mut current = name.clone();
        loop {
            let r = resources[&current];
            assert_eq!(r["rest_api_id"], "${aws_api_gateway_rest_api.items.id}");
            parts.push(r["path_part"].as_str().unwrap().to_owned());
            let parent = parse_ref(r["parent_id"].as_str().unwrap()).unwrap();
            if parent.type_name == "aws_api_gateway_rest_api" {
                assert_eq!(parent.attr, "root_resource_id");
                break;
            }
            current = parent.name;
        }
        parts.reverse();
        out.insert(name.clone(), format!("/{}", parts.join("/")));
    }
    out
}

/// `"GET /items/{id}"` -> method resource name.
fn routes(s: &Synth) -> BTreeMap<String, String> {
    let paths = paths(s);
    s.all("aws_api_gateway_method")
        .into_iter()
        .map(|(name, m)| {
            let resource = parse_ref(m["resource_id"].as_str().unwrap()).unwrap().name;
            (format!("{} {}", m["http_method"].as_str().unwrap(), paths[&resource]), name)
        })
        .collect()
}

#[test]
fn the_routes_are_exactly_the_handlers_routes_with_lambda_proxy_integrations() {
    let s = default();
    let (_, api) = s.only("aws_api_gateway_rest_api");
    assert_eq!(block(api, "endpoint_configuration")["types"], serde_json::json!(["REGIONAL"]));
    assert_eq!(api["lifecycle"]["create_before_destroy"], true);
    let routes = routes(&s);
    let expected: BTreeSet<&str> = ["GET /items", "POST /items", "GET /items/{id}", "PUT /items/{id}", "DELETE /items/{id}", "GET /health"].into();
    assert_eq!(routes.keys().map(String::as_str).collect::<BTreeSet<_>>(), expected);

    let integrations = s.all("aws_api_gateway_integration");
    assert_eq!(integrations.len(), routes.len());
    for (route, method_name) in &routes {
        let method = s.one("aws_api_gateway_method", method_name);
        let matching: Vec<&J> = integrations
            .values()
            .copied()
            .filter(|i| i["resource_id"] == method["resource_id"] && i["http_method"] == format!("${{aws_api_gateway_method.{method_name}.http_method}}"))
            .collect();
        assert_eq!(matching.len(), 1, "{route}: {} integrations", matching.len());
        let integration = matching[0];
        assert_eq!(integration["type"], "AWS_PROXY", "{route}");
        assert_eq!(integration["integration_http_method"], "POST", "{route}");
        assert_eq!(integration["uri"], "${aws_lambda_function.handler_function.invoke_arn}", "{route}");
    }
}

#[test]
fn bodies_are_validated_against_the_item_schema_and_item_routes_require_the_id() {
    let s = default();
    let (validator_name, validator) = s.only("aws_api_gateway_request_validator");
    assert_eq!(validator["validate_request_body"], true);
    assert_eq!(validator["validate_request_parameters"], true);
    let (model_name, model) = s.only("aws_api_gateway_model");
    assert_eq!(model["content_type"], "application/json");
    let schema_file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tap-stack/lambda/item.schema.json")).unwrap();
    let schema: J = serde_json::from_str(model["schema"].as_str().unwrap()).unwrap();
    assert_eq!(schema, serde_json::from_str::<J>(&schema_file).unwrap());
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#", "API Gateway models are draft-04");

    for (route, name) in routes(&s) {
        let m = s.one("aws_api_gateway_method", &name);
        assert_eq!(m["request_validator_id"], format!("${{aws_api_gateway_request_validator.{validator_name}.id}}"), "{route}");
        let has_body = route.starts_with("POST ") || route.starts_with("PUT ");
        if has_body {
            assert_eq!(m["request_models"], serde_json::json!({ "application/json": format!("${{aws_api_gateway_model.{model_name}.name}}") }), "{route}");
        } else {
            assert!(m.get("request_models").is_none(), "{route} has a body model");
        }
        if route.ends_with("/{id}") {
            assert_eq!(m["request_parameters"], serde_json::json!({ "method.request.path.id": true }), "{route}");
        } else {
            assert!(m.get("request_parameters").is_none(), "{route}");
        }
    }
}

#[test]
fn the_deployment_is_redeployed_when_the_api_changes() {
    let s = default();
    let (_, deployment) = s.only("aws_api_gateway_deployment");
    assert_eq!(deployment["lifecycle"]["create_before_destroy"], true);
    let trigger = deployment["triggers"]["redeployment"].as_str().unwrap();
    let hashed = trigger.strip_prefix("${sha1(jsonencode(").and_then(|t| t.strip_suffix("))}")).unwrap_or_else(|| panic!("not sha1(jsonencode(...)): {trigger}"));
    let listed: BTreeSet<String> = hcl(hashed).as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    for type_name in ["aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration", "aws_api_gateway_model", "aws_api_gateway_request_validator"] {
        for name in s.all(type_name).keys() {
            assert!(listed.contains(&format!("${{{type_name}.{name}.id}}")), "the trigger misses {type_name}.{name}");
        }
    }
    // Changes made in place (no new id) redeploy too.
    for name in s.all("aws_api_gateway_method").keys() {
        assert!(listed.contains(&format!("${{aws_api_gateway_method.{name}.authorization}}")));
    }
    assert!(listed.contains("${aws_api_gateway_model.api_model_item.schema}"));
}

#[test]
fn the_stage_traces_and_writes_json_access_logs_to_an_encrypted_group() {
    let s = default();
    let (_, stage) = s.only("aws_api_gateway_stage");
    assert_eq!(stage["xray_tracing_enabled"], true);
    assert_eq!(stage["deployment_id"], "${aws_api_gateway_deployment.api_deployment.id}");
    assert_eq!(stage["stage_name"], tap_stack::stack::STAGE);
    let access = block(stage, "access_log_settings");
    let (_, attr, group) = s.target(&access["destination_arn"]);
    assert_eq!(attr, "arn");
    assert_eq!(group["kms_key_id"], "${aws_kms_key.main_key.arn}");
    assert!(group["retention_in_days"].as_i64().unwrap() >= 365);
    let format = jsonencoded(&access["format"]);
    for (field, variable) in [("requestId", "$context.requestId"), ("sourceIp", "$context.identity.sourceIp"), ("status", "$context.status"), ("userArn", "$context.identity.userArn")] {
        assert_eq!(format[field], variable);
    }
    // Logging is set up before the stage starts writing.
    let deps: BTreeSet<&str> = stage["depends_on"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert!(deps.contains("aws_api_gateway_account.api_account"));
    assert!(deps.contains("aws_cloudwatch_log_group.api_execution"));
    // The execution log group is the one API Gateway writes to, created first.
    let execution = s.one("aws_cloudwatch_log_group", "api_execution");
    assert_eq!(execution["name"], "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.items.id}/v1");
}

#[test]
fn method_settings_enable_metrics_info_logs_and_throttling_without_data_trace() {
    let s = default();
    let (_, settings) = s.only("aws_api_gateway_method_settings");
    assert_eq!(settings["method_path"], "*/*");
    assert_eq!(settings["stage_name"], "${aws_api_gateway_stage.api_stage.stage_name}");
    let values = block(settings, "settings");
    assert_eq!(values["metrics_enabled"], true);
    assert_eq!(values["logging_level"], "INFO");
    assert_eq!(values["data_trace_enabled"], false);
    let burst = values["throttling_burst_limit"].as_i64().unwrap();
    let rate = values["throttling_rate_limit"].as_f64().unwrap();
    assert!(burst > 0 && rate > 0.0 && rate <= burst as f64);
}

#[test]
fn a_firewall_guards_the_stage_and_logs_to_an_encrypted_group() {
    let s = default();
    let (_, waf) = s.only("aws_wafv2_web_acl");
    assert_eq!(waf["scope"], "REGIONAL");
    let (_, association) = s.only("aws_wafv2_web_acl_association");
    assert_eq!(association["resource_arn"], "${aws_api_gateway_stage.api_stage.arn}");
    assert_eq!(association["web_acl_arn"], "${aws_wafv2_web_acl.api_waf.arn}");
    let groups: BTreeSet<&str> = waf["rule"].as_array().unwrap().iter().filter_map(|r| r["statement"]["managed_rule_group_statement"]["name"].as_str()).collect();
    for group in ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList"] {
        assert!(groups.contains(group), "no {group}");
    }
    assert!(waf["rule"].as_array().unwrap().iter().any(|r| r["statement"]["rate_based_statement"]["aggregate_key_type"] == "IP"));
    let (_, logging) = s.only("aws_wafv2_web_acl_logging_configuration");
    let destinations = targets(&logging["log_destination_configs"]);
    assert_eq!(destinations.len(), 1);
    let group = s.one("aws_cloudwatch_log_group", destinations.iter().next().unwrap().trim_start_matches("aws_cloudwatch_log_group."));
    assert!(group["name"].as_str().unwrap().starts_with("aws-waf-logs-"));
    assert_eq!(group["kms_key_id"], "${aws_kms_key.main_key.arn}");
}

/// `(namespace, metric, statistic)` of a single-metric alarm.
fn watched(alarm: &J) -> (String, String, String) {
    let stat = alarm.get("extended_statistic").or(alarm.get("statistic")).unwrap().as_str().unwrap().to_owned();
    (alarm["namespace"].as_str().unwrap().to_owned(), alarm["metric_name"].as_str().unwrap().to_owned(), stat)
}

#[test]
fn alarms_cover_the_function_the_api_and_the_table_and_all_notify_the_topic() {
    let s = default();
    let alarms = s.all("aws_cloudwatch_metric_alarm");
    let topic = "${aws_sns_topic.alarms_topic.arn}";
    let mut single = BTreeSet::new();
    let mut table_metrics = BTreeSet::new();
    for (name, alarm) in &alarms {
        assert!(strs(&alarm["alarm_actions"]).contains(&topic.to_owned()), "{name} does not notify the topic");
        assert!(strs(&alarm["ok_actions"]).contains(&topic.to_owned()), "{name} does not say when it recovers");
        assert!(alarm["alarm_description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(alarm["alarm_name"].as_str().unwrap().ends_with("-dev"));
        if let Some(queries) = alarm.get("metric_query") {
            // DynamoDB metrics per operation, summed by one expression.
            let queries = queries.as_array().unwrap();
            let returned: Vec<&J> = queries.iter().filter(|q| q["return_data"] == true).collect();
            assert_eq!(returned.len(), 1, "{name}");
            assert!(returned[0]["expression"].as_str().unwrap().starts_with("SUM("));
            let mut operations = BTreeSet::new();
            for q in queries.iter().filter(|q| q.get("metric").is_some()) {
                let m = block(q, "metric");
                assert_eq!(m["namespace"], "AWS/DynamoDB");
                assert_eq!(m["dimensions"]["TableName"], "${aws_dynamodb_table.items_table.name}");
                operations.insert(m["dimensions"]["Operation"].as_str().unwrap().to_owned());
                table_metrics.insert(m["metric_name"].as_str().unwrap().to_owned());
            }
            assert_eq!(operations, ["DeleteItem", "GetItem", "PutItem", "Scan", "UpdateItem"].map(String::from).into_iter().collect::<BTreeSet<_>>());
        } else {
            let (namespace, metric, stat) = watched(alarm);
            let dimensions = alarm["dimensions"].as_object().unwrap();
            match namespace.as_str() {
                "AWS/Lambda" => assert_eq!(dimensions["FunctionName"], "${aws_lambda_function.handler_function.function_name}"),
                "AWS/ApiGateway" => {
                    assert_eq!(dimensions["ApiName"], "${aws_api_gateway_rest_api.items.name}");
                    assert_eq!(dimensions["Stage"], "${aws_api_gateway_stage.api_stage.stage_name}");
                }
                other => panic!("{name}: unexpected namespace {other}"),
            }
            single.insert((namespace, metric, stat));
        }
    }
    let t = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    let expected: BTreeSet<_> = [
        t("AWS/Lambda", "Errors", "Sum"),
        t("AWS/Lambda", "Throttles", "Sum"),
        t("AWS/Lambda", "Duration", "p99"),
        t("AWS/ApiGateway", "4XXError", "Average"),
        t("AWS/ApiGateway", "5XXError", "Sum"),
        t("AWS/ApiGateway", "Latency", "p99"),
    ]
    .into();
    assert_eq!(single, expected);
    assert_eq!(table_metrics, ["SystemErrors", "ThrottledRequests"].map(String::from).into_iter().collect::<BTreeSet<_>>());
    // The duration alarm fires before the function times out.
    let duration = &alarms["alarms_alarm_items_function_duration_p99"];
    let timeout_ms = s.only("aws_lambda_function").1["timeout"].as_i64().unwrap() * 1000;
    assert!(duration["threshold"].as_i64().unwrap() < timeout_ms);
}

#[test]
fn the_alarm_topic_is_encrypted_only_cloudwatch_may_publish_and_email_is_optional() {
    let s = default();
    let (_, topic) = s.only("aws_sns_topic");
    assert_eq!(topic["kms_master_key_id"], "${aws_kms_key.main_key.arn}");
    let (_, policy) = s.only("aws_sns_topic_policy");
    assert_eq!(policy["arn"], "${aws_sns_topic.alarms_topic.arn}");
    let st = statements(&policy["policy"]);
    assert_eq!(st.len(), 1);
    assert_eq!(st[0]["Principal"]["Service"], "cloudwatch.amazonaws.com");
    assert_eq!(strs(&st[0]["Action"]), vec!["sns:Publish"]);
    assert_eq!(st[0]["Condition"]["StringEquals"]["aws:SourceAccount"], "${data.aws_caller_identity.current.account_id}");
    assert!(s.all("aws_sns_topic_subscription").is_empty());

    let s = synth(Config { alarm_email: Some("oncall@example.com".into()), ..Config::default() });
    let (_, subscription) = s.only("aws_sns_topic_subscription");
    assert_eq!(subscription["protocol"], "email");
    assert_eq!(subscription["endpoint"], "oncall@example.com");
    assert_eq!(subscription["topic_arn"], "${aws_sns_topic.alarms_topic.arn}");
}

#[test]
fn the_dashboard_shows_every_alarmed_metric() {
    let s = default();
    let (_, dashboard) = s.only("aws_cloudwatch_dashboard");
    assert_eq!(dashboard["dashboard_name"], "tap-items-dev");
    let body = jsonencoded(&dashboard["dashboard_body"]);
    let mut shown = BTreeSet::new();
    for widget in body["widgets"].as_array().unwrap() {
        assert_eq!(widget["properties"]["region"], "us-west-2");
        for line in widget["properties"]["metrics"].as_array().unwrap() {
            shown.insert((line[0].as_str().unwrap().to_owned(), line[1].as_str().unwrap().to_owned()));
        }
    }
    for alarm in s.all("aws_cloudwatch_metric_alarm").values() {
        let metrics: Vec<(String, String)> = match alarm.get("metric_query") {
            Some(queries) => queries.as_array().unwrap().iter().filter(|q| q.get("metric").is_some()).map(|q| {
                let m = block(q, "metric");
                (m["namespace"].as_str().unwrap().to_owned(), m["metric_name"].as_str().unwrap().to_owned())
            }).collect(),
            None => vec![(alarm["namespace"].as_str().unwrap().to_owned(), alarm["metric_name"].as_str().unwrap().to_owned())],
        };
        for m in metrics {
            assert!(shown.contains(&m), "the dashboard does not show {m:?}");
        }
    }
}

#[test]
fn the_function_is_configured_as_specified() {
    let s = default();
    let (_, f) = s.only("aws_lambda_function");
    assert_eq!(f["runtime"], "python3.12");
    assert_eq!(f["architectures"], serde_json::json!(["arm64"]));
    assert_eq!(f["handler"], "handler.handler");
    assert_eq!(block(f, "tracing_config")["mode"], "Active");
    let logging = block(f, "logging_config");
    assert_eq!(logging["log_format"], "JSON");
    assert_eq!(logging["log_group"], "${aws_cloudwatch_log_group.handler_logs.name}");
    assert!(f["reserved_concurrent_executions"].as_i64().unwrap() > 0);
    let timeout = f["timeout"].as_i64().unwrap();
    assert!((3..29).contains(&timeout), "API Gateway waits at most 29 s");
    assert!((128..=1024).contains(&f["memory_size"].as_i64().unwrap()));
    assert!(f.get("dead_letter_config").is_none(), "synchronous invocations do not use a DLQ");
}
