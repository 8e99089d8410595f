//! A precise suppression covers the one finding it names, and no other
//! finding of the same rule: here one action of one IAM statement, and one
//! ingress rule of a security group. The other wildcard action and the
//! other open ingress rule still fail.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let role = resource!(aws_iam_role.app {
            name: "app",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        });
        let _app = resource!(aws_iam_role_policy.app {
            #[suppress("TAP-IAM-001", reason = "the app owns its bucket and manages every object setting in it", finding = "policy.Statement[1].Action[0]")]
            role: role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" },
                    { Effect: "Allow", Action: ["s3:*", "sqs:*"], Resource: "*" },
                ],
            }),
        });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _web = resource!(aws_security_group.web {
            #[suppress("TAP-EC2-001", reason = "the load balancer serves the public site over HTTPS", finding = "ingress[0]")]
            vpc_id: vpc.id,
            ingress { protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"] }
            ingress { protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["0.0.0.0/0"] }
        });
    }
}

fn main() {}
