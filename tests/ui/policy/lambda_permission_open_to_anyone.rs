//! TAP-LMB-004, both triggers: `principal: "*"`, and a service principal
//! without `source_arn`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _anyone = resource!(aws_lambda_permission.anyone {
            action: "lambda:InvokeFunction",
            function_name: "api",
            principal: "*",
        });
        let _any_bucket = resource!(aws_lambda_permission.any_bucket {
            action: "lambda:InvokeFunction",
            function_name: "api",
            principal: "s3.amazonaws.com",
        });
    }
}

fn main() {}
