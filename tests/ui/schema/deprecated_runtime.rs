use tap::prelude::*;

struct S;

#[stack(suppress("TAP-LMB-001", reason = "this test is about the runtime only"))]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _f = resource!(aws_lambda_function.api {
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.8",
            handler: "handler.handler",
            architectures: ["arm64"],
            tracing_config { mode: "Activ" }
        });
    }
}

fn main() {}
