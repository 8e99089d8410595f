//! `PrivateFunction`: private subnets only, an egress-only security group,
//! a role that grants exactly what the caller lists, encrypted logs, X-Ray.

use std::collections::BTreeMap;

use tap::prelude::*;
use tap::testing::{absent, any_element, json, reference_to, Template};
use tap_aws::function::{Egress, PrivateFunction};
use tap_aws::iam::Grant;
use tap_aws::{Account, Naming};

struct Worker {
    /// Route the subnet's default traffic to an internet gateway.
    public_subnet: bool,
}

#[stack(name = "worker")]
impl Worker {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-east-2"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new("us-east-2", &caller, &partition);
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let subnet = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24", map_public_ip_on_launch: false });
        let routes = resource!(aws_route_table.a { vpc_id: vpc.id });
        resource!(aws_route_table_association.a { subnet_id: subnet.id, route_table_id: routes.id });
        if self.public_subnet {
            let igw = resource!(aws_internet_gateway.main { vpc_id: vpc.id });
            resource!(aws_route.internet { route_table_id: routes.id, destination_cidr_block: "0.0.0.0/0", gateway_id: igw.id });
        }
        let queue = resource!(aws_sqs_queue.jobs { name: "jobs", sqs_managed_sse_enabled: true });
        let code = stack.asset(Asset::zip("worker", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/function.rs")));
        let worker = PrivateFunction {
            grants: vec![Grant::new("Jobs", ["sqs:DeleteMessage", "sqs:ReceiveMessage"], [queue.attr("arn")])],
            environment: BTreeMap::from([("QUEUE_URL".to_owned(), queue.attr("url"))]),
            egress: vec![Egress::anywhere("HTTPS to SQS through the NAT")],
            reserved_concurrency: Some(5),
            ..PrivateFunction::new("worker", Naming::new("acme-", "-qa"), "python3.12", "main.handler")
        };
        worker.build(&mut stack.scope("worker"), &code, &key, &vpc, &[subnet], &aws);
    }
}

fn policy(t: &Template) -> String {
    t.resource("aws_iam_role_policy.worker_policy").unwrap().get("policy").unwrap().as_str().unwrap().to_owned()
}

#[test]
fn the_function_runs_in_the_given_subnets_traced_with_encrypted_environment_and_logs() {
    let t = Template::of(&Worker { public_subnet: false });
    t.assert_resource("aws_lambda_function", json!({
        "function_name": "acme-worker-qa",
        "architectures": ["arm64"],
        "tracing_config": [{ "mode": "Active" }],
        "vpc_config": [{ "subnet_ids": ["${aws_subnet.a.id}"], "security_group_ids": ["${aws_security_group.worker_sg.id}"] }],
        "kms_key_arn": reference_to("aws_kms_key.main.arn"),
        "environment": [{ "variables": { "QUEUE_URL": "${aws_sqs_queue.jobs.url}" } }],
        "logging_config": [{ "log_format": "JSON", "log_group": reference_to("aws_cloudwatch_log_group.worker_logs.name") }],
        "reserved_concurrent_executions": 5,
        "dead_letter_config": absent(),
        "depends_on": ["aws_cloudwatch_log_group.worker_logs", "aws_iam_role_policy.worker_policy"],
    }));
    t.assert_resource("aws_cloudwatch_log_group", json!({ "name": "/aws/lambda/acme-worker-qa", "retention_in_days": 365, "kms_key_id": reference_to("aws_kms_key.main.arn") }));
}

#[test]
fn the_security_group_has_no_ingress_and_https_egress_only() {
    let t = Template::of(&Worker { public_subnet: false });
    let sg = t.assert_resource("aws_security_group", json!({ "name": "acme-worker-function-qa", "ingress": [] }));
    let egress = sg.get("egress").unwrap().as_array().unwrap();
    assert_eq!(egress.len(), 1);
    assert_eq!(egress[0]["protocol"], "tcp");
    assert_eq!((egress[0]["from_port"].as_i64(), egress[0]["to_port"].as_i64()), (Some(443), Some(443)));
}

#[test]
fn the_role_is_for_lambda_in_this_account_and_grants_exactly_the_callers_actions() {
    let t = Template::of(&Worker { public_subnet: false });
    let role = t.resource("aws_iam_role.worker_role").unwrap();
    let trust = role.get("assume_role_policy").unwrap().as_str().unwrap();
    assert!(trust.contains("\"Service\" = \"lambda.amazonaws.com\"") && trust.contains("\"aws:SourceAccount\" = data.aws_caller_identity.current.account_id"), "{trust}");
    t.assert_resource("aws_lambda_function", json!({ "role": reference_to("aws_iam_role.worker_role.arn") }));

    let p = policy(&t);
    assert!(p.contains("{\"Action\" = [\"sqs:DeleteMessage\", \"sqs:ReceiveMessage\"], \"Effect\" = \"Allow\", \"Resource\" = aws_sqs_queue.jobs.arn, \"Sid\" = \"Jobs\"}"), "{p}");
    // Beyond the grant: what a VPC function needs to run, and nothing else.
    let sids: Vec<&str> = p.match_indices("\"Sid\" = \"").map(|(i, _)| p[i + 9..].split('"').next().unwrap()).collect();
    assert_eq!(sids, ["Jobs", "VpcNetworkInterfaces", "XRayTraces", "DecryptEnvironment", "OwnLogGroup"]);
    assert!(p.contains("\"Resource\" = \"${aws_cloudwatch_log_group.worker_logs.arn}:log-stream:*\""), "{p}");
    assert!(p.contains("\"Action\" = [\"kms:Decrypt\"], \"Effect\" = \"Allow\", \"Resource\" = aws_kms_key.main.arn"), "{p}");
    assert!(!p.contains(":*\"]") && !p.contains("logs:CreateLogGroup"), "{p}");
    t.assert_no_resource("aws_iam_role_policy_attachment", json!({}));
}

#[test]
fn a_public_subnet_fails_synthesis_naming_the_instance() {
    let t = Template::synth_allowing_findings(&Worker { public_subnet: true }).unwrap();
    let row = t.assert_finding("TAP-LMB-002", "aws_lambda_function.worker_function");
    let instance = row.instance.as_deref().unwrap();
    assert!(instance.contains("`worker`") && instance.contains("PrivateFunction"), "{instance}");
    assert!(tap::synth::synthesize(&Worker { public_subnet: true }.build()).is_err());
    t.assert_resource("aws_lambda_function", json!({ "vpc_config": any_element(json!({ "subnet_ids": ["${aws_subnet.a.id}"] })) }));
}
