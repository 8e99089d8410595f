//! TAP-LOG-001: a log group must expire its events.
//!
//! Rejects a log group without `retention_in_days`, or with `0`, which
//! CloudWatch reads as "never expire".
//!
//! Rejected: `resource!(aws_cloudwatch_log_group.api { name: "/aws/lambda/api" })`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{resolve, unconstrained};
use crate::policy::{Finding, Level, Outcome, Rule};
use crate::value::Value;

/// TAP-LOG-001: a CloudWatch log group expires its events (`retention_in_days` set and not `0`).
pub static RULE: Rule = Rule {
    id: "TAP-LOG-001",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_cloudwatch_log_group"],
    message: "the log group keeps its events forever",
    rationale: "logs kept without limit accumulate personal data and secrets that leak into them long after they are useful, and their storage cost only grows",
    fix: "set `retention_in_days` to the period your audit and debugging needs require, such as `30` or `365`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let Some(value) = resource.body.get("retention_in_days") else {
        return Outcome::NonCompliant(vec![Finding::at("").with_detail("`retention_in_days` is not set")]);
    };
    let days = match resolve(value, graph) {
        Some(Value::Null) => return Outcome::NonCompliant(vec![Finding::at("").with_detail("`retention_in_days` is not set")]),
        Some(Value::Str(s)) => s.trim().parse::<i64>().ok(),
        Some(v) => v.as_int(),
        None => None,
    };
    match days {
        // A variable: decided by what its declaration guarantees.
        None => match crate::navigate::guarantee(value, graph) {
            Some((_, g)) if g.min.is_some_and(|m| m > 0.0) || g.all_numbers(|n| n != 0.0) == Some(true) => Outcome::Compliant,
            Some((name, _)) => Outcome::Unknown(unconstrained(&AttrPath::root().name("retention_in_days"), name, "be other than `0` (never expire)")),
            None => Outcome::Unknown(Finding::at("retention_in_days")),
        },
        Some(0) => Outcome::NonCompliant(vec![Finding::at("retention_in_days").with_detail("`0` means events never expire")]),
        Some(_) => Outcome::Compliant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};

    fn group() -> Resource {
        resource("aws_cloudwatch_log_group", "api").set("name", "/aws/lambda/api")
    }

    #[test]
    fn compliant_with_a_retention() {
        assert_eq!(eval(&RULE, vec![group().set("retention_in_days", 30)]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_retention() {
        assert!(matches!(eval(&RULE, vec![group()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_with_zero() {
        assert!(matches!(eval(&RULE, vec![group().set("retention_in_days", 0)]), Outcome::NonCompliant(f) if f[0].path.to_string() == "retention_in_days"));
    }

    #[test]
    fn unknown_when_the_retention_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![group().set("retention_in_days", Value::Unknown)]), Outcome::Unknown(_)));
    }

    // A log stream has no `retention_in_days` of its own: its events expire with its group's.
    #[test]
    fn leaves_log_streams_alone() {
        let stream = resource("aws_cloudwatch_log_stream", "app").set("name", "app").set("log_group_name", reference("aws_cloudwatch_log_group", "api", "name"));
        assert!(matches!(eval(&RULE, vec![stream.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![stream]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![group()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
