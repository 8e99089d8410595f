//! TAP-APG-003: a REST API method must authenticate its callers.
//!
//! Rejects `aws_api_gateway_method` with `authorization: "NONE"`. An API key
//! (`api_key_required`) does not change that: API keys identify usage plans,
//! they do not authenticate. `OPTIONS` methods are not checked, since
//! browsers send CORS preflight requests without credentials.
//!
//! Rejected: `resource!(aws_api_gateway_method.list { rest_api_id: api.id,
//! resource_id: items.id, http_method: "GET", authorization: "NONE" })`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::text;
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-APG-003: a REST API method other than `OPTIONS` authenticates its callers (`authorization`
/// is not `NONE`).
pub static RULE: Rule = Rule {
    id: "TAP-APG-003",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_api_gateway_method"],
    message: "the API Gateway method accepts unauthenticated requests",
    rationale: "with `authorization: \"NONE\"` anyone on the internet who finds the URL can call the method and whatever stands behind it, and every call is billed to the account; an API key is not authentication",
    fix: "set `authorization` to `AWS_IAM` (callers sign requests with SigV4), or to `COGNITO_USER_POOLS` or `CUSTOM` with an `authorizer_id`",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    let method = text(resource.body.get("http_method"), graph);
    let method = method.as_ref().and_then(|m| m.known());
    if method.is_some_and(|m| m.eq_ignore_ascii_case("OPTIONS")) {
        return Outcome::NotApplicable;
    }
    match text(resource.body.get("authorization"), graph).as_ref().map(|t| t.known()) {
        None => Outcome::NonCompliant(vec![Finding::at("").with_detail("`authorization` is not set")]),
        Some(None) => Outcome::Unknown(Finding::at("authorization")),
        Some(Some(s)) if !s.eq_ignore_ascii_case("NONE") => Outcome::Compliant,
        // `NONE` is fine only on a preflight, which a method not yet known may be.
        Some(Some(_)) if method.is_none() => Outcome::Unknown(Finding::at("http_method")),
        Some(Some(s)) => Outcome::NonCompliant(vec![Finding::at("authorization").with_detail(format!("`authorization` is `{s}`"))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn method(http_method: &str, authorization: Value) -> Resource {
        resource("aws_api_gateway_method", "m").set("http_method", http_method).set("authorization", authorization)
    }

    #[test]
    fn compliant_with_an_authorizer() {
        for auth in ["AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM"] {
            assert_eq!(eval(&RULE, vec![method("GET", Value::from(auth))]), Outcome::Compliant, "{auth}");
        }
    }

    #[test]
    fn non_compliant_without_authorization() {
        assert!(matches!(eval(&RULE, vec![method("POST", Value::from("NONE"))]), Outcome::NonCompliant(f) if f[0].path.to_string() == "authorization"));
        let with_api_key = method("GET", Value::from("NONE")).set("api_key_required", true);
        assert!(matches!(eval(&RULE, vec![with_api_key]), Outcome::NonCompliant(_)));
    }

    #[test]
    fn not_applicable_to_cors_preflight() {
        assert_eq!(eval(&RULE, vec![method("OPTIONS", Value::from("NONE"))]), Outcome::NotApplicable);
        assert!(!RULE.resource_types.contains(&"aws_apigatewayv2_route"));
    }

    // Every method has an integration with the same `http_method` and no `authorization`: a loose filter would flag each one.
    #[test]
    fn leaves_integrations_alone() {
        let integration = resource("aws_api_gateway_integration", "list")
            .set("rest_api_id", reference("aws_api_gateway_rest_api", "api", "id"))
            .set("http_method", "GET")
            .set("type", "AWS_PROXY")
            .set("integration_http_method", "POST");
        assert!(matches!(eval(&RULE, vec![integration.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![integration]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![method("GET", Value::from("NONE"))]).as_slice(), [Outcome::NonCompliant(_)]));
    }

    #[test]
    fn unknown_when_a_value_is_only_known_at_run_time() {
        assert!(matches!(eval(&RULE, vec![method("GET", Value::Unknown)]), Outcome::Unknown(f) if f.path.to_string() == "authorization"));
        let method_unknown = resource("aws_api_gateway_method", "m").set("http_method", Value::Unknown).set("authorization", "NONE");
        assert!(matches!(eval(&RULE, vec![method_unknown]), Outcome::Unknown(f) if f.path.to_string() == "http_method"));
    }
}
