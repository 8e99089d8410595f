//! TAP-APG-002: an API Gateway stage must write access logs.
//!
//! Applies to REST API stages and HTTP/WebSocket API stages alike: both
//! need an `access_log_settings` block with `destination_arn` and `format`.
//!
//! Rejected: `resource!(aws_apigatewayv2_stage.default { api_id: api.id,
//! name: "$default" })` with no `access_log_settings { ... }`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{blocks, finding, is_set, outcome, Decided, Verdict};
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-APG-002: a REST or HTTP/WebSocket API stage writes access logs (`access_log_settings` with
/// `destination_arn` and `format`).
pub static RULE: Rule = Rule {
    id: "TAP-APG-002",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_api_gateway_stage", "aws_apigatewayv2_stage"],
    message: "the API Gateway stage does not write access logs",
    rationale: "access logs are the only record of who called the API, from where and with what result; without them abuse and incidents cannot be investigated",
    fix: "add `access_log_settings { destination_arn: <log group>.arn, format: ... }` with a JSON format that includes `$context.requestId`, `$context.identity.sourceIp` and `$context.status`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    outcome(evaluate(resource, graph))
}

fn evaluate(resource: &Resource, graph: &Graph) -> Decided<Outcome> {
    let settings = blocks(&resource.body, "access_log_settings", &AttrPath::root())?;
    let Some((path, fields)) = settings.first() else {
        return Ok(Outcome::NonCompliant(vec![Finding::at("").with_detail("no `access_log_settings` block")]));
    };
    let mut verdict = Verdict::default();
    for attr in ["destination_arn", "format"] {
        if verdict.decide(is_set(fields, attr, path, graph)) == Some(false) {
            verdict.fail(finding(path).with_detail(format!("`access_log_settings.{attr}` is not set")));
        }
    }
    Ok(verdict.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{block, eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn stage(settings: Option<Value>) -> Resource {
        let s = resource("aws_apigatewayv2_stage", "default").set("name", "$default");
        match settings {
            Some(v) => s.set("access_log_settings", v),
            None => s,
        }
    }

    #[test]
    fn compliant_with_destination_and_format() {
        let s = block([("destination_arn", reference("aws_cloudwatch_log_group", "api", "arn")), ("format", Value::from("{\"id\":\"$context.requestId\"}"))]);
        assert_eq!(eval(&RULE, vec![stage(Some(s))]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_settings() {
        assert!(matches!(eval(&RULE, vec![stage(None)]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn non_compliant_without_format() {
        let s = Value::list([block([("destination_arn", reference("aws_cloudwatch_log_group", "api", "arn"))])]);
        let Outcome::NonCompliant(f) = eval(&RULE, vec![stage(Some(s))]) else { panic!("expected a finding") };
        assert_eq!(f[0].path.to_string(), "access_log_settings[0]");
        assert!(f[0].detail.as_deref().unwrap().contains("format"));
    }

    #[test]
    fn unknown_when_the_destination_is_a_run_time_value() {
        let s = block([("destination_arn", Value::Unknown), ("format", Value::from("$context.requestId"))]);
        assert!(matches!(eval(&RULE, vec![stage(Some(s))]), Outcome::Unknown(f) if f.path.to_string() == "access_log_settings[0].destination_arn"));
    }

    // A deployment with `stage_name` creates a stage behind the scenes and has no `access_log_settings`; the logs belong on the stage.
    #[test]
    fn leaves_deployments_alone() {
        let deployment = resource("aws_api_gateway_deployment", "prod").set("rest_api_id", reference("aws_api_gateway_rest_api", "api", "id")).set("stage_name", "prod");
        assert!(matches!(eval(&RULE, vec![deployment.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![deployment]), []);
        let rest = resource("aws_api_gateway_stage", "prod").set("stage_name", "prod");
        assert!(matches!(eval_in_engine(&RULE, vec![rest]).as_slice(), [Outcome::NonCompliant(_)]));
        assert!(matches!(eval_in_engine(&RULE, vec![stage(None)]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
