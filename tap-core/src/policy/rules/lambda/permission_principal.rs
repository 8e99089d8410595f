//! TAP-LMB-004: a Lambda permission must not open the function to anyone.
//!
//! Rejects `principal = "*"`, and a service principal (`*.amazonaws.com`)
//! without `source_arn`: any account's resource of that service could then
//! invoke the function (the confused-deputy problem).
//!
//! Rejected: `resource!(aws_lambda_permission.s3 { action: "lambda:InvokeFunction",
//! function_name: ..., principal: "s3.amazonaws.com" })` with no `source_arn`.

use crate::graph::{Graph, Resource};
use crate::path::AttrPath;
use crate::policy::rules::support::{is_set, text};
use crate::policy::{Finding, Level, Outcome, Rule};
use crate::reference::Mode;
use crate::value::Value;

/// TAP-LMB-004: a Lambda permission names a principal narrower than `*`, and a service principal
/// comes with `source_arn`.
pub static RULE: Rule = Rule {
    id: "TAP-LMB-004",
    level: Level::Error,
    packs: &["security", "serverless"],
    resource_types: &["aws_lambda_permission"],
    message: "the Lambda permission lets any caller, or any resource of a service, invoke the function",
    rationale: "`principal: \"*\"` makes the function public, and a service principal without `source_arn` lets that service invoke the function on behalf of any account's resource, not only yours",
    fix: "name a specific principal (an account ID or a service such as `apigateway.amazonaws.com`) and set `source_arn` to the resource allowed to invoke the function",
    check,
};

enum Principal {
    Everyone,
    Service(String),
    Other,
}

fn check(resource: &Resource, graph: &Graph) -> Outcome {
    if matches!(resource.body.get("principal"), None | Some(Value::Null)) {
        return Outcome::NonCompliant(vec![Finding::at("").with_detail("`principal` is not set")]);
    }
    let principal = match classify(resource.body.get("principal"), graph) {
        Some(p) => p,
        None => return Outcome::Unknown(Finding::at("principal")),
    };
    match principal {
        Principal::Everyone => Outcome::NonCompliant(vec![Finding::at("principal").with_detail("`principal` is `*`")]),
        Principal::Other => Outcome::Compliant,
        Principal::Service(service) => match is_set(&resource.body, "source_arn", &AttrPath::root(), graph) {
            Ok(true) => Outcome::Compliant,
            Ok(false) => Outcome::NonCompliant(vec![Finding::at("").with_detail(format!("service principal `{service}` without `source_arn`"))]),
            Err(f) => Outcome::Unknown(f),
        },
    }
}

/// `None` when the principal is only known later.
fn classify(value: Option<&Value>, graph: &Graph) -> Option<Principal> {
    // The account of the stack's own credentials is an account principal.
    if let Some(Value::Ref(r)) = value {
        if r.target().is_some_and(|a| a.mode == Mode::Data && a.type_name == "aws_caller_identity") && r.attribute() == Some("account_id") {
            return Some(Principal::Other);
        }
    }
    let s = text(value, graph)?;
    let s = s.known()?.trim();
    Some(if s == "*" {
        Principal::Everyone
    } else if s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn") {
        Principal::Service(s.to_owned())
    } else {
        Principal::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{data_reference, eval, eval_in_engine, reference, resource};

    fn permission(principal: Value) -> Resource {
        resource("aws_lambda_permission", "p").set("action", "lambda:InvokeFunction").set("principal", principal)
    }

    #[test]
    fn compliant_with_a_service_principal_and_source_arn() {
        let p = permission(Value::from("apigateway.amazonaws.com")).set("source_arn", reference("aws_api_gateway_rest_api", "api", "execution_arn"));
        assert_eq!(eval(&RULE, vec![p]), Outcome::Compliant);
    }

    #[test]
    fn compliant_with_the_own_account() {
        assert_eq!(eval(&RULE, vec![permission(data_reference("aws_caller_identity", "current", "account_id"))]), Outcome::Compliant);
    }

    #[test]
    fn non_compliant_with_everyone() {
        assert!(matches!(eval(&RULE, vec![permission(Value::from("*"))]), Outcome::NonCompliant(f) if f[0].path.to_string() == "principal"));
    }

    #[test]
    fn non_compliant_with_a_service_principal_without_source_arn() {
        assert!(matches!(eval(&RULE, vec![permission(Value::from("s3.amazonaws.com"))]), Outcome::NonCompliant(f) if f[0].path.is_root()));
    }

    #[test]
    fn unknown_when_the_principal_is_a_run_time_value() {
        assert!(matches!(eval(&RULE, vec![permission(Value::Unknown)]), Outcome::Unknown(_)));
    }

    #[test]
    fn unknown_when_source_arn_is_a_run_time_value() {
        let p = permission(Value::from("events.amazonaws.com")).set("source_arn", Value::Unknown);
        assert!(matches!(eval(&RULE, vec![p]), Outcome::Unknown(f) if f.path.to_string() == "source_arn"));
    }

    // A layer permission has the same `principal`, and `"*"` there legitimately publishes a layer to every account.
    #[test]
    fn leaves_layer_permissions_alone() {
        let public_layer = resource("aws_lambda_layer_version_permission", "public")
            .set("layer_name", reference("aws_lambda_layer_version", "deps", "layer_arn"))
            .set("version_number", reference("aws_lambda_layer_version", "deps", "version"))
            .set("statement_id", "public")
            .set("action", "lambda:GetLayerVersion")
            .set("principal", "*");
        assert!(matches!(eval(&RULE, vec![public_layer.clone()]), Outcome::NonCompliant(_)), "the check alone would flag it");
        assert_eq!(eval_in_engine(&RULE, vec![public_layer]), []);
        assert!(matches!(eval_in_engine(&RULE, vec![permission(Value::from("*"))]).as_slice(), [Outcome::NonCompliant(_)]));
    }
}
