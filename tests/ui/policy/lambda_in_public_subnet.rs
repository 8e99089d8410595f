//! TAP-LMB-002: a Lambda function in a subnet whose route table sends
//! `0.0.0.0/0` to an internet gateway.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let igw = resource!(aws_internet_gateway.main { vpc_id: vpc.id });
        let public = resource!(aws_subnet.public { vpc_id: vpc.id, cidr_block: "10.0.0.0/24" });
        let rt = resource!(aws_route_table.public { vpc_id: vpc.id });
        let _default = resource!(aws_route.default {
            route_table_id: rt.id,
            destination_cidr_block: "0.0.0.0/0",
            gateway_id: igw.id,
        });
        let _assoc = resource!(aws_route_table_association.public { subnet_id: public.id, route_table_id: rt.id });
        let sg = resource!(aws_security_group.api { vpc_id: vpc.id });
        let _api = resource!(aws_lambda_function.api {
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.13",
            handler: "app.handler",
            filename: "api.zip",
            vpc_config {
                subnet_ids: [public.id],
                security_group_ids: [sg.id],
            }
        });
    }
}

fn main() {}
