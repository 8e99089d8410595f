//! A suppression naming a rule that never checks the resource's type is
//! rejected: TAP-LMB-001 checks functions, not function URLs.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _url = resource!(aws_lambda_function_url.api {
            #[suppress("TAP-LMB-001", reason = "the function only calls public AWS endpoints")]
            function_name: "api",
            authorization_type: "AWS_IAM",
        });
    }
}

fn main() {}
