//! A reason long enough but saying nothing ("false positive",
//! "Suppressed.") is rejected.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _api = resource!(aws_lambda_function.api {
            #[suppress("TAP-LMB-001", reason = "false positive")]
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.13",
            handler: "app.handler",
            filename: "api.zip",
        });
        let _events = resource!(aws_sns_topic.events {
            #[suppress("TAP-SNS-001", reason = "Suppressed.")]
            name: "events",
        });
    }
}

fn main() {}
