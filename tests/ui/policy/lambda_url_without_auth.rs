//! TAP-LMB-003: a Lambda function URL with `authorization_type: "NONE"`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _url = resource!(aws_lambda_function_url.api {
            function_name: "api",
            authorization_type: "NONE",
        });
    }
}

fn main() {}
