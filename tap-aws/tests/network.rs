//! `PrivateNetwork`: subnets per zone, where each default route goes, NAT
//! layouts, flow logs and gateway endpoints.

use tap::prelude::*;
use tap::testing::{absent, json, reference_to, string_containing, Template};
use tap_aws::iam::Grant;
use tap_aws::network::{Cidr, GatewayEndpoint, NatLayout, PrivateNetwork};
use tap_aws::{Account, Naming};

struct Net {
    nat: NatLayout,
    zones: &'static [&'static str],
}

#[stack(name = "net")]
impl Net {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new("eu-west-1", &caller, &partition);
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let cidr: Cidr = "10.20.0.0/16".parse().unwrap();
        let network = PrivateNetwork { nat: self.nat, ..PrivateNetwork::new("vpc", Naming::new("acme-", "-qa"), cidr, self.zones) }
            .with_endpoint(GatewayEndpoint::new("s3", Grant::new("OnlyTheDataBucket", ["s3:GetObject"], [Value::from("arn:aws:s3:::acme-data/*")])));
        network.build(&mut stack.scope("net"), &key, &aws);
    }
}

const THREE: &[&str] = &["euw1-az1", "euw1-az2", "euw1-az3"];

fn synth(nat: NatLayout) -> Template {
    Template::of(&Net { nat, zones: THREE })
}

#[test]
fn each_zone_has_a_public_and_a_private_subnet_and_none_maps_public_ips() {
    let t = synth(NatLayout::PerZone);
    t.assert_resource_count("aws_subnet", 6);
    for (i, zone) in THREE.iter().enumerate() {
        t.assert_resource("aws_subnet", json!({ "availability_zone_id": zone, "tags": { "tier": "public" }, "cidr_block": format!("10.20.{}.0/20", 16 * i) }));
        t.assert_resource("aws_subnet", json!({ "availability_zone_id": zone, "tags": { "tier": "private" }, "cidr_block": format!("10.20.{}.0/20", 128 + 16 * i) }));
    }
    t.assert_no_resource("aws_subnet", json!({ "map_public_ip_on_launch": true }));
    t.assert_resource("aws_vpc", json!({ "cidr_block": "10.20.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true, "tags": { "Name": "acme-vpc-qa" } }));
    t.assert_resource("aws_default_security_group", json!({ "ingress": absent(), "egress": absent() }));
}

#[test]
fn private_subnets_route_to_the_nat_of_their_own_zone() {
    let t = synth(NatLayout::PerZone);
    t.assert_resource_count("aws_nat_gateway", 3);
    for i in 0..3 {
        let nat = t.resource(&format!("aws_nat_gateway.net_nat_{i}")).unwrap();
        assert_eq!(nat.get("subnet_id"), Some(&json!(format!("${{aws_subnet.net_public_{i}.id}}"))));
        t.assert_resource("aws_route", json!({ "route_table_id": format!("${{aws_route_table.net_private_{i}.id}}"), "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": format!("${{aws_nat_gateway.net_nat_{i}.id}}"), "gateway_id": absent() }));
        t.assert_resource("aws_route_table_association", json!({ "subnet_id": format!("${{aws_subnet.net_private_{i}.id}}"), "route_table_id": format!("${{aws_route_table.net_private_{i}.id}}") }));
    }
    // Only the public route table reaches the internet gateway.
    t.assert_resource("aws_route", json!({ "route_table_id": reference_to("aws_route_table.net_public"), "gateway_id": reference_to("aws_internet_gateway.net_igw") }));
    assert_eq!(t.find_resources("aws_route", json!({ "gateway_id": reference_to("aws_internet_gateway") })).len(), 1);
}

#[test]
fn a_single_nat_serves_every_zone() {
    let t = synth(NatLayout::Single);
    t.assert_resource_count("aws_nat_gateway", 1);
    t.assert_resource_count("aws_eip", 1);
    for i in 0..3 {
        t.assert_resource("aws_route", json!({ "route_table_id": format!("${{aws_route_table.net_private_{i}.id}}"), "nat_gateway_id": "${aws_nat_gateway.net_nat_0.id}" }));
    }
}

#[test]
fn flow_logs_go_to_an_encrypted_group_through_a_role_only_this_accounts_flow_logs_assume() {
    let t = synth(NatLayout::PerZone);
    t.assert_resource("aws_flow_log", json!({ "traffic_type": "ALL", "log_destination": reference_to("aws_cloudwatch_log_group.net_flow_logs.arn"), "iam_role_arn": reference_to("aws_iam_role.net_flow_logs.arn"), "depends_on": ["aws_iam_role_policy.net_flow_logs"] }));
    t.assert_resource("aws_cloudwatch_log_group", json!({ "name": "/aws/vpc/flow-logs/acme-vpc-qa", "retention_in_days": 365, "kms_key_id": reference_to("aws_kms_key.main.arn") }));
    let role = t.resource("aws_iam_role.net_flow_logs").unwrap();
    let trust = role.get("assume_role_policy").unwrap().as_str().unwrap();
    assert!(trust.contains("\"Service\" = \"vpc-flow-logs.amazonaws.com\""), "{trust}");
    assert!(trust.contains("\"aws:SourceAccount\" = data.aws_caller_identity.current.account_id"), "{trust}");
    assert!(trust.contains(":ec2:eu-west-1:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*"), "{trust}");
    t.assert_resource_with("aws_iam_role_policy", "policy", string_containing("\"Resource\" = [aws_cloudwatch_log_group.net_flow_logs.arn, \"${aws_cloudwatch_log_group.net_flow_logs.arn}:log-stream:*\"]"));
}

#[test]
fn a_gateway_endpoint_serves_the_private_route_tables_and_allows_only_its_grant() {
    let t = synth(NatLayout::PerZone);
    let endpoint = t.assert_resource("aws_vpc_endpoint", json!({ "service_name": "com.amazonaws.eu-west-1.s3", "vpc_endpoint_type": "Gateway" }));
    assert_eq!(endpoint.address(), "aws_vpc_endpoint.net_endpoint_s3");
    assert_eq!(endpoint.get("route_table_ids"), Some(&json!((0..3).map(|i| format!("${{aws_route_table.net_private_{i}.id}}")).collect::<Vec<_>>())));
    let policy = endpoint.get("policy").unwrap().as_str().unwrap();
    assert!(policy.contains("\"Action\" = [\"s3:GetObject\"]"), "{policy}");
    assert!(policy.contains("\"Resource\" = \"arn:aws:s3:::acme-data/*\""), "{policy}");
    assert_eq!(policy.matches("\"Sid\"").count(), 1, "{policy}");
}

#[test]
fn cidr_blocks_parse_and_split_like_cidrsubnet() {
    let cidr: Cidr = "10.0.0.0/16".parse().unwrap();
    assert_eq!(cidr.subnet(4, 9).to_string(), "10.0.144.0/20");
    assert!(cidr.contains(&cidr.subnet(4, 15)));
    assert!("10.0.0.0/33".parse::<Cidr>().is_err() && "10.0.0/16".parse::<Cidr>().is_err());
    assert!(!"10.0.0.1/16".parse::<Cidr>().unwrap().is_network_address());
}
