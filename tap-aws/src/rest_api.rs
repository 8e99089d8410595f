//! A private REST API in front of one Lambda function.
//!
//! The caller declares the `aws_api_gateway_rest_api` itself (its ID names
//! the execution log group, which a key policy may need to list before the
//! rest of the API exists) and hands it to [`PrivateRestApi::build`], which
//! declares the routes and everything around them:
//!
//! - one resource per path segment, one method, Lambda proxy integration
//!   and `lambda:InvokeFunction` permission per [`Route`] (the permission
//!   scoped to this API, stage, method and path);
//! - IAM authorization on every method (callers sign with SigV4), unless
//!   [`Authorization::None`] is asked for, which rule TAP-APG-003 then
//!   rejects at synthesis unless the stack records a reasoned suppression;
//! - request validation: the body against the route's [`Model`], and the
//!   path parameters;
//! - a deployment redeployed whenever a route, its authorization, an
//!   integration or a model changes;
//! - a stage with X-Ray tracing and JSON access logs, execution logs at
//!   `INFO` without request or response bodies, per-method metrics and
//!   throttling, all log groups encrypted with the key and kept a year;
//! - the account's API Gateway CloudWatch role, limited to writing the
//!   execution and access log groups (an account and region setting);
//! - a WAF: a per-IP rate limit and AWS managed rule groups, logging to
//!   an encrypted group with the `authorization` header redacted.
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::rest_api::{PrivateRestApi, Route};
//! use tap_aws::{Account, Naming};
//!
//! pub struct Api;
//!
//! #[stack(name = "api")]
//! impl Api {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let caller = data!(aws_caller_identity.current {});
//!         let partition = data!(aws_partition.current {});
//!         let aws = Account::new("us-west-2", &caller, &partition);
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         let role = resource!(aws_iam_role.fn { assume_role_policy: tf::jsonencode({ Version: "2012-10-17", Statement: [] }) });
//!         let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
//!         let subnet = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24" });
//!         let routes = resource!(aws_route_table.a { vpc_id: vpc.id });
//!         resource!(aws_route_table_association.a { subnet_id: subnet.id, route_table_id: routes.id });
//!         let sg = resource!(aws_security_group.app { vpc_id: vpc.id, description: "the function" });
//!         let function = resource!(aws_lambda_function.hello {
//!             function_name: "hello", role: role.arn, runtime: "python3.12", handler: "h.handler", filename: "h.zip",
//!             tracing_config { mode: "Active" }
//!             vpc_config { subnet_ids: [subnet.id], security_group_ids: [sg.id] }
//!         });
//!         let api = resource!(aws_api_gateway_rest_api.hello { name: "hello", endpoint_configuration { types: ["REGIONAL"] } });
//!         let config = PrivateRestApi {
//!             routes: vec![Route::new("hello_get", "GET", "/hello/{name}")],
//!             ..PrivateRestApi::new("hello-api", Naming::new("", "-prod"), "Hello API")
//!         };
//!         let built = config.build(&mut stack.scope("api"), &api, &function, &key, &aws);
//!         // `invoke_url` is checked by rustc against the field's type, `Handle<aws_api_gateway_stage>`.
//!         output!(api_url { value: built.stage.invoke_url, description: "the API's base URL" });
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Api.build()).unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
//! let method = &json["resource"]["aws_api_gateway_method"]["api_route_hello_get"];
//! assert_eq!(method["authorization"], "AWS_IAM");
//! assert_eq!(method["request_parameters"]["method.request.path.name"], true);
//! ```

use std::collections::BTreeMap;

use tap::prelude::*;

use crate::{block, template, Account, Naming};

/// How callers are authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authorization {
    /// SigV4-signed requests by principals allowed `execute-api:Invoke`.
    Iam,
    /// Anyone on the internet. Rule TAP-APG-003 fails every method unless
    /// the stack suppresses it with a reason.
    None,
}

impl Authorization {
    /// The value of `aws_api_gateway_method.authorization`.
    pub fn as_str(self) -> &'static str {
        match self {
            Authorization::Iam => "AWS_IAM",
            Authorization::None => "NONE",
        }
    }
}

/// A JSON schema (draft-04, as API Gateway reads them) that request bodies are validated against.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The model's name in API Gateway, alphanumeric (`Item`), which
    /// [`Route::with_body`] refers to.
    pub name: String,
    /// What the body is, shown in the console and exported API definitions.
    pub description: String,
    /// The JSON schema document, as text.
    pub schema: String,
}

/// One method on one path, integrated with the function.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Names the route's method, integration and permission (`items_get`).
    pub name: String,
    /// The HTTP method, upper case (`GET`, `POST`).
    pub method: String,
    /// `/items/{id}`: `{id}` is a required path parameter.
    pub path: String,
    /// The [`Model`] (by name) the JSON body must match, if the route takes one.
    pub model: Option<String>,
}

impl Route {
    /// A route named `name` for `method` on `path`, with no body to validate.
    pub fn new(name: &str, method: &str, path: &str) -> Self {
        Route { name: name.to_owned(), method: method.to_owned(), path: path.to_owned(), model: None }
    }

    /// The route's JSON body must match the model.
    pub fn with_body(mut self, model: &str) -> Self {
        self.model = Some(model.to_owned());
        self
    }

    fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    fn parameters(&self) -> Vec<&str> {
        self.segments().into_iter().filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect()
    }

    /// `GET/items/*`: the route in an execute-api ARN, parameters as `*`.
    fn arn_path(&self) -> String {
        let parts: Vec<&str> = self.segments().into_iter().map(|s| if s.starts_with('{') { "*" } else { s }).collect();
        format!("{}/{}", self.method, parts.join("/"))
    }
}

/// A group of AWS managed rules, with rules to count instead of block.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedRules {
    /// The rule's name and metric name (`aws-common`).
    pub name: String,
    /// `AWSManagedRulesCommonRuleSet`.
    pub group: String,
    /// Rules of the group that only count matches: for a rule that blocks
    /// legitimate traffic of this API, watched before it is turned off.
    pub count_only: Vec<String>,
}

impl ManagedRules {
    /// The AWS managed rule group `group` (`AWSManagedRulesCommonRuleSet`),
    /// every rule blocking, under the rule name `name`.
    pub fn new(name: &str, group: &str) -> Self {
        ManagedRules { name: name.to_owned(), group: group.to_owned(), count_only: Vec::new() }
    }

    /// Counts `rule` of the group instead of blocking it.
    pub fn counting(mut self, rule: &str) -> Self {
        self.count_only.push(rule.to_owned());
        self
    }
}

/// The web ACL's rules: a per-IP rate limit first, then the managed groups in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Waf {
    /// Requests per 5 minutes from one address before it is blocked.
    pub rate_limit_per_ip: i64,
    /// AWS managed rule groups, evaluated in this order after the rate limit.
    pub managed: Vec<ManagedRules>,
}

impl Default for Waf {
    /// 1,000 requests per 5 minutes per address; AWS's common, known bad
    /// inputs, IP reputation and anonymous IP rules.
    fn default() -> Self {
        Waf {
            rate_limit_per_ip: 1000,
            managed: vec![
                ManagedRules::new("aws-common", "AWSManagedRulesCommonRuleSet"),
                ManagedRules::new("aws-known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"),
                ManagedRules::new("aws-ip-reputation", "AWSManagedRulesAmazonIpReputationList"),
                ManagedRules::new("aws-anonymous-ip", "AWSManagedRulesAnonymousIpList"),
            ],
        }
    }
}

/// The API's configuration.
#[derive(Clone, Debug)]
pub struct PrivateRestApi {
    /// The API's name before [`Naming`] (`items-api`): names the WAF and the access log group.
    pub name: String,
    /// How [`PrivateRestApi::name`] becomes the cloud names of the web ACL,
    /// the log groups and the CloudWatch role.
    pub naming: Naming,
    /// What the API is called in descriptions (`Items API`).
    pub title: String,
    /// The stage name, the first path segment of every URL (`v1`).
    pub stage: String,
    /// The stage's description in API Gateway.
    pub stage_description: String,
    /// How every method authenticates callers; [`Authorization::Iam`] by default.
    pub authorization: Authorization,
    /// The API's methods; the path resources they need are derived from them.
    pub routes: Vec<Route>,
    /// The body schemas routes may name with [`Route::with_body`].
    pub models: Vec<Model>,
    /// The most requests the stage accepts at once, above the steady rate.
    pub throttling_burst_limit: i64,
    /// Requests per second.
    pub throttling_rate_limit: i64,
    /// How long the access, execution and WAF logs are kept; 365 by default
    /// (TAP-LOG-001 refuses forever).
    pub log_retention_days: i64,
    /// The web ACL's rate limit and managed rule groups.
    pub waf: Waf,
}

/// What [`PrivateRestApi::build`] declares.
#[derive(Clone, Debug)]
pub struct RestApi {
    /// The stage, whose `invoke_url` is the API's base URL and whose ARN
    /// alarms and IAM policies name.
    pub stage: Handle<aws_api_gateway_stage>,
    /// The deployment the stage serves, replaced when a route changes.
    pub deployment: Handle<aws_api_gateway_deployment>,
    /// In the order of [`PrivateRestApi::routes`].
    pub methods: Vec<Handle<aws_api_gateway_method>>,
    /// The encrypted group of one JSON line per request.
    pub access_logs: Handle<aws_cloudwatch_log_group>,
    /// The encrypted group API Gateway writes its execution logs to,
    /// created before API Gateway would create it unencrypted.
    pub execution_logs: Handle<aws_cloudwatch_log_group>,
    /// The web ACL in front of the stage, for alarms on blocked requests.
    pub waf: Handle<aws_wafv2_web_acl>,
    /// The encrypted group of the web ACL's logs.
    pub waf_logs: Handle<aws_cloudwatch_log_group>,
}

/// `{ cloudwatch_metrics_enabled = true, metric_name = name, sampled_requests_enabled = true }`.
fn visibility(name: &str) -> Value {
    block([("cloudwatch_metrics_enabled", Value::from(true)), ("metric_name", Value::from(name)), ("sampled_requests_enabled", Value::from(true))])
}

/// A Terraform-safe name of a path: `/items/{id}` as `items_id`.
fn path_key(segments: &[&str]) -> String {
    let words: Vec<String> = segments.iter().map(|s| s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()).collect();
    words.join("_")
}

impl PrivateRestApi {
    /// Stage `v1`, IAM authorization, no routes, throttling at 50 requests
    /// a second (bursts of 100), logs kept a year, the default [`Waf`].
    pub fn new(name: &str, naming: Naming, title: &str) -> Self {
        PrivateRestApi {
            name: name.to_owned(),
            naming,
            title: title.to_owned(),
            stage: "v1".into(),
            stage_description: format!("Current version of the {title}"),
            authorization: Authorization::Iam,
            routes: Vec::new(),
            models: Vec::new(),
            throttling_burst_limit: 100,
            throttling_rate_limit: 50,
            log_retention_days: 365,
            waf: Waf::default(),
        }
    }

    /// The access log group's name, known before the API exists (for a key policy).
    pub fn access_log_group_name(&self) -> String {
        format!("/aws/apigateway/{}/access", self.naming.name(&self.name))
    }

    /// WAF only delivers to log groups whose name starts with `aws-waf-logs-`.
    pub fn waf_log_group_name(&self) -> String {
        format!("aws-waf-logs-{}", self.naming.name(&self.name))
    }

    /// The execution log group API Gateway writes to, named after the API's ID.
    pub fn execution_log_group_name(&self, api: &Handle<aws_api_gateway_rest_api>) -> Value {
        template(vec![Value::from("API-Gateway-Execution-Logs_"), api.attr("id"), Value::from(format!("/{}", self.stage))])
    }

    /// The web ACL's rules.
    fn waf_rules(&self) -> Value {
        let rate = block([
            ("name", Value::from("rate-limit-per-ip")),
            ("priority", Value::from(0)),
            ("action", block([("block", block([]))])),
            ("statement", Value::map([("rate_based_statement", Value::map([("limit", Value::from(self.waf.rate_limit_per_ip)), ("aggregate_key_type", Value::from("IP"))]))])),
            ("visibility_config", visibility("rate-limit-per-ip")),
        ]);
        let managed = self.waf.managed.iter().enumerate().map(|(i, m)| {
            let mut statement = vec![("vendor_name", Value::from("AWS")), ("name", Value::from(m.group.as_str()))];
            if !m.count_only.is_empty() {
                let overrides = m.count_only.iter().map(|r| Value::map([("name", Value::from(r.as_str())), ("action_to_use", Value::map([("count", Value::map::<&str>([]))]))]));
                statement.push(("rule_action_override", Value::list(overrides)));
            }
            block([
                ("name", Value::from(m.name.as_str())),
                ("priority", Value::from(i + 1)),
                ("override_action", block([("none", block([]))])),
                ("statement", Value::map([("managed_rule_group_statement", Value::map(statement))])),
                ("visibility_config", visibility(&m.name)),
            ])
        });
        Value::list(std::iter::once(rate).chain(managed))
    }
}

#[component]
impl PrivateRestApi {
    /// Declares the routes, stage, logging and firewall of `api`, every route
    /// integrated with `function`.
    pub fn build(
        &self,
        scope: &mut Scope,
        api: &Handle<aws_api_gateway_rest_api>,
        function: &Handle<aws_lambda_function>,
        key: &Handle<aws_kms_key>,
        aws: &Account,
    ) -> RestApi {
        let naming = &self.naming;
        // One resource per distinct path prefix, parents first.
        let mut paths: BTreeMap<Vec<&str>, Handle<aws_api_gateway_resource>> = BTreeMap::new();
        let mut created = Vec::new();
        for route in &self.routes {
            let segments = route.segments();
            for depth in 1..=segments.len() {
                let prefix = segments[..depth].to_vec();
                if paths.contains_key(&prefix) {
                    continue;
                }
                let parent = match depth {
                    1 => api.attr("root_resource_id"),
                    _ => paths[&segments[..depth - 1]].attr("id"),
                };
                let path_name = path_key(&prefix);
                let resource = resource!(aws_api_gateway_resource.path[path_name] {
                    rest_api_id: api.id,
                    parent_id: parent,
                    path_part: prefix[depth - 1],
                });
                created.push(prefix.clone());
                paths.insert(prefix, resource);
            }
        }
        // API Gateway rejects bad bodies and missing parameters before the function runs.
        let validator = resource!(aws_api_gateway_request_validator.validator {
            rest_api_id: api.id,
            name: "body-and-parameters",
            validate_request_body: true,
            validate_request_parameters: true,
        });
        let mut models: BTreeMap<&str, Handle<aws_api_gateway_model>> = BTreeMap::new();
        for m in &self.models {
            let model_name = m.name.to_lowercase();
            models.insert(&m.name, resource!(aws_api_gateway_model.model[model_name] {
                rest_api_id: api.id,
                name: m.name.clone(),
                description: m.description.clone(),
                content_type: "application/json",
                schema: m.schema.clone(),
            }));
        }

        // Per route: the method, its Lambda proxy integration (API Gateway
        // always calls Lambda with POST) and a permission for exactly this
        // API, stage, method and path.
        let mut methods = Vec::new();
        let mut integrations = Vec::new();
        for route in &self.routes {
            let name = route.name.as_str();
            let resource = &paths[&route.segments()];
            let parameters: BTreeMap<String, Value> = route.parameters().iter().map(|p| (format!("method.request.path.{p}"), Value::from(true))).collect();
            let body: Option<BTreeMap<String, Value>> = route.model.as_ref().map(|m| {
                let model = models.get(m.as_str()).unwrap_or_else(|| panic!("route `{name}` names model `{m}`, which the API does not declare"));
                BTreeMap::from([("application/json".to_owned(), model.attr("name"))])
            });
            let method = resource!(aws_api_gateway_method.route[name] {
                rest_api_id: api.id,
                resource_id: resource.attr("id"),
                http_method: route.method.clone(),
                authorization: self.authorization.as_str(),
                request_validator_id: validator.id,
                request_parameters: (!parameters.is_empty()).then(|| Value::Map(parameters.clone())),
                request_models: body.map(Value::Map),
            });
            let integration = resource!(aws_api_gateway_integration.route[name] {
                rest_api_id: api.id,
                resource_id: resource.attr("id"),
                http_method: method.http_method,
                type: "AWS_PROXY",
                integration_http_method: "POST",
                uri: function.invoke_arn,
            });
            resource!(aws_lambda_permission.route[name] {
                statement_id: format!("Api{}", route.name.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect::<String>()),
                action: "lambda:InvokeFunction",
                function_name: function.function_name,
                principal: "apigateway.amazonaws.com",
                source_arn: concat!(api.execution_arn, "/", self.stage.clone(), "/", route.arn_path()),
            });
            integrations.push(integration);
            methods.push(method);
        }
        let mut redeploy: Vec<Value> = created.iter().map(|p| paths[p].attr("id")).collect();
        redeploy.push(validator.attr("id"));
        for m in models.values() {
            redeploy.extend([m.attr("id"), m.attr("schema")]);
        }
        redeploy.extend(methods.iter().map(|m| m.attr("id")));
        redeploy.extend(methods.iter().map(|m| m.attr("authorization")));
        redeploy.extend(integrations.iter().map(|i| i.attr("id")));
        redeploy.extend(integrations.iter().map(|i| i.attr("uri")));
        // Redeployed whenever a route changes (ids change on replacement;
        // authorization and schemas change in place, so they are hashed too).
        let deployment = resource!(aws_api_gateway_deployment.deployment {
            rest_api_id: api.id,
            description: "Managed by tap; redeployed when the API changes",
            triggers: { redeployment: Value::call("sha1", vec![Value::jsonencode(Value::List(redeploy))]) },
            #[lifecycle(create_before_destroy)]
        });

        // Execution logs: API Gateway would create this group itself,
        // unencrypted and kept forever; creating it first prevents that.
        let execution_logs = resource!(aws_cloudwatch_log_group.execution {
            name: self.execution_log_group_name(api),
            retention_in_days: self.log_retention_days,
            kms_key_id: key.arn,
        });
        let access_logs = resource!(aws_cloudwatch_log_group.access {
            name: self.access_log_group_name(),
            retention_in_days: self.log_retention_days,
            kms_key_id: key.arn,
        });

        // The role API Gateway logs with is an account and region setting,
        // shared by every API there, so it covers every API's execution logs
        // and the access logs of every API named with this prefix: the
        // managed AmazonAPIGatewayPushToCloudWatchLogs policy without its
        // read actions and with resources narrowed to those groups.
        let logs_role = resource!(aws_iam_role.cloudwatch {
            name: naming.name("apigateway-cloudwatch"),
            description: "API Gateway execution and access logging (account setting)",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
        });
        let access_pattern = format!("/aws/apigateway/{}*", naming.prefix);
        let logs_policy = resource!(aws_iam_role_policy.cloudwatch {
            name: "write-api-log-groups",
            role: logs_role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    {
                        // Named by API Gateway, which creates them when missing.
                        Sid: "ExecutionLogGroups",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [aws.log_group_arn("API-Gateway-Execution-Logs_*"), aws.log_group_arn("API-Gateway-Execution-Logs_*:log-stream:*")],
                    },
                    {
                        Sid: "AccessLogGroups",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [aws.log_group_arn(access_pattern.clone()), aws.log_group_arn(format!("{access_pattern}:log-stream:*"))],
                    },
                    {
                        // Listing groups cannot be narrowed below the account and region.
                        Sid: "FindLogGroups",
                        Effect: "Allow",
                        Action: ["logs:DescribeLogGroups"],
                        Resource: aws.log_group_arn("*"),
                    },
                ],
            }),
        });
        let account = resource!(aws_api_gateway_account.account {
            cloudwatch_role_arn: logs_role.arn,
            #[depends_on(logs_policy)]
        });

        let stage = resource!(aws_api_gateway_stage.stage {
            rest_api_id: api.id,
            deployment_id: deployment.id,
            stage_name: self.stage.clone(),
            description: self.stage_description.clone(),
            xray_tracing_enabled: true,
            // One JSON line per request: who (IAM caller), what, result, timings.
            access_log_settings {
                destination_arn: access_logs.arn,
                format: tf::jsonencode({
                    requestId: "$context.requestId",
                    extendedRequestId: "$context.extendedRequestId",
                    requestTime: "$context.requestTime",
                    sourceIp: "$context.identity.sourceIp",
                    userAgent: "$context.identity.userAgent",
                    caller: "$context.identity.caller",
                    userArn: "$context.identity.userArn",
                    httpMethod: "$context.httpMethod",
                    resourcePath: "$context.resourcePath",
                    path: "$context.path",
                    status: "$context.status",
                    protocol: "$context.protocol",
                    responseLength: "$context.responseLength",
                    responseLatency: "$context.responseLatency",
                    integrationLatency: "$context.integrationLatency",
                    integrationStatus: "$context.integration.status",
                    wafResponseCode: "$context.wafResponseCode",
                    xrayTraceId: "$context.xrayTraceId",
                    error: "$context.error.message",
                }),
            }
            #[depends_on(account, execution_logs)]
        });
        // Metrics per method, INFO execution logs without bodies (they may
        // hold personal data), and throttling.
        resource!(aws_api_gateway_method_settings.all {
            rest_api_id: api.id,
            stage_name: stage.stage_name,
            method_path: "*/*",
            settings {
                metrics_enabled: true,
                logging_level: "INFO",
                data_trace_enabled: false,
                throttling_burst_limit: self.throttling_burst_limit,
                throttling_rate_limit: self.throttling_rate_limit,
            }
        });

        let waf = resource!(aws_wafv2_web_acl.waf {
            name: naming.name(&self.name),
            description: format!("{}: rate limit and AWS managed rules", self.title),
            scope: "REGIONAL",
            default_action { allow {} }
            rule: self.waf_rules(),
            visibility_config { cloudwatch_metrics_enabled: true, metric_name: self.name.clone(), sampled_requests_enabled: true }
        });
        resource!(aws_wafv2_web_acl_association.waf {
            resource_arn: stage.arn,
            web_acl_arn: waf.arn,
        });
        let waf_logs = resource!(aws_cloudwatch_log_group.waf {
            name: self.waf_log_group_name(),
            retention_in_days: self.log_retention_days,
            kms_key_id: key.arn,
        });
        resource!(aws_wafv2_web_acl_logging_configuration.waf {
            resource_arn: waf.arn,
            log_destination_configs: [waf_logs.arn],
            // The SigV4 header holds a signature, not a secret, but is of no use in logs.
            redacted_fields { single_header { name: "authorization" } }
        });
        RestApi { stage, deployment, methods, access_logs, execution_logs, waf, waf_logs }
    }
}
