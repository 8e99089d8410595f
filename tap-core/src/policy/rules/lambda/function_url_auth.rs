//! TAP-LMB-003: a Lambda function URL must require IAM authorization.
//!
//! Rejected: `resource!(aws_lambda_function_url.api { function_name: ...,
//! authorization_type: "NONE" })`.

use crate::graph::{Graph, Resource};
use crate::policy::rules::support::text;
use crate::policy::{Finding, Level, Outcome, Rule};

/// TAP-LMB-003: a Lambda function URL requires IAM authorization (`authorization_type: "AWS_IAM"`).
pub static RULE: Rule = Rule {
    id: "TAP-LMB-003",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_lambda_function_url"],
    message: "the Lambda function URL accepts unauthenticated requests",
    rationale: "with `authorization_type: \"NONE\"` anyone who learns the URL can invoke the function, bypassing IAM, and every call is billed to the account",
    fix: "set `authorization_type: \"AWS_IAM\"` and grant `lambda:InvokeFunctionUrl` to the callers, or put the function behind API Gateway with an authorizer",
    check,
};

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    match text(resource.body.get("authorization_type"), graph).as_ref().map(|t| t.known()) {
        None => Outcome::NonCompliant(vec![Finding::at("").with_detail("`authorization_type` is not set")]),
        Some(None) => Outcome::Unknown(Finding::at("authorization_type")),
        Some(Some(s)) if s.eq_ignore_ascii_case("AWS_IAM") => Outcome::Compliant,
        Some(Some(s)) => Outcome::NonCompliant(vec![Finding::at("authorization_type").with_detail(format!("`authorization_type` is `{s}`"))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{eval, eval_in_engine, reference, resource};
    use crate::value::Value;

    fn url(auth: Value) -> Resource {
        resource("aws_lambda_function_url", "api").set("authorization_type", auth)
    }

    #[test]
    fn compliant_with_iam_authorization() {
        assert_eq!(eval(&RULE, vec![url(Value::from("AWS_IAM"))]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_without_authorization() {
        assert!(matches!(eval(&RULE, vec![url(Value::from("NONE"))]), Outcome::NonCompliant(f) if f[0].path.to_string() == "authorization_type"));
    }

    #[test]
    fn unknown_when_the_type_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![url(Value::Unknown)]), Outcome::Unknown(_)));
    }

    // The permission a public URL needs carries `function_url_auth_type: "NONE"` for the same URL; judging it is TAP-LMB-004's job.
    #[test]
    fn leaves_url_permissions_alone() {
        let permission = resource("aws_lambda_permission", "url")
            .set("action", "lambda:InvokeFunctionUrl")
            .set("function_name", reference("aws_lambda_function", "api", "function_name"))
            .set("principal", "*")
            .set("function_url_auth_type", "NONE");
        assert!(matches!(eval(&RULE, vec![permission.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![permission]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![url(Value::from("NONE"))]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
