//! TAP-IAM-002, both triggers: `AdministratorAccess` attached to a role,
//! and a `*FullAccess` AWS managed policy in `managed_policy_arns`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let role = resource!(aws_iam_role.deploy {
            name: "deploy",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        });
        let _admin = resource!(aws_iam_role_policy_attachment.admin {
            role: role.name,
            policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
        });
        let _reader = resource!(aws_iam_role.reader {
            name: "reader",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            managed_policy_arns: [
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            ],
        });
    }
}

fn main() {}
