//! TAP-APG-002, on both stage types: an HTTP API stage and a REST API stage
//! (traced, so TAP-APG-001 is satisfied) without `access_log_settings`.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let http = resource!(aws_apigatewayv2_api.http { name: "http", protocol_type: "HTTP" });
        let _default = resource!(aws_apigatewayv2_stage.default { api_id: http.id, name: "$default", auto_deploy: true });
        let rest = resource!(aws_api_gateway_rest_api.rest { name: "rest" });
        let deployment = resource!(aws_api_gateway_deployment.rest { rest_api_id: rest.id });
        let _prod = resource!(aws_api_gateway_stage.prod {
            rest_api_id: rest.id,
            deployment_id: deployment.id,
            stage_name: "prod",
            xray_tracing_enabled: true,
        });
    }
}

fn main() {}
