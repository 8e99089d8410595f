//! The queue worker's properties, asserted on the Terraform JSON it
//! synthesizes: encryption with the stack's key, the dead-letter redrive,
//! the queue -> function wiring, the function's network and tracing, the
//! role's exact grants, the table's recovery, alarms, outputs, determinism
//! and tap's security rules.

use queue_worker::QueueWorker;
use tap::prelude::StackDefinition;
use tap::testing::{absent, any_element, exactly, json, reference_to, string_containing, Template};

const KEY_ARN: &str = "aws_kms_key.main_key.arn";
const QUEUE: &str = "aws_sqs_queue.jobs_queue";
const DEAD_LETTER: &str = "aws_sqs_queue.jobs_dead_letter";
const TABLE: &str = "aws_dynamodb_table.results_table";

fn template() -> Template {
    Template::of(&QueueWorker::default())
}

/// The document inside a `${jsonencode({...})}` string as JSON, its
/// references (`aws_sqs_queue.jobs_queue.arn`) as `"${...}"` strings, so a
/// policy is compared statement by statement, not by substring.
fn jsonencoded(text: &str) -> serde_json::Value {
    let inner = text.strip_prefix("${jsonencode(").and_then(|t| t.strip_suffix(")}")).unwrap_or_else(|| panic!("not a jsonencode string: {text}"));
    let (mut out, mut chars) = (String::new(), inner.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '=' => out.push(':'),
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut token = String::from(c);
                while let Some(&n) = chars.peek().filter(|n| n.is_ascii_alphanumeric() || **n == '_' || **n == '.') {
                    token.push(n);
                    chars.next();
                }
                let literal = token.parse::<f64>().is_ok() || ["true", "false", "null"].contains(&token.as_str());
                out.push_str(&if literal { token } else { format!("\"${{{token}}}\"") });
            }
            other => out.push(other),
        }
    }
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn attribute(t: &Template, address: &str, path: &str) -> String {
    let value = t.resource(address).unwrap_or_else(|| panic!("no {address}")).get(path).unwrap_or_else(|| panic!("{address} has no {path}"));
    value.as_str().unwrap_or_else(|| panic!("{address}.{path} is not a string")).to_owned()
}

fn seconds(t: &Template, address: &str, path: &str) -> i64 {
    t.resource(address).and_then(|r| r.get(path)).and_then(|v| v.as_i64()).unwrap_or_else(|| panic!("{address}.{path} is not a number"))
}

#[test]
fn both_queues_are_encrypted_with_the_stacks_key() {
    let t = template();
    t.assert_resource_count("aws_sqs_queue", 2);
    for name in ["qw-jobs-dev", "qw-jobs-dlq-dev"] {
        t.assert_resource("aws_sqs_queue", json!({ "name": name, "kms_master_key_id": reference_to(KEY_ARN), "sqs_managed_sse_enabled": absent() }));
    }
    // The key rotates, and is the one the rest of the stack uses.
    t.assert_resource("aws_kms_key", json!({ "enable_key_rotation": true }));
    t.assert_resource_count("aws_kms_key", 1);
}

#[test]
fn a_message_that_keeps_failing_moves_to_the_dead_letter_queue_and_only_there() {
    let t = template();
    assert_eq!(jsonencoded(&attribute(&t, QUEUE, "redrive_policy")), json!({ "deadLetterTargetArn": format!("${{{DEAD_LETTER}.arn}}"), "maxReceiveCount": 5 }));
    t.assert_resource("aws_sqs_queue_redrive_allow_policy", json!({ "queue_url": reference_to(&format!("{DEAD_LETTER}.url")) }));
    let allow = attribute(&t, "aws_sqs_queue_redrive_allow_policy.jobs_dead_letter_sources", "redrive_allow_policy");
    assert_eq!(jsonencoded(&allow), json!({ "redrivePermission": "byQueue", "sourceQueueArns": [format!("${{{QUEUE}.arn}}")] }));
    // SQS keeps the original enqueue time when it moves a message.
    assert!(seconds(&t, DEAD_LETTER, "message_retention_seconds") > seconds(&t, QUEUE, "message_retention_seconds"));
    assert!(t.resource(DEAD_LETTER).unwrap().get("redrive_policy").is_none(), "the dead-letter queue redrives nowhere");
}

#[test]
fn both_queues_refuse_requests_without_tls() {
    let t = template();
    for queue in [QUEUE, DEAD_LETTER] {
        let policy = t.assert_resource("aws_sqs_queue_policy", json!({ "queue_url": reference_to(&format!("{queue}.url")) }));
        let document = jsonencoded(policy.get("policy").unwrap().as_str().unwrap());
        let deny = json!({
            "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": format!("${{{queue}.arn}}"),
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        });
        assert!(tap::testing::matches(&json!({ "Statement": [deny] }), &document), "{document}");
    }
}

#[test]
fn the_event_source_mapping_wires_the_queue_to_the_function_with_partial_batch_responses() {
    let t = template();
    t.assert_resource_count("aws_lambda_event_source_mapping", 1);
    t.assert_resource("aws_lambda_event_source_mapping", json!({
        "event_source_arn": reference_to(&format!("{QUEUE}.arn")),
        "function_name": reference_to("aws_lambda_function.worker_function.arn"),
        "batch_size": 10,
        "function_response_types": ["ReportBatchItemFailures"],
        "scaling_config": [{ "maximum_concurrency": 5 }],
        "enabled": true,
    }));
    let t = Template::of(&QueueWorker { batch_size: 25, maximum_concurrency: 8, ..QueueWorker::default() });
    t.assert_resource_with("aws_lambda_event_source_mapping", "batch_size", 25);
    // The function's reserved concurrency stays above what the queue may drive.
    t.assert_resource_with("aws_lambda_function", "reserved_concurrent_executions", 16);
}

#[test]
fn a_received_message_stays_hidden_for_six_function_timeouts() {
    let t = template();
    let timeout = seconds(&t, "aws_lambda_function.worker_function", "timeout");
    assert_eq!(seconds(&t, QUEUE, "visibility_timeout_seconds"), 6 * timeout);
}

#[test]
fn the_function_runs_in_the_private_subnets_traced_and_reaches_only_dynamodb() {
    let t = template();
    t.assert_resource("aws_lambda_function", json!({
        "function_name": "qw-worker-dev",
        "handler": "handler.handler",
        "tracing_config": [{ "mode": "Active" }],
        "vpc_config": [{
            "subnet_ids": ["${aws_subnet.network_private_0.id}", "${aws_subnet.network_private_1.id}"],
            "security_group_ids": ["${aws_security_group.worker_sg.id}"],
        }],
        "environment": [{ "variables": { "TABLE_NAME": format!("${{{TABLE}.name}}") } }],
        "kms_key_arn": reference_to(KEY_ARN),
        "filename": "${path.module}/assets/worker.zip",
    }));
    // Private: their default route goes to the NAT, never the internet gateway.
    for i in 0..2 {
        t.assert_resource("aws_route_table_association", json!({ "subnet_id": format!("${{aws_subnet.network_private_{i}.id}}"), "route_table_id": format!("${{aws_route_table.network_private_{i}.id}}") }));
        t.assert_resource("aws_route", json!({ "route_table_id": format!("${{aws_route_table.network_private_{i}.id}}"), "nat_gateway_id": reference_to("aws_nat_gateway"), "gateway_id": absent() }));
    }
    // No ingress; HTTPS egress to the DynamoDB endpoint's prefix list alone.
    let sg = t.assert_resource("aws_security_group", json!({ "ingress": [] }));
    let egress = sg.get("egress").unwrap();
    assert!(
        tap::testing::matches(&json!([{ "from_port": 443, "to_port": 443, "cidr_blocks": [], "prefix_list_ids": [reference_to("aws_vpc_endpoint.network_endpoint_dynamodb.prefix_list_id")] }]), egress),
        "{egress}"
    );
    t.assert_resource("aws_vpc_endpoint", json!({ "vpc_endpoint_type": "Gateway", "service_name": "com.amazonaws.us-west-2.dynamodb", "route_table_ids": ["${aws_route_table.network_private_0.id}", "${aws_route_table.network_private_1.id}"] }));
}

#[test]
fn the_role_may_do_exactly_the_queue_and_table_actions_on_those_resources() {
    let t = template();
    let policy = jsonencoded(&attribute(&t, "aws_iam_role_policy.worker_policy", "policy"));
    let statements = policy["Statement"].as_array().unwrap();
    let by_sid = |sid: &str| statements.iter().find(|s| s["Sid"] == sid).unwrap_or_else(|| panic!("no statement {sid} in {policy}"));
    assert_eq!(by_sid("ReceiveFromTheJobsQueue"), &json!({
        "Sid": "ReceiveFromTheJobsQueue", "Effect": "Allow",
        "Action": ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        "Resource": format!("${{{QUEUE}.arn}}"),
    }));
    assert_eq!(by_sid("DecryptTheJobsQueue"), &json!({ "Sid": "DecryptTheJobsQueue", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": format!("${{{KEY_ARN}}}") }));
    assert_eq!(by_sid("WriteTheResultsTable"), &json!({
        "Sid": "WriteTheResultsTable", "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        "Resource": format!("${{{TABLE}.arn}}"),
    }));
    // No other statement names SQS, DynamoDB or KMS beyond decrypting with the key.
    for s in statements {
        let actions: Vec<&str> = s["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let sid = s["Sid"].as_str().unwrap();
        if !["ReceiveFromTheJobsQueue", "WriteTheResultsTable"].contains(&sid) {
            assert!(actions.iter().all(|a| !a.starts_with("sqs:") && !a.starts_with("dynamodb:")), "{sid} grants {actions:?}");
        }
        if actions.iter().any(|a| a.starts_with("kms:")) {
            assert_eq!((actions.as_slice(), &s["Resource"]), (&["kms:Decrypt"][..], &json!(format!("${{{KEY_ARN}}}"))), "{sid}");
        }
        assert!(actions.iter().all(|a| !a.ends_with('*')), "{sid} grants a wildcard: {actions:?}");
    }
    assert_eq!(statements.len(), 7, "the three grants and PrivateFunction's four: {policy}");
    t.assert_resource("aws_iam_role", json!({ "assume_role_policy": string_containing("\"Service\" = \"lambda.amazonaws.com\"") }));
    t.assert_resource_count("aws_iam_role_policy_attachment", 0);
}

#[test]
fn the_gateway_endpoint_lets_the_vpc_reach_only_the_table_with_the_workers_operations() {
    let t = template();
    let document = jsonencoded(&attribute(&t, "aws_vpc_endpoint.network_endpoint_dynamodb", "policy"));
    assert_eq!(document["Statement"], json!([{
        "Sid": "OnlyTheResultsTable", "Effect": "Allow", "Principal": "*",
        "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        "Resource": format!("${{{TABLE}.arn}}"),
    }]));
}

#[test]
fn the_table_has_point_in_time_recovery_and_the_stacks_key() {
    let t = template();
    t.assert_resource("aws_dynamodb_table", json!({
        "name": "qw-results-dev",
        "billing_mode": "PAY_PER_REQUEST",
        "hash_key": "id",
        "attribute": any_element(json!({ "name": "id", "type": "S" })),
        "point_in_time_recovery": [{ "enabled": true }],
        "server_side_encryption": [{ "enabled": true, "kms_key_arn": reference_to(KEY_ARN) }],
        "deletion_protection_enabled": true,
    }));
}

#[test]
fn alarms_watch_the_backlog_the_dead_letters_and_the_function_errors() {
    let t = template();
    t.assert_resource_count("aws_cloudwatch_metric_alarm", 3);
    let topic = "${aws_sns_topic.alarms_topic.arn}";
    t.assert_resource("aws_cloudwatch_metric_alarm", json!({
        "namespace": "AWS/SQS", "metric_name": "ApproximateAgeOfOldestMessage", "statistic": "Maximum",
        "dimensions": exactly(json!({ "QueueName": format!("${{{QUEUE}.name}}") })),
        "threshold": 900, "comparison_operator": "GreaterThanThreshold", "alarm_actions": [topic],
    }));
    t.assert_resource("aws_cloudwatch_metric_alarm", json!({
        "namespace": "AWS/SQS", "metric_name": "ApproximateNumberOfMessagesVisible", "statistic": "Maximum",
        "dimensions": exactly(json!({ "QueueName": format!("${{{DEAD_LETTER}.name}}") })),
        "threshold": 1, "comparison_operator": "GreaterThanOrEqualToThreshold", "alarm_actions": [topic],
    }));
    t.assert_resource("aws_cloudwatch_metric_alarm", json!({
        "namespace": "AWS/Lambda", "metric_name": "Errors", "statistic": "Sum",
        "dimensions": { "FunctionName": "${aws_lambda_function.worker_function.function_name}" },
        "threshold": 1, "alarm_actions": [topic],
    }));
    t.assert_resource("aws_sns_topic", json!({ "kms_master_key_id": reference_to(KEY_ARN) }));
    // CloudWatch may use the key for the topic; Logs only for this stack's two groups.
    let key_policy = attribute(&t, "aws_kms_key.main_key", "policy");
    assert!(key_policy.contains("\"Service\" = \"cloudwatch.amazonaws.com\""), "{key_policy}");
    assert!(key_policy.contains("log-group:/aws/lambda/qw-worker-dev") && key_policy.contains("log-group:/aws/vpc/flow-logs/qw-vpc-dev"), "{key_policy}");
}

#[test]
fn outputs_name_the_queue_url_and_the_table() {
    let t = template();
    t.assert_output("queue_url", json!({ "value": reference_to(&format!("{QUEUE}.url")), "description": string_containing("jobs queue") }));
    t.assert_output("table_name", json!({ "value": reference_to(&format!("{TABLE}.name")) }));
    t.assert_output("dead_letter_queue_url", json!({ "value": reference_to(&format!("{DEAD_LETTER}.url")) }));
}

#[test]
fn synthesis_is_deterministic_zip_included() {
    let first = tap::synth::synthesize(&QueueWorker::default().build()).unwrap_or_else(|e| panic!("{e}"));
    let second = tap::synth::synthesize(&QueueWorker::default().build()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.files.keys().collect::<Vec<_>>(), ["assets/worker.zip", "cdk.tf.json", "policy-report.json", "policy-report.sarif", "versions.tf.json"]);
    for (name, bytes) in &first.files {
        assert!(*bytes == second.files[name], "{name} differs between two runs");
    }
    // The zip is the handler alone: no tests, caches or dot files.
    let zip = String::from_utf8_lossy(&first.files["assets/worker.zip"]).into_owned();
    assert!(zip.contains("handler.py") && !zip.contains("test_") && !zip.contains("__pycache__") && !zip.contains("conftest"));
    // source_code_hash is that zip's hash, so Terraform redeploys exactly when the code changes.
    let t = template();
    let hash = attribute(&t, "aws_lambda_function.worker_function", "source_code_hash");
    assert_eq!(hash.len(), 44, "base64 SHA-256: {hash}");
    assert_eq!(t.file("assets/worker.zip").unwrap(), first.files["assets/worker.zip"].as_slice());
}

#[test]
fn every_security_rule_passes_with_no_suppression() {
    let t = Template::synth(&QueueWorker::default()).unwrap_or_else(|e| panic!("{e}"));
    let report = t.report();
    assert!(report.evaluated > 0);
    assert_eq!(report.failures().count(), 0);
    assert_eq!(report.suppressed().count(), 0, "the example needs no exception");
    assert_eq!(t.findings().count(), 0);
}
