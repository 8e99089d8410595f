//! TAP-EC2-003: an instance must not get a public IP address.
//!
//! Rejects `aws_instance` with `associate_public_ip_address: true`, and
//! `aws_launch_template` with a `network_interfaces` block whose
//! `associate_public_ip_address` is `"true"` (a string in the schema; the
//! bool `true` is accepted as well).
//!
//! Rejected: `resource!(aws_instance.web { ami: ..., instance_type: "t3.micro",
//! associate_public_ip_address: true })`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{blocks, finding, flag, forbid_flag, outcome, Verdict};
use crate::policy::{Level, Outcome, Rule};

/// TAP-EC2-003: an instance or launch template does not ask for a public IP address.
pub static RULE: Rule = Rule {
    id: "TAP-EC2-003",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_instance", "aws_launch_template"],
    message: "the instance gets a public IP address",
    rationale: "an instance with a public address is one security group rule away from being reachable from the internet; public entry points belong on load balancers or NAT gateways",
    fix: "remove `associate_public_ip_address` (or set it to `false`) and reach the instance through a load balancer, Session Manager or a VPN",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    if resource.type_name() == "aws_instance" {
        return forbid_flag(resource, graph, "associate_public_ip_address");
    }
    outcome(blocks(&resource.body, "network_interfaces", &AttrPath::root()).map(|interfaces| {
        let mut verdict = Verdict::default();
        for (path, interface) in interfaces {
            if verdict.decide(flag(interface, "associate_public_ip_address", &path, graph)) == Some(Some(true)) {
                verdict.fail(finding(&path.name("associate_public_ip_address")));
            }
        }
        verdict.finish()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, resource};
    use crate::value::Value;

    fn template(public: Value) -> Resource {
        resource("aws_launch_template", "web").set(
            "network_interfaces",
            Value::list([block([("device_index", Value::from(0))]), block([("associate_public_ip_address", public)])]),
        )
    }

    #[test]
    fn compliant_without_public_addresses() {
        assert_eq!(eval(&RULE, vec![resource("aws_instance", "web")]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![template(Value::from("false"))]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_with_a_public_address() {
        let i = resource("aws_instance", "web").set("associate_public_ip_address", true);
        assert!(matches!(eval(&RULE, vec![i]), Outcome::NonCompliant(f) if f[0].path.to_string() == "associate_public_ip_address"));
        let expected = "network_interfaces[1].associate_public_ip_address";
        assert!(matches!(eval(&RULE, vec![template(Value::from("true"))]), Outcome::NonCompliant(f) if f[0].path.to_string() == expected));
        assert!(matches!(eval(&RULE, vec![template(Value::Bool(true))]), Outcome::NonCompliant(_)));
    }

    #[test]
    fn unknown_when_the_flag_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![template(Value::Unknown)]), Outcome::Unknown(_)));
        let i = resource("aws_instance", "web").set("associate_public_ip_address", Value::Unknown);
        assert!(matches!(eval(&RULE, vec![i]), Outcome::Unknown(_)));
    }

    // A subnet that maps public IPs on launch is TAP-EC2-002's finding, not a second one here; the check would call it compliant, so only the filter is tested.
    #[test]
    fn leaves_subnets_alone() {
        let subnet = resource("aws_subnet", "public").set("cidr_block", "10.0.0.0/24").set("map_public_ip_on_launch", true);
        assert_eq!(eval_in_engine(&RULE, vec![subnet]), []);
        let instance = resource("aws_instance", "web").set("associate_public_ip_address", true);
        assert!(matches!(eval_in_engine(&RULE, vec![instance]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
