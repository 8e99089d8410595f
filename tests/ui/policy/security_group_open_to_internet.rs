//! TAP-EC2-001, every trigger: inline `ingress` from `0.0.0.0/0`, an
//! `aws_security_group_rule` from `::/0`, and an
//! `aws_vpc_security_group_ingress_rule` from `::/0`. Each finding points at
//! the open range.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let _web = resource!(aws_security_group.web {
            vpc_id: vpc.id,
            ingress {
                protocol: "tcp",
                from_port: 443,
                to_port: 443,
                cidr_blocks: ["10.0.0.0/16", "0.0.0.0/0"],
            }
        });
        let ssh = resource!(aws_security_group.ssh { vpc_id: vpc.id });
        let _ssh_v6 = resource!(aws_security_group_rule.ssh_v6 {
            type: "ingress",
            security_group_id: ssh.id,
            protocol: "tcp",
            from_port: 22,
            to_port: 22,
            ipv6_cidr_blocks: ["::/0"],
        });
        let _rdp_v6 = resource!(aws_vpc_security_group_ingress_rule.rdp_v6 {
            security_group_id: ssh.id,
            ip_protocol: "tcp",
            from_port: 3389,
            to_port: 3389,
            cidr_ipv6: "::/0",
        });
    }
}

fn main() {}
