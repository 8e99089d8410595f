//! TAP-EC2-001: a security group must not accept traffic from the whole internet.
//!
//! Rejects ingress from `0.0.0.0/0` or `::/0` (any `/0` range): inline
//! `ingress` of `aws_security_group` and `aws_default_security_group`
//! (`cidr_blocks`, `ipv6_cidr_blocks`), `aws_security_group_rule` with
//! `type: "ingress"`, and `aws_vpc_security_group_ingress_rule`
//! (`cidr_ipv4`, `cidr_ipv6`). The finding points at the range itself.
//!
//! Rejected: `resource!(aws_vpc_security_group_ingress_rule.ssh { security_group_id: sg.id,
//! ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "0.0.0.0/0" })`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{blocks, finding, is_managed, items, known_text, outcome, referenced, text, Object, Verdict};
use crate::policy::{Finding, Level, Outcome, Rule};
use crate::value::Value;

/// TAP-EC2-001: no security group ingress, inline or as a separate rule, comes from a `/0` range.
pub static RULE: Rule = Rule {
    id: "TAP-EC2-001",
    level: Level::Error,
    packs: &["security"],
    resource_types: &["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
    message: "the security group accepts traffic from the whole internet",
    rationale: "ingress from `0.0.0.0/0` or `::/0` exposes the port to every scanner and attacker on the internet; only load balancers and similar public entry points should accept it, as a documented exception",
    fix: "restrict the source to the ranges or security groups that need access (`referenced_security_group_id`, `security_groups`, a prefix list or a narrow CIDR), or suppress the rule with the reason the port is public",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let root = AttrPath::root();
    match resource.type_name() {
        "aws_security_group" | "aws_default_security_group" => outcome(blocks(&resource.body, "ingress", &root).map(|rules| {
            let mut verdict = Verdict::default();
            for (path, rule) in rules {
                check_lists(rule, &path, graph, &mut verdict);
            }
            verdict.finish()
        })),
        "aws_security_group_rule" => match text(resource.body.get("type"), graph).as_ref().map(|t| t.known()) {
            Some(Some("ingress")) => {
                let mut verdict = Verdict::default();
                check_lists(&resource.body, &root, graph, &mut verdict);
                verdict.finish()
            }
            Some(Some(_)) => Outcome::NotApplicable,
            _ => Outcome::Unknown(Finding::at("type")),
        },
        _ => {
            let mut verdict = Verdict::default();
            for key in ["cidr_ipv4", "cidr_ipv6"] {
                if let Some(value) = resource.body.get(key) {
                    check_range(value, &root.name(key), &resource.body, graph, &mut verdict);
                }
            }
            verdict.finish()
        }
    }
}

/// `cidr_blocks` and `ipv6_cidr_blocks` of one rule.
fn check_lists(rule: &Object, base: &AttrPath, graph: &Graph, verdict: &mut Verdict) {
    for key in ["cidr_blocks", "ipv6_cidr_blocks"] {
        for (path, value) in verdict.decide(items(rule, key, base)).unwrap_or_default() {
            check_range(value, &path, rule, graph, verdict);
        }
    }
}

fn check_range(value: &Value, path: &AttrPath, rule: &Object, graph: &Graph, verdict: &mut Verdict) {
    match whole_internet(value, graph) {
        Ok(Some(cidr)) => verdict.fail(finding(path).with_detail(format!("ingress from `{cidr}`{}", ports(rule, graph)))),
        Ok(None) => {}
        Err(()) => verdict.unknown(finding(path)),
    }
}

/// The range as written when it is a `/0`; `Err` when that is only known later.
fn whole_internet(value: &Value, graph: &Graph) -> Result<Option<String>, ()> {
    // The range of a VPC or subnet of the stack is never the whole internet,
    // even when AWS assigns it (IPv6).
    if let Some((target, attr)) = referenced(value, graph) {
        if (is_managed(target, "aws_vpc") || is_managed(target, "aws_subnet")) && attr.ends_with("cidr_block") {
            return Ok(None);
        }
    }
    // `cidrsubnet(prefix, newbits, n)` is at least `newbits` long.
    if let Value::Call(call) = value {
        if call.function == "cidrsubnet" && call.args.get(1).and_then(Value::as_int).is_some_and(|bits| bits > 0) {
            return Ok(None);
        }
    }
    let Some(s) = text(Some(value), graph) else { return Ok(None) };
    match s.rsplit_once('/') {
        Some((_, bits)) => match bits.known() {
            Some(bits) => Ok((bits.trim() == "0").then(|| s.to_string())),
            None => Err(()),
        },
        None if s.is_known() => Ok(None),
        None => Err(()),
    }
}

/// ` on tcp ports 22-22`, when the rule's protocol and ports are literal.
fn ports(rule: &Object, graph: &Graph) -> String {
    let protocol = known_text(rule.get("protocol").or_else(|| rule.get("ip_protocol")), graph);
    let from = known_text(rule.get("from_port"), graph);
    let to = known_text(rule.get("to_port"), graph);
    match (protocol.as_deref(), from, to) {
        (Some("-1" | "all"), _, _) => " on all protocols and ports".to_owned(),
        (Some(p), Some(f), Some(t)) if f == t => format!(" on {p} port {f}"),
        (Some(p), Some(f), Some(t)) => format!(" on {p} ports {f}-{t}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, reference, resource, strs};

    fn group(ingress: Value) -> Resource {
        resource("aws_security_group", "web").set("ingress", ingress)
    }

    fn https(cidrs: Value) -> Value {
        block([("protocol", Value::from("tcp")), ("from_port", Value::from(443)), ("to_port", Value::from(443)), ("cidr_blocks", cidrs)])
    }

    #[test]
    fn compliant_with_private_ranges() {
        let g = group(Value::list([https(Value::list([Value::from("10.0.0.0/8"), reference("aws_vpc", "main", "cidr_block")]))]));
        assert_eq!(eval(&RULE, vec![g, resource("aws_vpc", "main")]), Outcome::Compliant);
        let r = resource("aws_vpc_security_group_ingress_rule", "r").set("cidr_ipv6", reference("aws_vpc", "main", "ipv6_cidr_block"));
        assert_eq!(eval(&RULE, vec![r, resource("aws_vpc", "main")]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_points_at_the_open_range() {
        let g = group(Value::list([https(strs(&["10.0.0.0/8"])), https(strs(&["10.1.0.0/16", "0.0.0.0/0"]))]));
        let Outcome::NonCompliant(f) = eval(&RULE, vec![g]) else { panic!("expected a finding") };
        assert_eq!(f[0].path.to_string(), "ingress[1].cidr_blocks[1]");
        assert_eq!(f[0].detail.as_deref(), Some("ingress from `0.0.0.0/0` on tcp port 443"));
    }

    #[test]
    fn non_compliant_rule_resources() {
        let r = resource("aws_security_group_rule", "ssh").set("type", "ingress").set("ipv6_cidr_blocks", strs(&["::/0"]));
        assert!(matches!(eval(&RULE, vec![r]), Outcome::NonCompliant(f) if f[0].path.to_string() == "ipv6_cidr_blocks[0]"));
        let r = resource("aws_vpc_security_group_ingress_rule", "ssh").set("cidr_ipv4", "0.0.0.0/0");
        assert!(matches!(eval(&RULE, vec![r]), Outcome::NonCompliant(f) if f[0].path.to_string() == "cidr_ipv4"));
    }

    #[test]
    fn not_applicable_to_egress_rules() {
        let r = resource("aws_security_group_rule", "out").set("type", "egress").set("cidr_blocks", strs(&["0.0.0.0/0"]));
        assert_eq!(eval(&RULE, vec![r]), Outcome::NotApplicable);
    }

    // The egress twin of a rule type this rule reads has the same `cidr_ipv4`, and the check treats any type it does not name as an ingress rule.
    #[test]
    fn leaves_vpc_egress_rules_alone() {
        let egress = resource("aws_vpc_security_group_egress_rule", "all")
            .set("security_group_id", reference("aws_security_group", "web", "id"))
            .set("ip_protocol", "-1")
            .set("cidr_ipv4", "0.0.0.0/0");
        assert!(matches!(eval(&RULE, vec![egress.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![egress]), []);
        let ingress = resource("aws_vpc_security_group_ingress_rule", "all").set("ip_protocol", "-1").set("cidr_ipv4", "0.0.0.0/0");
        assert!(matches!(eval_in_engine(&RULE, vec![ingress]).as_slice(), [Outcome::NonCompliant(_)]));
    }

    #[test]
    fn unknown_when_a_range_is_a_run_time_value() {
        let g = group(Value::list([https(Value::list([Value::Unknown]))]));
        assert!(matches!(eval(&RULE, vec![g]), Outcome::Unknown(f) if f.path.to_string() == "ingress[0].cidr_blocks[0]"));
        let r = resource("aws_vpc_security_group_ingress_rule", "r").set("cidr_ipv4", Value::template(vec![Value::Unknown, Value::from("/32")]));
        assert_eq!(eval(&RULE, vec![r]), Outcome::Compliant);
    }
}
