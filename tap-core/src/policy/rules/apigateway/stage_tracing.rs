//! TAP-APG-001: an API Gateway stage must have X-Ray tracing enabled.
//!
//! Rejected: `resource!(aws_api_gateway_stage.prod { rest_api_id: api.id,
//! deployment_id: deployment.id, stage_name: "prod" })` with no
//! `xray_tracing_enabled: true`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::require_flag;
use crate::policy::{Level, Outcome, Rule};

/// TAP-APG-001: a REST API stage traces requests with X-Ray (`xray_tracing_enabled: true`).
pub static RULE: Rule = Rule {
    id: "TAP-APG-001",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_api_gateway_stage"],
    message: "the API Gateway stage does not trace requests with X-Ray",
    rationale: "without traces, a request cannot be followed from the API through the functions and tables it reaches, which slows down investigating both incidents and abuse",
    fix: "set `xray_tracing_enabled: true`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    require_flag(resource, graph, "xray_tracing_enabled")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, resource};
    use crate::value::Value;

    fn stage() -> Resource {
        resource("aws_api_gateway_stage", "prod").set("stage_name", "prod")
    }

    #[test]
    fn compliant_with_tracing() {
        assert_eq!(eval(&RULE, vec![stage().set("xray_tracing_enabled", true)]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_tracing() {
        assert!(matches!(eval(&RULE, vec![stage()]), Outcome::NonCompliant(f) if f[0].path.is_root()));
        assert!(matches!(eval(&RULE, vec![stage().set("xray_tracing_enabled", false)]), Outcome::NonCompliant(f) if f[0].path.to_string() == "xray_tracing_enabled"));
    }

    #[test]
    fn unknown_when_tracing_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![stage().set("xray_tracing_enabled", Value::Unknown)]), Outcome::Unknown(_)));
    }

    // An HTTP API stage is a stage too, but has no `xray_tracing_enabled` at all: applied to it, the rule could never be met.
    #[test]
    fn leaves_http_api_stages_alone() {
        let http = resource("aws_apigatewayv2_stage", "default").set("name", "$default");
        assert!(matches!(eval(&RULE, vec![http.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![http]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![stage()]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
