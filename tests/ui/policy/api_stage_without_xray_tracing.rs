//! TAP-APG-001: a REST API stage without X-Ray tracing (its access logs
//! go to a compliant log group).
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.logs { description: "api logs", enable_key_rotation: true });
        let logs = resource!(aws_cloudwatch_log_group.api {
            name: "/aws/apigateway/api",
            retention_in_days: 365,
            kms_key_id: key.arn,
        });
        let api = resource!(aws_api_gateway_rest_api.api { name: "api" });
        let deployment = resource!(aws_api_gateway_deployment.api { rest_api_id: api.id });
        let _prod = resource!(aws_api_gateway_stage.prod {
            rest_api_id: api.id,
            deployment_id: deployment.id,
            stage_name: "prod",
            access_log_settings {
                destination_arn: logs.arn,
                format: tf::jsonencode({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", status: "$context.status" }),
            }
        });
    }
}

fn main() {}
