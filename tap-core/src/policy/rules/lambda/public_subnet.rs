//! TAP-LMB-002: a Lambda function must not run in a public subnet.
//!
//! A subnet is public when the route table associated with it
//! (`aws_route_table_association`) has a default route (`0.0.0.0/0` or
//! `::/0`), inline or as an `aws_route`, to an `aws_internet_gateway`.
//! A subnet declared outside the stack, or without an explicit route table
//! association (it then uses the VPC's main route table), cannot be checked
//! and fails closed.
//!
//! Rejected: `vpc_config { subnet_ids: [aws_subnet.public.id], ... }` where
//! `aws_route_table_association.public { subnet_id: aws_subnet.public.id,
//! route_table_id: aws_route_table.public.id }` and `aws_route_table.public`
//! has `route { cidr_block: "0.0.0.0/0", gateway_id: aws_internet_gateway.main.id }`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{blocks, finding, is_managed, items, outcome, referenced, text, Decided, Object, Verdict};
use crate::policy::{Level, Outcome, Rule};
use crate::value::Value;

/// TAP-LMB-002: none of a Lambda function's subnets routes `0.0.0.0/0` or `::/0` to an internet
/// gateway; subnets it cannot see fail closed.
pub static RULE: Rule = Rule {
    id: "TAP-LMB-002",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_lambda_function"],
    message: "the Lambda function is attached to a public subnet",
    rationale: "Lambda never gives its network interfaces public addresses, so behind an internet gateway the function has no working egress, and it shares a subnet meant for internet-facing resources; private subnets with a NAT gateway or VPC endpoints give it controlled egress",
    fix: "list only private subnets in `vpc_config.subnet_ids`: subnets whose route table sends `0.0.0.0/0` to a NAT gateway (or has no default route), never to an internet gateway",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    outcome(evaluate(resource, graph))
}

fn evaluate(resource: &Resource, graph: &Graph) -> Decided<Outcome> {
    let vpc = blocks(&resource.body, "vpc_config", &AttrPath::root())?;
    let Some((vpc_path, vpc)) = vpc.first() else { return Ok(Outcome::NotApplicable) };
    let subnets = items(vpc, "subnet_ids", vpc_path)?;
    if subnets.is_empty() {
        return Ok(Outcome::NotApplicable);
    }
    let mut verdict = Verdict::default();
    for (path, subnet) in subnets {
        match exposure(subnet, graph) {
            Ok(None) => {}
            Ok(Some(detail)) => verdict.fail(finding(&path).with_detail(detail)),
            Err(detail) => verdict.unknown(finding(&path).with_detail(detail)),
        }
    }
    Ok(verdict.finish())
}

/// Why the subnet is public (`Ok(Some)`), or why that cannot be decided (`Err`).
fn exposure(subnet: &Value, graph: &Graph) -> Result<Option<String>, String> {
    let subnet = match subnet {
        Value::Str(id) => return Err(format!("subnet `{id}` is not declared in this stack, so its route table cannot be checked")),
        Value::Ref(_) => match referenced(subnet, graph) {
            Some((s, _)) if is_managed(s, "aws_subnet") => s,
            Some((other, _)) => return Err(format!("`{}` is not a subnet declared in this stack, so its route table cannot be checked", other.address)),
            None => return Err("the subnet is not declared in this stack".to_owned()),
        },
        _ => return Err("the subnet is only known at run time".to_owned()),
    };
    let associations = graph.referrers_via(&subnet.address, "aws_route_table_association", "subnet_id");
    if associations.is_empty() {
        let pending = graph.stack.resources_of_type("aws_route_table_association").find(|a| matches!(a.body.get("subnet_id"), Some(Value::Unknown)));
        return Err(match pending {
            Some(a) => format!("the subnet of `{}` is only known at run time; it may be `{}`", a.address, subnet.address),
            None => format!("subnet `{}` has no explicit route table association", subnet.address),
        });
    }
    let mut undecided = None;
    for association in associations {
        let table = association.body.get("route_table_id").and_then(|v| referenced(v, graph));
        let table = match table {
            Some((t, _)) if is_managed(t, "aws_route_table") => t,
            _ => {
                undecided.get_or_insert(format!("the route table of `{}` is not declared in this stack", association.address));
                continue;
            }
        };
        match default_route_to_igw(table, graph) {
            Ok(Some((destination, gateway))) => {
                return Ok(Some(format!(
                    "subnet `{}` uses route table `{}` (via `{}`), whose route `{destination}` goes to internet gateway `{gateway}`",
                    subnet.address, table.address, association.address
                )))
            }
            Ok(None) => {}
            Err(why) => {
                undecided.get_or_insert(why);
            }
        }
    }
    match undecided {
        Some(why) => Err(why),
        None => Ok(None),
    }
}

/// The destination and gateway of a default route of `table` to an internet gateway.
fn default_route_to_igw(table: &Resource, graph: &Graph) -> Result<Option<(String, String)>, String> {
    let mut undecided = None;
    let inline = blocks(&table.body, "route", &AttrPath::root()).map_err(|_| format!("the routes of `{}` are only known at run time", table.address))?;
    for (_, route) in inline {
        match route_to_igw(route, "cidr_block", "ipv6_cidr_block", graph) {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            Err(()) => {
                undecided.get_or_insert(format!("a route of `{}` is only known at run time", table.address));
            }
        }
    }
    for route in graph.referrers_via(&table.address, "aws_route", "route_table_id") {
        match route_to_igw(&route.body, "destination_cidr_block", "destination_ipv6_cidr_block", graph) {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            Err(()) => {
                undecided.get_or_insert(format!("route `{}` is only known at run time", route.address));
            }
        }
    }
    for route in graph.stack.resources_of_type("aws_route") {
        if matches!(route.body.get("route_table_id"), Some(Value::Unknown))
            && !matches!(route_to_igw(&route.body, "destination_cidr_block", "destination_ipv6_cidr_block", graph), Ok(None))
        {
            undecided.get_or_insert(format!("the route table of `{}` is only known at run time; it may be `{}`", route.address, table.address));
        }
    }
    match undecided {
        Some(why) => Err(why),
        None => Ok(None),
    }
}

/// `Ok(Some((destination, gateway)))` when the route sends a default
/// destination to an internet gateway; `Err` when a value it needs is unknown.
fn route_to_igw(route: &Object, v4: &str, v6: &str, graph: &Graph) -> Result<Option<(String, String)>, ()> {
    let mut destination = None;
    let mut destination_unknown = false;
    for key in [v4, v6] {
        match text(route.get(key), graph).as_ref().map(|t| t.known()) {
            Some(None) => destination_unknown = true,
            Some(Some(s)) if is_default(s) => destination = Some(s.to_owned()),
            _ => {}
        }
    }
    if destination.is_none() && !destination_unknown {
        return Ok(None);
    }
    let gateway = match route.get("gateway_id") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Str(id)) if id.starts_with("igw-") => id.clone(),
        Some(Value::Str(_)) => return Ok(None),
        Some(v @ Value::Ref(_)) => match referenced(v, graph) {
            Some((g, _)) if is_managed(g, "aws_internet_gateway") => g.address.to_string(),
            Some(_) => return Ok(None),
            None => return Err(()),
        },
        Some(_) => return Err(()),
    };
    match destination {
        Some(d) => Ok(Some((d, gateway))),
        None => Err(()),
    }
}

/// A default route: the whole IPv4 or IPv6 space.
fn is_default(cidr: &str) -> bool {
    cidr.trim().ends_with("/0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, lambda, reference, resource};

    fn function(subnet: Value) -> Resource {
        lambda("api").set("vpc_config", block([("subnet_ids", Value::list([subnet])), ("security_group_ids", Value::list([Value::from("sg-1")]))]))
    }

    fn association(name: &str, subnet: &str, table: &str) -> Resource {
        resource("aws_route_table_association", name)
            .set("subnet_id", reference("aws_subnet", subnet, "id"))
            .set("route_table_id", reference("aws_route_table", table, "id"))
    }

    fn network(table: Resource) -> Vec<Resource> {
        vec![
            function(reference("aws_subnet", "a", "id")),
            resource("aws_subnet", "a").set("cidr_block", "10.0.0.0/24"),
            resource("aws_internet_gateway", "main"),
            resource("aws_nat_gateway", "nat"),
            association("a", "a", "rt"),
            table,
        ]
    }

    fn route(cidr_key: &str, cidr: &str, gateway: (&str, &str)) -> Value {
        let key = if gateway.0 == "aws_internet_gateway" { "gateway_id" } else { "nat_gateway_id" };
        Value::list([block([(cidr_key, Value::from(cidr)), (key, reference(gateway.0, gateway.1, "id"))])])
    }

    #[test]
    fn compliant_when_the_default_route_goes_to_a_nat_gateway() {
        let table = resource("aws_route_table", "rt").set("route", route("cidr_block", "0.0.0.0/0", ("aws_nat_gateway", "nat")));
        assert_eq!(eval(&RULE, network(table)), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_with_an_inline_default_route_to_an_internet_gateway() {
        let table = resource("aws_route_table", "rt").set("route", route("cidr_block", "0.0.0.0/0", ("aws_internet_gateway", "main")));
        let Outcome::NonCompliant(f) = eval(&RULE, network(table)) else { panic!("expected a finding") };
        assert_eq!(f[0].path.to_string(), "vpc_config[0].subnet_ids[0]");
        let detail = f[0].detail.as_deref().unwrap();
        assert!(detail.contains("aws_subnet.a") && detail.contains("aws_route_table.rt") && detail.contains("aws_internet_gateway.main"), "{detail}");
    }

    #[test]
    fn non_compliant_with_a_separate_ipv6_default_route() {
        let mut stack = network(resource("aws_route_table", "rt"));
        stack.push(
            resource("aws_route", "v6")
                .set("route_table_id", reference("aws_route_table", "rt", "id"))
                .set("destination_ipv6_cidr_block", "::/0")
                .set("gateway_id", reference("aws_internet_gateway", "main", "id")),
        );
        assert!(matches!(eval(&RULE, stack), Outcome::NonCompliant(_)));
    }

    #[test]
    fn not_applicable_outside_a_vpc() {
        assert_eq!(eval(&RULE, vec![lambda("api")]), Outcome::NotApplicable);
    }

    // An EKS cluster lists subnets in the same `vpc_config { subnet_ids }` shape, and public ones are normal there (for load balancers).
    #[test]
    fn leaves_eks_clusters_alone() {
        let igw = resource("aws_route_table", "rt").set("route", route("cidr_block", "0.0.0.0/0", ("aws_internet_gateway", "main")));
        let cluster = resource("aws_eks_cluster", "main")
            .set("role_arn", reference("aws_iam_role", "eks", "arn"))
            .set("vpc_config", block([("subnet_ids", Value::list([reference("aws_subnet", "a", "id")]))]));
        let mut stack = network(igw.clone());
        stack[0] = cluster;
        assert!(matches!(eval(&RULE, stack.clone()), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, stack), []);
        assert!(matches!(eval_in_engine(&RULE, network(igw)).as_slice(), [Outcome::NonCompliant(_)]));
    }

    #[test]
    fn unknown_for_a_subnet_id_from_outside_the_stack() {
        assert!(matches!(eval(&RULE, vec![function(Value::from("subnet-123"))]), Outcome::Unknown(f) if f.path.to_string() == "vpc_config[0].subnet_ids[0]"));
    }

    #[test]
    fn unknown_for_a_run_time_subnet() {
        assert!(matches!(eval(&RULE, vec![function(Value::Unknown)]), Outcome::Unknown(_)));
    }

    #[test]
    fn unknown_without_a_route_table_association() {
        let stack = vec![function(reference("aws_subnet", "a", "id")), resource("aws_subnet", "a")];
        let Outcome::Unknown(f) = eval(&RULE, stack) else { panic!("expected unknown") };
        assert!(f.detail.unwrap().contains("no explicit route table association"));
    }

    #[test]
    fn unknown_when_the_route_destination_is_a_run_time_value() {
        let routes = Value::list([block([("cidr_block", Value::Unknown), ("gateway_id", reference("aws_internet_gateway", "main", "id"))])]);
        let table = resource("aws_route_table", "rt").set("route", routes);
        assert!(matches!(eval(&RULE, network(table)), Outcome::Unknown(_)));
    }
}
