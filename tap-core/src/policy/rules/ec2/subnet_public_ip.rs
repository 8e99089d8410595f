//! TAP-EC2-002: a subnet must not give public IP addresses to what it launches.
//!
//! Rejected: `resource!(aws_subnet.public { vpc_id: vpc.id, cidr_block: "10.0.0.0/24",
//! map_public_ip_on_launch: true })`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::forbid_flag;
use crate::policy::{Level, Outcome, Rule};

/// TAP-EC2-002: a subnet does not set `map_public_ip_on_launch`.
pub static RULE: Rule = Rule {
    id: "TAP-EC2-002",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_subnet"],
    message: "the subnet assigns a public IP address to every network interface launched in it",
    rationale: "every instance, container or function interface in the subnet becomes reachable from the internet as soon as a security group allows it, whether or not it was meant to be public",
    fix: "remove `map_public_ip_on_launch` (or set it to `false`) and give public addresses explicitly, for example with an `aws_eip` or a load balancer",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    forbid_flag(resource, graph, "map_public_ip_on_launch")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn subnet() -> Resource {
        resource("aws_subnet", "a").set("cidr_block", "10.0.0.0/24")
    }

    #[test]
    fn compliant_by_default() {
        assert_eq!(eval(&RULE, vec![subnet()]), Outcome::Compliant);
        assert_eq!(eval(&RULE, vec![subnet().set("map_public_ip_on_launch", false)]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_when_mapping_public_ips() {
        assert!(matches!(eval(&RULE, vec![subnet().set("map_public_ip_on_launch", true)]), Outcome::NonCompliant(f) if f[0].path.to_string() == "map_public_ip_on_launch"));
    }

    #[test]
    fn unknown_when_the_flag_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![subnet().set("map_public_ip_on_launch", Value::Unknown)]), Outcome::Unknown(_)));
    }

    // An Elastic IP is a public address by definition, and the explicit way this rule's fix recommends; the check would call it compliant, so only the filter is tested.
    #[test]
    fn leaves_elastic_ips_alone() {
        let eip = resource("aws_eip", "web").set("domain", "vpc").set("instance", reference("aws_instance", "web", "id"));
        assert_eq!(eval_in_engine(&RULE, vec![eip]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![subnet().set("map_public_ip_on_launch", true)]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
