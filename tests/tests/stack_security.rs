//! Security properties of the tap-stack, read from the synthesized
//! Terraform JSON: where the function runs, what it may reach, what each
//! IAM principal may do, what is encrypted with what, and who may call the API.

mod stack_support;

use std::collections::BTreeSet;

use serde_json::Value as J;
use stack_support::*;
use tap::definition::StackDefinition;
use tap_stack::Config;

const ACCOUNT: &str = "${data.aws_caller_identity.current.account_id}";
const KEY_ARN: &str = "${aws_kms_key.main_key.arn}";

/// The subnets whose default route goes to an internet gateway.
fn public_subnets(s: &Synth) -> BTreeSet<String> {
    let igw_tables: BTreeSet<String> = s
        .all("aws_route")
        .values()
        .filter(|r| r["destination_cidr_block"] == "0.0.0.0/0" && r.get("gateway_id").is_some())
        .map(|r| parse_ref(r["route_table_id"].as_str().unwrap()).unwrap().address())
        .collect();
    s.all("aws_route_table_association")
        .values()
        .filter(|a| igw_tables.contains(&parse_ref(a["route_table_id"].as_str().unwrap()).unwrap().address()))
        .map(|a| parse_ref(a["subnet_id"].as_str().unwrap()).unwrap().address())
        .collect()
}

/// The subnets whose default route goes to a NAT gateway.
fn private_subnets(s: &Synth) -> BTreeSet<String> {
    let nat_tables: BTreeSet<String> = s
        .all("aws_route")
        .values()
        .filter(|r| r["destination_cidr_block"] == "0.0.0.0/0" && r.get("nat_gateway_id").is_some())
        .map(|r| parse_ref(r["route_table_id"].as_str().unwrap()).unwrap().address())
        .collect();
    s.all("aws_route_table_association")
        .values()
        .filter(|a| nat_tables.contains(&parse_ref(a["route_table_id"].as_str().unwrap()).unwrap().address()))
        .map(|a| parse_ref(a["subnet_id"].as_str().unwrap()).unwrap().address())
        .collect()
}

/// The DynamoDB operations `handler.py` calls, as IAM actions.
fn handler_table_actions() -> BTreeSet<String> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tap-stack/lambda/items/handler.py")).unwrap();
    let known = [
        ("get_item", "GetItem"),
        ("put_item", "PutItem"),
        ("update_item", "UpdateItem"),
        ("delete_item", "DeleteItem"),
        ("scan", "Scan"),
        ("query", "Query"),
        ("batch_get_item", "BatchGetItem"),
        ("batch_write_item", "BatchWriteItem"),
        ("batch_writer", "BatchWriteItem"),
        ("transact_get_items", "TransactGetItems"),
        ("transact_write_items", "TransactWriteItems"),
    ];
    let used: BTreeSet<String> = known.iter().filter(|(call, _)| source.contains(&format!(".{call}("))).map(|(_, action)| format!("dynamodb:{action}")).collect();
    assert!(!used.is_empty(), "found no DynamoDB call in handler.py");
    used
}

#[test]
fn the_function_runs_in_exactly_the_private_subnets() {
    for config in [Config::default(), Config { zones: 4, ..Config::default() }] {
        let s = synth(config);
        let (_, function) = s.only("aws_lambda_function");
        let vpc = block(function, "vpc_config");
        let used = targets(&vpc["subnet_ids"]);
        let private = private_subnets(&s);
        assert_eq!(private.len(), s.config.zones);
        assert_eq!(used, private, "the function's subnets are not the private subnets");
        assert!(used.is_disjoint(&public_subnets(&s)));
    }
}

#[test]
fn the_function_security_group_allows_https_egress_only_and_no_ingress() {
    let s = default();
    let (_, function) = s.only("aws_lambda_function");
    let groups = targets(&block(function, "vpc_config")["security_group_ids"]);
    assert_eq!(groups.len(), 1);
    let (_, sg) = s.only("aws_security_group");
    assert_eq!(groups.into_iter().next().unwrap(), format!("aws_security_group.{}", s.only("aws_security_group").0));
    assert_eq!(sg["ingress"], J::Array(vec![]), "ingress must be explicitly empty");
    let egress = sg["egress"].as_array().unwrap();
    assert!(!egress.is_empty());
    for rule in egress {
        assert_eq!(rule["protocol"], "tcp", "{rule}");
        assert_eq!((rule["from_port"].as_i64(), rule["to_port"].as_i64()), (Some(443), Some(443)), "{rule}");
        assert!(rule["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert_eq!(rule["ipv6_cidr_blocks"], J::Array(vec![]));
        assert_eq!(rule["security_groups"], J::Array(vec![]));
    }
    // DynamoDB is reached through the gateway endpoint's prefix list.
    assert!(egress.iter().any(|r| r["prefix_list_ids"] == serde_json::json!(["${aws_vpc_endpoint.network_endpoint_dynamodb.prefix_list_id}"])));
}

#[test]
fn no_iam_action_has_a_wildcard() {
    let s = default();
    let all = policies(&s);
    assert_eq!(all.len(), 9, "3 role policies, 3 trust policies, the key, endpoint and topic policies");
    for (address, attr, policy) in all {
        for st in statements(policy) {
            assert!(st.get("NotAction").is_none(), "{address}.{attr}: NotAction");
            assert!(st.get("NotResource").is_none(), "{address}.{attr}: NotResource");
            assert!(st.get("NotPrincipal").is_none(), "{address}.{attr}: NotPrincipal");
            for action in strs(&st["Action"]) {
                // The one exception: the key policy statement that hands the key
                // to the account's IAM policies (AWS's default key policy).
                if address == "aws_kms_key.main_key" && st["Sid"] == "AccountRootManagesTheKey" {
                    assert_eq!(action, "kms:*");
                    assert_eq!(st["Principal"]["AWS"], format!("arn:${{data.aws_partition.current.partition}}:iam::{ACCOUNT}:root"));
                    continue;
                }
                assert!(!action.contains('*') && !action.contains('?'), "{address}.{attr}: wildcard action `{action}`");
                assert!(action.split_once(':').is_some_and(|(svc, op)| !svc.is_empty() && !op.is_empty()), "{address}: `{action}`");
            }
            if let Some(principal) = st.get("Principal") {
                assert!(address == "aws_vpc_endpoint.network_endpoint_dynamodb" || principal != "*", "{address}: principal *");
            }
        }
    }
}

#[test]
fn the_function_may_call_exactly_the_table_operations_the_handler_uses_on_that_table_only() {
    let s = default();
    let (_, function) = s.only("aws_lambda_function");
    let (role, _, _) = s.target(&function["role"]);
    let role_ref = format!("${{{role}.id}}");
    let policies: Vec<&J> = s.all("aws_iam_role_policy").into_values().filter(|p| p["role"] == role_ref).collect();
    assert_eq!(policies.len(), 1, "the function role has one inline policy");
    let mut table_actions = BTreeSet::new();
    let mut all_actions = BTreeSet::new();
    for st in statements(&policies[0]["policy"]) {
        assert_eq!(st["Effect"], "Allow");
        assert!(st.get("Condition").is_none() || st["Sid"] != "ItemsTable");
        let actions = strs(&st["Action"]);
        let resources = strs(&st["Resource"]);
        for action in &actions {
            all_actions.insert(action.clone());
            let (service, _) = action.split_once(':').unwrap();
            match service {
                "dynamodb" => {
                    assert_eq!(resources, vec!["${aws_dynamodb_table.items_table.arn}"], "{action} is not scoped to the table");
                    table_actions.insert(action.clone());
                }
                "kms" => assert_eq!(resources, vec![KEY_ARN], "{action} is not scoped to the key"),
                "logs" => assert_eq!(resources, vec!["${aws_cloudwatch_log_group.handler_logs.arn}:log-stream:*"], "{action} reaches other log groups"),
                // EC2 cannot scope Describe*, X-Ray has no resources.
                "ec2" | "xray" => assert_eq!(resources, vec!["*"]),
                other => panic!("unexpected service {other} in the function policy"),
            }
        }
    }
    assert_eq!(table_actions, handler_table_actions(), "table actions differ from what handler.py calls");
    for needed in [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "kms:Decrypt",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ] {
        assert!(all_actions.contains(needed), "the function policy lacks {needed}");
    }
    assert!(!all_actions.contains("logs:CreateLogGroup"));
    // The stack's own copy of the list agrees with the handler too.
    let declared: BTreeSet<String> = tap_stack::stack::TABLE_ACTIONS.iter().map(|a| a.to_string()).collect();
    assert_eq!(declared, handler_table_actions());
    // And the function is created after its permissions.
    assert!(function["depends_on"].as_array().unwrap().contains(&J::from("aws_iam_role_policy.handler_policy")));
}

#[test]
fn every_role_is_assumable_only_by_its_service() {
    let s = default();
    let expected = [
        ("handler_role", "lambda.amazonaws.com", true),
        ("network_flow_logs", "vpc-flow-logs.amazonaws.com", true),
        ("api_cloudwatch", "apigateway.amazonaws.com", false),
    ];
    assert_eq!(s.all("aws_iam_role").len(), expected.len());
    for (name, service, source_account) in expected {
        let role = s.one("aws_iam_role", name);
        let trust = statements(&role["assume_role_policy"]);
        assert_eq!(trust.len(), 1, "{name}");
        let st = &trust[0];
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(strs(&st["Action"]), vec!["sts:AssumeRole"]);
        assert_eq!(st["Principal"], serde_json::json!({ "Service": service }), "{name}");
        if source_account {
            assert_eq!(st["Condition"]["StringEquals"]["aws:SourceAccount"], ACCOUNT, "{name} lacks the aws:SourceAccount condition");
        }
        assert!(role.get("managed_policy_arns").is_none() && role.get("inline_policy").is_none());
    }
    // One role per function.
    let roles: Vec<String> = s.all("aws_lambda_function").values().map(|f| f["role"].as_str().unwrap().to_owned()).collect();
    assert_eq!(roles.iter().collect::<BTreeSet<_>>().len(), roles.len());
}

#[test]
fn no_aws_managed_policy_is_used() {
    let s = default();
    for t in ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_policy"] {
        assert!(s.all(t).is_empty(), "{t} present");
    }
    for (path, text) in s.strings() {
        assert!(!text.contains(":iam::aws:policy/"), "managed policy at {path}");
    }
}

#[test]
fn the_api_gateway_logging_role_writes_log_groups_only() {
    let s = default();
    let (_, account) = s.only("aws_api_gateway_account");
    assert_eq!(account["cloudwatch_role_arn"], "${aws_iam_role.api_cloudwatch.arn}");
    let policy = s.one("aws_iam_role_policy", "api_cloudwatch");
    assert_eq!(policy["role"], "${aws_iam_role.api_cloudwatch.id}");
    let prefix = format!("arn:${{data.aws_partition.current.partition}}:logs:us-west-2:{ACCOUNT}:log-group:");
    for st in statements(&policy["policy"]) {
        for action in strs(&st["Action"]) {
            assert!(action.starts_with("logs:") && !action.contains('*'), "{action}");
            assert!(!["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DeleteLogGroup"].contains(&action.as_str()), "{action}: not needed to write logs");
        }
        for resource in strs(&st["Resource"]) {
            assert!(resource.starts_with(&prefix), "{resource} is not a log group of this account and region");
        }
    }
    assert!(account["depends_on"].as_array().unwrap().contains(&J::from("aws_iam_role_policy.api_cloudwatch")));
}

#[test]
fn the_key_rotates_and_its_policy_names_exactly_the_stacks_log_groups() {
    let s = default();
    let (_, key) = s.only("aws_kms_key");
    assert_eq!(key["enable_key_rotation"], true);
    assert_eq!(key["is_enabled"], true);
    assert_eq!(key["deletion_window_in_days"], 30);
    let st = statements(&key["policy"]);
    let sids: Vec<&str> = st.iter().map(|s| s["Sid"].as_str().unwrap()).collect();
    assert_eq!(sids, ["AccountRootManagesTheKey", "CloudWatchLogsForThisStacksLogGroups", "CloudWatchAlarmsPublishToTheAlarmTopic"]);
    for statement in &st {
        assert_eq!(statement["Effect"], "Allow");
        assert_eq!(strs(&statement["Resource"]), vec!["*"], "a key policy's `*` is the key itself");
    }

    // CloudWatch Logs, only in this region, only for the stack's log groups.
    let logs = &st[1];
    assert_eq!(logs["Principal"]["Service"], "logs.us-west-2.amazonaws.com");
    let named: BTreeSet<String> = strs(&logs["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]).into_iter().collect();
    let prefix = format!("arn:${{data.aws_partition.current.partition}}:logs:us-west-2:{ACCOUNT}:log-group:");
    let groups: BTreeSet<String> = s
        .all("aws_cloudwatch_log_group")
        .values()
        .map(|g| {
            let name = g["name"].as_str().unwrap();
            format!("{prefix}{name}")
        })
        .collect();
    assert_eq!(groups.len(), 5);
    assert_eq!(named, groups, "the key policy's log groups differ from the stack's");
    for action in strs(&logs["Action"]) {
        assert!(action.starts_with("kms:") && !action.contains('*'), "{action}");
    }

    // CloudWatch alarms may use the key to publish to the encrypted topic.
    let alarms = &st[2];
    assert_eq!(alarms["Principal"]["Service"], "cloudwatch.amazonaws.com");
    assert_eq!(strs(&alarms["Action"]), vec!["kms:Decrypt", "kms:GenerateDataKey"]);

    let (_, alias) = s.only("aws_kms_alias");
    assert_eq!(alias["target_key_id"], "${aws_kms_key.main_key.key_id}");
    assert_eq!(alias["name"], "alias/tap-items-dev");
}

#[test]
fn data_logs_topic_and_function_environment_are_encrypted_with_the_key() {
    let s = default();
    let (_, table) = s.only("aws_dynamodb_table");
    assert_eq!(block(table, "server_side_encryption")["enabled"], true);
    assert_eq!(block(table, "server_side_encryption")["kms_key_arn"], KEY_ARN);
    assert_eq!(block(table, "point_in_time_recovery")["enabled"], true);
    assert_eq!(table["billing_mode"], "PAY_PER_REQUEST");
    assert_eq!(table["hash_key"], "id");
    assert_eq!(table["attribute"], serde_json::json!([{ "name": "id", "type": "S" }]));
    assert_eq!(table["deletion_protection_enabled"], true);

    let groups = s.all("aws_cloudwatch_log_group");
    assert_eq!(groups.len(), 5);
    let aws = tap::schema::Descriptor::embedded("aws").unwrap();
    let Some(tap::schema::descriptor::Accepted::Ints(retention_days)) = aws.accepted("aws_cloudwatch_log_group", "retention_in_days") else {
        panic!("the AWS descriptor lists the accepted retention periods")
    };
    for (name, g) in groups {
        assert_eq!(g["kms_key_id"], KEY_ARN, "log group {name}");
        let days = g["retention_in_days"].as_i64().unwrap_or_else(|| panic!("log group {name} has no retention"));
        assert!(retention_days.contains(&days) && days >= 365, "log group {name}: {days} days");
    }

    let (_, topic) = s.only("aws_sns_topic");
    assert_eq!(topic["kms_master_key_id"], KEY_ARN);

    let (_, function) = s.only("aws_lambda_function");
    assert_eq!(function["kms_key_arn"], KEY_ARN);
    let variables = &block(function, "environment")["variables"];
    assert_eq!(variables["TABLE_NAME"], "${aws_dynamodb_table.items_table.name}");
    assert_eq!(variables["LOG_LEVEL"], "INFO");
}

#[test]
fn throwaway_turns_deletion_protection_off() {
    let s = synth(Config { throwaway: true, ..Config::default() });
    assert_eq!(s.only("aws_dynamodb_table").1["deletion_protection_enabled"], false);
    assert_eq!(s.only("aws_kms_key").1["deletion_window_in_days"], 7);
}

#[test]
fn every_method_requires_iam_authorization_by_default() {
    let s = default();
    let methods = s.all("aws_api_gateway_method");
    assert_eq!(methods.len(), 6);
    for (name, m) in methods {
        assert_eq!(m["authorization"], "AWS_IAM", "method {name}");
    }
    assert_eq!(s.doc["output"]["api_authorization"]["value"], "AWS_IAM");
    // The one suppression by default is the endpoint's (see the organisation policy test).
    let suppressed: Vec<&J> = s.doc["//"]["tap"]["suppressions"].as_array().unwrap().iter().collect();
    assert_eq!(suppressed.len(), 1, "{suppressed:?}");
    assert_eq!(suppressed[0]["rule"], "ORG-POL-001");
}

#[test]
fn the_demo_flag_opens_the_api_and_says_so() {
    let config = Config { open_api: true, ..Config::default() };
    let s = synth(config.clone());
    for (name, m) in s.all("aws_api_gateway_method") {
        assert_eq!(m["authorization"], "NONE", "method {name}");
    }
    assert!(s.doc["output"]["api_authorization"]["value"].as_str().unwrap().contains("ANYONE"));
    // The policy report and the configuration record the exception with its reason.
    let report = read_json(&s.dir.join("policy-report.json"));
    assert!(report["suppressed"].as_u64().unwrap() >= 6, "{report}");
    let recorded: Vec<&J> = s.doc["//"]["tap"]["suppressions"].as_array().unwrap().iter().filter(|r| r["rule"] == "TAP-APG-003").collect();
    assert_eq!(recorded.len(), 6, "{recorded:?}");
    for row in recorded {
        assert!(row["address"].as_str().unwrap().starts_with("aws_api_gateway_method."));
        assert!(row["reason"].as_str().unwrap().contains("--demo-open-api"));
    }
    // And the command's summary shouts it.
    let (stack, synthesized) = tap_stack::synthesize(&config).unwrap();
    let summary = tap_stack::summary(&config, &s.dir, &stack, &synthesized);
    assert!(summary.starts_with("WARNING: --demo-open-api"), "{summary}");
    assert!(summary.trim_end().ends_with(tap_stack::OPEN_API_WARNING));
}

#[test]
fn lambda_permissions_are_scoped_to_this_api_stage_and_route() {
    let s = default();
    let permissions = s.all("aws_lambda_permission");
    let mut routes = BTreeSet::new();
    for (name, p) in &permissions {
        assert_eq!(p["principal"], "apigateway.amazonaws.com", "{name}");
        assert_eq!(p["action"], "lambda:InvokeFunction");
        assert_eq!(p["function_name"], "${aws_lambda_function.handler_function.function_name}");
        let arn = p["source_arn"].as_str().unwrap();
        let route = arn.strip_prefix("${aws_api_gateway_rest_api.items.execution_arn}/v1/").unwrap_or_else(|| panic!("{name}: {arn} is not this API's v1 stage"));
        assert!(!route.starts_with('*'), "{name}: any method");
        routes.insert(route.to_owned());
    }
    let expected: BTreeSet<String> = ["GET/items", "POST/items", "GET/items/*", "PUT/items/*", "DELETE/items/*", "GET/health"].map(String::from).into_iter().collect();
    assert_eq!(routes, expected);
}

#[test]
fn the_organisation_policy_holds_with_one_precise_exception() {
    let s = default();
    // Every resource is owned and paid for, through the provider's default tags.
    let tags = &s.doc["provider"]["aws"][0]["default_tags"][0]["tags"];
    assert_eq!(tags["owner"], Config::default().owner);
    assert_eq!(tags["cost-center"], Config::default().cost_center);
    for (name, group) in s.all("aws_cloudwatch_log_group") {
        assert!(group["retention_in_days"].as_i64().unwrap() >= 365, "log group {name}");
    }
    // The one exception, on the network's instance, names the DynamoDB
    // gateway endpoint's `*` principal and covers nothing else; the report
    // records what it covered.
    let report = read_json(&s.dir.join("policy-report.json"));
    let exceptions: Vec<&J> = report["suppressions"].as_array().unwrap().iter().filter(|x| x["rule"] == "ORG-POL-001").collect();
    assert_eq!(exceptions.len(), 1, "{report}");
    assert!(exceptions[0]["on"].as_str().unwrap().starts_with("instance `network` of component `PrivateNetwork`"), "{report}");
    assert_eq!(exceptions[0]["finding"], "endpoint_dynamodb.policy.Statement[0].Principal");
    assert_eq!(exceptions[0]["covered"], serde_json::json!(["aws_vpc_endpoint.network_endpoint_dynamodb.policy.Statement[0].Principal"]));
    assert_eq!(report["failures"], 0);
}

#[test]
fn the_organisation_policy_runs_at_synthesis_and_its_tag_rules_cannot_be_suppressed() {
    let config = Config::default();
    let mut stack = tap_stack::ItemsStack::new(config).build();
    assert_eq!(stack.policy.org_policy.as_ref().map(|p| p.file.as_str()), Some("org-policy.toml"));
    // Without the default tags, every taggable resource fails, and a
    // suppression of the tag rule is itself an error.
    stack.providers[0].default_tags.clear();
    stack.policy.suppress(tap::graph::Suppression::new("ORG-TAG-001", "the platform team owns everything in this account"));
    let Err(tap::synth::SynthError::Policy { report }) = tap::synth::synthesize(&stack) else { panic!("untagged resources must fail synthesis") };
    assert!(report.failures().any(|r| r.rule_id == "ORG-TAG-001" && r.location() == "aws_dynamodb_table.items_table.tags.owner"));
    assert!(report.failures().any(|r| r.rule_id == "ORG-TAG-002" && r.location() == "aws_kms_key.main_key.tags.cost-center"));
    assert!(!report.failures().any(|r| r.address.type_name == "aws_kms_alias"), "an alias has no tags");
    assert_eq!(report.suppression_errors[0].message(), "stack-wide suppression of `ORG-TAG-001`: `org-policy.toml` marks the rule unsuppressible");
}
