//! The passing case of every security rule, continued from
//! `policy_compliant.rs`: S3, DynamoDB, SNS, SQS and IAM, written the
//! compliant way; the stack compiles and synthesizes with no finding.

use tap::graph::Graph;
use tap::policy::{evaluate_rules, Outcome};
use tap::prelude::*;
use tap::synth;

pub struct Data {
    pub region: String,
    pub env: String,
}

#[stack(name = "data")]
impl Data {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws(&self.region));

        let key = resource!(aws_kms_key.data { description: "data at rest", enable_key_rotation: true });

        // TAP-S3-001 and TAP-S3-002: default encryption and all four public
        // access block flags, attached by `.id` and by `.bucket`.
        let assets = resource!(aws_s3_bucket.assets { bucket: format!("assets-{}", self.env) });
        let _assets_sse = resource!(aws_s3_bucket_server_side_encryption_configuration.assets {
            bucket: assets.id,
            rule {
                apply_server_side_encryption_by_default { sse_algorithm: "aws:kms", kms_master_key_id: key.arn }
                bucket_key_enabled: true,
            }
        });
        let _assets_block = resource!(aws_s3_bucket_public_access_block.assets {
            bucket: assets.bucket,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        });

        // TAP-DDB-001 and TAP-DDB-002.
        let _items = resource!(aws_dynamodb_table.items {
            name: "items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });

        // TAP-SNS-001: a customer managed key, or the AWS managed one.
        let _events = resource!(aws_sns_topic.events { name: "events", kms_master_key_id: key.id });
        let _alerts = resource!(aws_sns_topic.alerts { name: "alerts", kms_master_key_id: "alias/aws/sns" });

        // TAP-SQS-001: a KMS key, or SQS managed encryption.
        let jobs = resource!(aws_sqs_queue.jobs { name: "jobs", kms_master_key_id: key.arn });
        let _retries = resource!(aws_sqs_queue.retries { name: "retries", sqs_managed_sse_enabled: true });

        // TAP-IAM-001: listed actions only, in `jsonencode`, in an inline
        // policy of the role and in a policy document; `Deny *` is fine, and
        // the trust policy is not checked.
        let worker = resource!(aws_iam_role.worker {
            name: "worker",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            inline_policy {
                name: "queue",
                policy: tf::jsonencode({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: jobs.arn }],
                }),
            }
        });
        let _tables = resource!(aws_iam_role_policy.tables {
            role: worker.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "s3:Get*"], Resource: "*" },
                    { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
                ],
            }),
        });
        let publish = data!(aws_iam_policy_document.publish {
            statement {
                effect: "Allow",
                actions: ["sns:Publish"],
                resources: ["*"],
            }
        });
        let publish_policy = resource!(aws_iam_policy.publish { name: "publish", policy: publish.json });

        // TAP-IAM-002: a narrow AWS managed policy, and the stack's own policy.
        let _vpc_access = resource!(aws_iam_role_policy_attachment.vpc_access {
            role: worker.name,
            policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        });
        let _publish = resource!(aws_iam_role_policy_attachment.publish { role: worker.name, policy_arn: publish_policy.arn });
        let _reader = resource!(aws_iam_role.reader {
            name: "reader",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            managed_policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        });
    }
}

fn main() {
    let stack = Data { region: "eu-west-1".into(), env: "test".into() }.build();
    let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.files.contains_key("cdk.tf.json"));
    assert_eq!(out.report.rows, Vec::new(), "a compliant stack has no finding, suppressed or not");
    // Each rule was evaluated, and found compliant, on at least one resource.
    let graph = Graph::new(&stack);
    let evaluations = evaluate_rules(&stack, &stack.policy, &graph).expect("the default packs exist");
    for id in ["TAP-DDB-001", "TAP-DDB-002", "TAP-IAM-001", "TAP-IAM-002", "TAP-KMS-001", "TAP-S3-001", "TAP-S3-002", "TAP-SNS-001", "TAP-SQS-001"] {
        assert!(evaluations.iter().any(|e| e.rule.id() == id && e.outcome == Outcome::Compliant), "no resource passes {id}");
    }
}
