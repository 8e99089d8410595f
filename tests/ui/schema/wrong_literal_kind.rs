use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main {
            cidr_block: "10.0.0.0/16",
            enable_dns_support: "true",
            tags { Name: "main" }
        });
        let _subnet = resource!(aws_subnet.a {
            vpc_id: vpc.id,
            cidr_block: 10,
        });
        let _fn = resource!(aws_lambda_function.api {
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            architectures { arm64: true }
        });
    }
}

fn main() {}
