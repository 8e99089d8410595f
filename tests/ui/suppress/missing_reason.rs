//! A suppression without `reason = "..."` is rejected.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _api = resource!(aws_lambda_function.api {
            #[suppress("TAP-LMB-001")]
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.13",
            handler: "app.handler",
            filename: "api.zip",
        });
    }
}

fn main() {}
