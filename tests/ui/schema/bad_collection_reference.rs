//! References through collections of handles are checked like any other.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let mut subnets = Vec::new();
        for i in 0..2 {
            let subnet = resource!(aws_subnet.private[i] { vpc_id: vpc.id, cidr_block: format!("10.0.{i}.0/24") });
            subnets.push(subnet);
        }
        let _one = resource!(aws_route_table_association.first { subnet_id: subnets[0].idd, route_table_id: vpc.default_route_table_id });
        let _all = resource!(aws_lambda_function_url.u { function_name: subnets[*].arn, authorization_type: "AWS_IAM" });
        let _wrong = resource!(aws_route_table_association.second { subnet_id: vpc[1].id, route_table_id: vpc.default_route_table_id });
    }
}

fn main() {}
