//! A precise suppression whose path covers no finding is an error that
//! lists where the rule's findings are; and a precise suppression on the
//! stack cannot say which resource it means.
use tap::prelude::*;

struct S;

#[stack(suppress("TAP-EC2-001", reason = "the load balancer serves the public site", finding = "ingress[0]"))]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _web = resource!(aws_security_group.web {
            #[suppress("TAP-EC2-001", reason = "the load balancer serves the public site over HTTPS", finding = "ingress[1]")]
            vpc_id: vpc.id,
            ingress { protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.0.0.0/8", "0.0.0.0/0"] }
        });
    }
}

fn main() {}
