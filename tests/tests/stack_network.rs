//! The network of the tap-stack, read from the synthesized Terraform JSON:
//! subnets per zone, where each route goes, the DynamoDB endpoint, the
//! default security group and flow logs.

mod stack_support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use serde_json::Value as J;
use stack_support::*;
use tap_stack::{Config, NatLayout};

fn cidr(s: &str) -> (u32, u8) {
    let (a, p) = s.split_once('/').unwrap();
    (u32::from(a.parse::<Ipv4Addr>().unwrap()), p.parse().unwrap())
}

fn contains(outer: (u32, u8), inner: (u32, u8)) -> bool {
    let mask = |p: u8| if p == 0 { 0 } else { u32::MAX << (32 - p) };
    inner.1 >= outer.1 && inner.0 & mask(outer.1) == outer.0
}

fn overlaps(a: (u32, u8), b: (u32, u8)) -> bool {
    contains(a, b) || contains(b, a)
}

/// Subnets by tier (`tier` tag), `name -> body`.
fn subnets<'a>(s: &'a Synth, tier: &str) -> BTreeMap<String, &'a J> {
    s.all("aws_subnet").into_iter().filter(|(_, b)| b["tags"]["tier"] == tier).collect()
}

/// The route table associated with a subnet (exactly one association).
fn route_table_of(s: &Synth, subnet: &str) -> String {
    let address = format!("aws_subnet.{subnet}");
    let tables: Vec<String> = s
        .all("aws_route_table_association")
        .values()
        .filter(|a| parse_ref(a["subnet_id"].as_str().unwrap()).map(|r| r.address()) == Some(address.clone()))
        .map(|a| parse_ref(a["route_table_id"].as_str().unwrap()).unwrap().name)
        .collect();
    assert_eq!(tables.len(), 1, "{subnet} has {} route table associations", tables.len());
    tables[0].clone()
}

/// The default (`0.0.0.0/0`) routes of a route table, inline or `aws_route`.
fn default_routes<'a>(s: &'a Synth, table: &str) -> Vec<&'a J> {
    assert!(s.one("aws_route_table", table).get("route").is_none(), "inline routes in {table}: use aws_route");
    let address = format!("aws_route_table.{table}");
    s.all("aws_route")
        .into_values()
        .filter(|r| parse_ref(r["route_table_id"].as_str().unwrap()).unwrap().address() == address && r["destination_cidr_block"] == "0.0.0.0/0")
        .collect()
}

/// The NAT gateway a private subnet's default route goes to.
fn nat_of(s: &Synth, subnet: &str) -> String {
    let table = route_table_of(s, subnet);
    let routes = default_routes(s, &table);
    assert_eq!(routes.len(), 1, "{table}: {} default routes", routes.len());
    let route = routes[0];
    assert!(route.get("gateway_id").is_none(), "private route table {table} goes to a gateway: {route}");
    let nat = parse_ref(route["nat_gateway_id"].as_str().expect("default route without a NAT gateway")).unwrap();
    assert_eq!((nat.type_name.as_str(), nat.attr.as_str()), ("aws_nat_gateway", "id"));
    nat.name
}

#[test]
fn vpc_has_dns_and_the_configured_range() {
    let s = default();
    let (_, vpc) = s.only("aws_vpc");
    assert_eq!(vpc["cidr_block"], "10.0.0.0/16");
    assert_eq!(vpc["enable_dns_support"], true);
    assert_eq!(vpc["enable_dns_hostnames"], true);
}

#[test]
fn each_zone_has_one_public_and_one_private_subnet_inside_the_vpc_and_none_maps_public_ips() {
    for zones in [2, 3, 4] {
        let s = synth(Config { zones, ..Config::default() });
        let vpc = cidr(s.only("aws_vpc").1["cidr_block"].as_str().unwrap());
        let expected: BTreeSet<&str> = tap_stack::regions::zone_ids("us-west-2").unwrap()[..zones].iter().copied().collect();
        let mut all_ranges = Vec::new();
        for tier in ["public", "private"] {
            let tier_subnets = subnets(&s, tier);
            assert_eq!(tier_subnets.len(), zones, "{tier} subnets for {zones} zones");
            let zone_set: BTreeSet<&str> = tier_subnets.values().map(|b| b["availability_zone_id"].as_str().unwrap()).collect();
            assert_eq!(zone_set, expected, "{tier} subnets are not one per zone");
            for (name, b) in &tier_subnets {
                assert_eq!(b["map_public_ip_on_launch"], false, "{name} maps public IPs");
                assert_eq!(parse_ref(b["vpc_id"].as_str().unwrap()).unwrap().address(), "aws_vpc.network_vpc");
                let range = cidr(b["cidr_block"].as_str().unwrap());
                assert!(contains(vpc, range), "{name} is outside the VPC");
                all_ranges.push((name.clone(), range));
            }
        }
        for (i, (a, ra)) in all_ranges.iter().enumerate() {
            for (b, rb) in &all_ranges[i + 1..] {
                assert!(!overlaps(*ra, *rb), "{a} and {b} overlap");
            }
        }
    }
}

#[test]
fn public_subnets_route_to_the_internet_gateway() {
    let s = default();
    let (igw, igw_body) = s.only("aws_internet_gateway");
    assert_eq!(parse_ref(igw_body["vpc_id"].as_str().unwrap()).unwrap().address(), "aws_vpc.network_vpc");
    for name in subnets(&s, "public").keys() {
        let table = route_table_of(&s, name);
        let routes = default_routes(&s, &table);
        assert_eq!(routes.len(), 1);
        assert_eq!(parse_ref(routes[0]["gateway_id"].as_str().unwrap()).unwrap().address(), format!("aws_internet_gateway.{igw}"));
    }
}

#[test]
fn each_private_subnet_defaults_to_the_nat_gateway_in_its_own_zone() {
    let s = synth(Config { zones: 3, ..Config::default() });
    let public = subnets(&s, "public");
    let private = subnets(&s, "private");
    let mut nats_used = BTreeSet::new();
    for (name, subnet) in &private {
        let zone = subnet["availability_zone_id"].as_str().unwrap();
        let nat_name = nat_of(&s, name);
        let nat = s.one("aws_nat_gateway", &nat_name);
        // The NAT sits in the public subnet of the same zone ...
        let nat_subnet = parse_ref(nat["subnet_id"].as_str().unwrap()).unwrap();
        assert_eq!(nat_subnet.type_name, "aws_subnet");
        assert!(public.contains_key(&nat_subnet.name), "{nat_name} is not in a public subnet");
        assert_eq!(public[&nat_subnet.name]["availability_zone_id"], zone, "{name} ({zone}) goes to {nat_name} in another zone");
        // ... and has its own Elastic IP.
        let eip = parse_ref(nat["allocation_id"].as_str().unwrap()).unwrap();
        assert_eq!((eip.type_name.as_str(), eip.attr.as_str()), ("aws_eip", "allocation_id"));
        assert_eq!(s.one("aws_eip", &eip.name)["domain"], "vpc");
        assert_eq!(nat["connectivity_type"], "public");
        assert!(nat["depends_on"].as_array().unwrap().contains(&J::from("aws_internet_gateway.network_igw")));
        nats_used.insert(nat_name);
    }
    assert_eq!(nats_used.len(), 3, "one NAT gateway per zone");
    assert_eq!(s.all("aws_nat_gateway").len(), 3);
    assert_eq!(s.all("aws_eip").len(), 3);
    // Each private subnet has a route table of its own.
    let tables: BTreeSet<String> = private.keys().map(|n| route_table_of(&s, n)).collect();
    assert_eq!(tables.len(), 3);
}

#[test]
fn single_nat_routes_every_zone_through_one_gateway() {
    let s = synth(Config { zones: 3, nat: NatLayout::Single, ..Config::default() });
    let (nat_name, nat) = s.only("aws_nat_gateway");
    assert_eq!(s.all("aws_eip").len(), 1);
    let nat_subnet = parse_ref(nat["subnet_id"].as_str().unwrap()).unwrap().name;
    assert_eq!(s.one("aws_subnet", &nat_subnet)["tags"]["tier"], "public");
    let private = subnets(&s, "private");
    assert_eq!(private.len(), 3);
    for name in private.keys() {
        assert_eq!(nat_of(&s, name), nat_name, "{name} does not use the single NAT gateway");
    }
}

#[test]
fn dynamodb_gateway_endpoint_serves_exactly_the_private_route_tables() {
    let s = synth(Config { zones: 3, ..Config::default() });
    let (_, endpoint) = s.only("aws_vpc_endpoint");
    assert_eq!(endpoint["vpc_endpoint_type"], "Gateway");
    assert_eq!(endpoint["service_name"], "com.amazonaws.us-west-2.dynamodb");
    let private_tables: BTreeSet<String> = subnets(&s, "private").keys().map(|n| format!("aws_route_table.{}", route_table_of(&s, n))).collect();
    assert_eq!(targets(&endpoint["route_table_ids"]), private_tables);
    // Its policy lets the VPC reach the items table only.
    for st in statements(&endpoint["policy"]) {
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(strs(&st["Resource"]), vec!["${aws_dynamodb_table.items_table.arn}"]);
        assert!(strs(&st["Action"]).iter().all(|a| a.starts_with("dynamodb:") && !a.contains('*')));
    }
}

#[test]
fn default_security_group_is_adopted_with_no_rules() {
    let s = default();
    let (_, sg) = s.only("aws_default_security_group");
    assert_eq!(parse_ref(sg["vpc_id"].as_str().unwrap()).unwrap().address(), "aws_vpc.network_vpc");
    for key in ["ingress", "egress"] {
        assert!(sg.get(key).is_none_or(|v| v.as_array().is_some_and(Vec::is_empty)), "default security group has {key} rules");
    }
}

#[test]
fn vpc_flow_logs_go_to_an_encrypted_log_group_through_their_own_role() {
    let s = default();
    let (_, flow) = s.only("aws_flow_log");
    assert_eq!(parse_ref(flow["vpc_id"].as_str().unwrap()).unwrap().address(), "aws_vpc.network_vpc");
    assert_eq!(flow["traffic_type"], "ALL");
    assert_eq!(flow["log_destination_type"], "cloud-watch-logs");
    let (group, attr, group_body) = s.target(&flow["log_destination"]);
    assert_eq!(attr, "arn");
    assert!(group.starts_with("aws_cloudwatch_log_group."));
    assert_eq!(group_body["kms_key_id"], "${aws_kms_key.main_key.arn}");
    assert!(group_body["retention_in_days"].as_i64().unwrap() > 0);

    let (role, _, role_body) = s.target(&flow["iam_role_arn"]);
    let trust = statements(&role_body["assume_role_policy"]);
    assert_eq!(trust.len(), 1);
    assert_eq!(trust[0]["Principal"]["Service"], "vpc-flow-logs.amazonaws.com");
    assert_eq!(trust[0]["Condition"]["StringEquals"]["aws:SourceAccount"], "${data.aws_caller_identity.current.account_id}");
    // The role may write to that log group only.
    let role_name = role.trim_start_matches("aws_iam_role.");
    let policies: Vec<&J> = s.all("aws_iam_role_policy").into_values().filter(|p| p["role"] == format!("${{aws_iam_role.{role_name}.id}}")).collect();
    assert_eq!(policies.len(), 1);
    let group_arn = format!("${{{group}.arn}}");
    for st in statements(&policies[0]["policy"]) {
        for resource in strs(&st["Resource"]) {
            assert!(resource.starts_with(&group_arn), "flow log role reaches {resource}");
        }
        assert!(strs(&st["Action"]).iter().all(|a| a.starts_with("logs:") && !a.contains('*')));
    }
    assert!(flow["depends_on"].as_array().unwrap().iter().any(|d| d.as_str().unwrap().starts_with("aws_iam_role_policy.")));
}

#[test]
fn zones_come_from_the_region_table() {
    let s = synth(Config { region: "us-east-1".into(), zones: 6, ..Config::default() });
    let zones: BTreeSet<String> = subnets(&s, "private").values().map(|b| b["availability_zone_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(zones, (1..=6).map(|i| format!("use1-az{i}")).collect());
    let s = synth(Config { region: "us-west-1".into(), ..Config::default() });
    let zones: BTreeSet<String> = subnets(&s, "public").values().map(|b| b["availability_zone_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(zones, ["usw1-az1", "usw1-az3"].map(String::from).into_iter().collect());
    assert_eq!(s.doc["provider"]["aws"][0]["region"], "us-west-1");
}
