//! The passing case of every security rule: each resource here is one a
//! rule looks at, written the compliant way (plus a few the rules must
//! leave alone), and every stack compiles and synthesizes with no finding.
//! This file: networking, compute, Lambda, API Gateway, logs and KMS.
//! `policy_compliant_data.rs`: S3, DynamoDB, SNS, SQS and IAM.

use tap::graph::Graph;
use tap::policy::{evaluate_rules, Outcome};
use tap::prelude::*;
use tap::synth;

/// A VPC whose private subnets route to the internet through a NAT gateway,
/// a Lambda function in them behind API Gateway, and an instance.
pub struct Compute {
    pub region: String,
}

#[stack(name = "compute")]
impl Compute {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws(&self.region));

        // TAP-EC2-002: no `map_public_ip_on_launch` (or `false`).
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16", enable_dns_support: true, enable_dns_hostnames: true });
        let igw = resource!(aws_internet_gateway.main { vpc_id: vpc.id });
        let public = resource!(aws_subnet.public {
            vpc_id: vpc.id,
            cidr_block: "10.0.0.0/24",
            map_public_ip_on_launch: false,
        });
        let public_rt = resource!(aws_route_table.public { vpc_id: vpc.id });
        let _public_default = resource!(aws_route.public_default {
            route_table_id: public_rt.id,
            destination_cidr_block: "0.0.0.0/0",
            gateway_id: igw.id,
        });
        let _public_assoc = resource!(aws_route_table_association.public { subnet_id: public.id, route_table_id: public_rt.id });
        let nat_ip = resource!(aws_eip.nat { domain: "vpc" });
        let nat = resource!(aws_nat_gateway.main { allocation_id: nat_ip.id, subnet_id: public.id });

        // TAP-LMB-002: the function's subnets send `0.0.0.0/0` to the NAT gateway.
        let private_a = resource!(aws_subnet.private_a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24" });
        let private_b = resource!(aws_subnet.private_b { vpc_id: vpc.id, cidr_block: "10.0.2.0/24" });
        let private_rt = resource!(aws_route_table.private { vpc_id: vpc.id });
        let _private_default = resource!(aws_route.private_default {
            route_table_id: private_rt.id,
            destination_cidr_block: "0.0.0.0/0",
            nat_gateway_id: nat.id,
        });
        let _private_a = resource!(aws_route_table_association.private_a { subnet_id: private_a.id, route_table_id: private_rt.id });
        let _private_b = resource!(aws_route_table_association.private_b { subnet_id: private_b.id, route_table_id: private_rt.id });

        // TAP-EC2-001: ingress only from the VPC, a narrow range or another
        // security group; egress to the internet is not ingress.
        let api_sg = resource!(aws_security_group.api {
            name: "api",
            vpc_id: vpc.id,
            ingress { protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: [vpc.cidr_block] }
            egress { protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }
        });
        let admin_sg = resource!(aws_security_group.admin { name: "admin", vpc_id: vpc.id });
        let _office_ssh = resource!(aws_security_group_rule.office_ssh {
            type: "ingress",
            security_group_id: admin_sg.id,
            protocol: "tcp",
            from_port: 22,
            to_port: 22,
            cidr_blocks: ["203.0.113.0/24"],
        });
        let _all_out = resource!(aws_security_group_rule.all_out {
            type: "egress",
            security_group_id: admin_sg.id,
            protocol: "-1",
            from_port: 0,
            to_port: 0,
            ipv6_cidr_blocks: ["::/0"],
        });
        let _from_api = resource!(aws_vpc_security_group_ingress_rule.from_api {
            security_group_id: admin_sg.id,
            referenced_security_group_id: api_sg.id,
            ip_protocol: "tcp",
            from_port: 8080,
            to_port: 8080,
        });
        let _from_vpc = resource!(aws_vpc_security_group_ingress_rule.from_vpc {
            security_group_id: admin_sg.id,
            cidr_ipv4: vpc.cidr_block,
            ip_protocol: "tcp",
            from_port: 9090,
            to_port: 9090,
        });

        // TAP-EC2-003: no public address on the instance or the template.
        let _bastion = resource!(aws_instance.bastion {
            ami: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            subnet_id: private_a.id,
            vpc_security_group_ids: [admin_sg.id],
            associate_public_ip_address: false,
        });
        let _workers = resource!(aws_launch_template.workers {
            image_id: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            network_interfaces {
                device_index: 0,
                subnet_id: private_b.id,
                security_groups: [admin_sg.id],
                associate_public_ip_address: "false",
            }
        });

        // TAP-KMS-001: rotation on; an asymmetric signing key is not checked.
        let logs_key = resource!(aws_kms_key.logs { description: "log groups", enable_key_rotation: true });
        let _signing = resource!(aws_kms_key.signing {
            description: "release signing",
            customer_master_key_spec: "RSA_2048",
            key_usage: "SIGN_VERIFY",
        });

        // TAP-LOG-001 and TAP-LOG-002: retention and a KMS key.
        let _api_logs = resource!(aws_cloudwatch_log_group.api_fn {
            name: "/aws/lambda/api",
            retention_in_days: 30,
            kms_key_id: logs_key.arn,
        });
        let access_logs = resource!(aws_cloudwatch_log_group.access {
            name: "/aws/apigateway/api",
            retention_in_days: 365,
            kms_key_id: logs_key.arn,
        });

        // TAP-LMB-001 and TAP-LMB-002: in the VPC, in private subnets.
        let api_fn = resource!(aws_lambda_function.api {
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.13",
            handler: "app.handler",
            filename: "api.zip",
            vpc_config {
                subnet_ids: [private_a.id, private_b.id],
                security_group_ids: [api_sg.id],
            }
        });

        // TAP-LMB-003: the URL requires IAM authorization.
        let _url = resource!(aws_lambda_function_url.api { function_name: api_fn.function_name, authorization_type: "AWS_IAM" });

        // TAP-APG-001 and TAP-APG-002: traced, with access logs, on both stage kinds.
        let rest = resource!(aws_api_gateway_rest_api.rest { name: "rest" });
        let deployment = resource!(aws_api_gateway_deployment.rest { rest_api_id: rest.id });
        let _prod = resource!(aws_api_gateway_stage.prod {
            rest_api_id: rest.id,
            deployment_id: deployment.id,
            stage_name: "prod",
            xray_tracing_enabled: true,
            access_log_settings {
                destination_arn: access_logs.arn,
                format: tf::jsonencode({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", status: "$context.status" }),
            }
        });
        let http = resource!(aws_apigatewayv2_api.http { name: "http", protocol_type: "HTTP" });
        let _default = resource!(aws_apigatewayv2_stage.default {
            api_id: http.id,
            name: "$default",
            auto_deploy: true,
            access_log_settings {
                destination_arn: access_logs.arn,
                format: "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"status\":\"$context.status\"}",
            }
        });

        // TAP-APG-003: methods require authorization; CORS preflight (OPTIONS) is exempt.
        let _get = resource!(aws_api_gateway_method.root_get {
            rest_api_id: rest.id,
            resource_id: rest.root_resource_id,
            http_method: "GET",
            authorization: "AWS_IAM",
        });
        let _preflight = resource!(aws_api_gateway_method.root_options {
            rest_api_id: rest.id,
            resource_id: rest.root_resource_id,
            http_method: "OPTIONS",
            authorization: "NONE",
        });

        // TAP-LMB-004: a service principal limited to one source, and the stack's own account.
        let _from_rest = resource!(aws_lambda_permission.from_rest {
            action: "lambda:InvokeFunction",
            function_name: api_fn.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(rest.execution_arn, "/*/*"),
        });
        let me = data!(aws_caller_identity.current {});
        let _from_account = resource!(aws_lambda_permission.from_account {
            action: "lambda:InvokeFunction",
            function_name: api_fn.function_name,
            principal: me.account_id,
        });
    }
}

fn main() {
    let stack = Compute { region: "eu-west-1".into() }.build();
    let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.files.contains_key("cdk.tf.json"));
    assert_eq!(out.report.rows, Vec::new(), "a compliant stack has no finding, suppressed or not");
    // Each rule was evaluated, and found compliant, on at least one resource.
    let graph = Graph::new(&stack);
    let evaluations = evaluate_rules(&stack, &stack.policy, &graph).expect("the default packs exist");
    for id in ["TAP-APG-001", "TAP-APG-002", "TAP-APG-003", "TAP-EC2-001", "TAP-EC2-002", "TAP-EC2-003", "TAP-KMS-001", "TAP-LMB-001", "TAP-LMB-002", "TAP-LMB-003", "TAP-LMB-004", "TAP-LOG-001", "TAP-LOG-002"] {
        assert!(evaluations.iter().any(|e| e.rule.id() == id && e.outcome == Outcome::Compliant), "no resource passes {id}");
    }
}
