//! TAP-IAM-001, every trigger: `Action: "*"`, a service wildcard
//! (`s3:*`), and `NotAction` in an `Allow` statement.
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
        let _everything = resource!(aws_iam_policy.everything {
            name: "everything",
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
            }),
        });
        let _all_of_s3 = resource!(aws_iam_role_policy.all_of_s3 {
            role: role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:*"], Resource: "*" }],
            }),
        });
        let _all_but_iam = resource!(aws_iam_role_policy.all_but_iam {
            role: role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }],
            }),
        });
    }
}

fn main() {}
