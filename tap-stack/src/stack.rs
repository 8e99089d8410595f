//! The items service: a private REST API in front of one Lambda function
//! and one DynamoDB table, in a VPC spread over several Availability Zones,
//! with everything encrypted by one customer managed KMS key and watched by
//! alarms.
//!
//! Built from tap-aws's components, each secure by default; this file says
//! what is specific to the service: names, sizes, routes, the operations
//! the handler calls, and what to alarm on. Every component's resources are
//! checked at compile time against the AWS provider schema and tap's
//! security rules, and again at synthesis for the values from the
//! configuration.

use std::collections::BTreeMap;

use tap::prelude::*;
use tap_aws::alarms::{Alarm, AlarmSet, Metric, Watched, Widget};
use tap_aws::function::{Egress, PrivateFunction};
use tap_aws::iam::Grant;
use tap_aws::kms::{EncryptionKey, KeyPolicy};
use tap_aws::network::{GatewayEndpoint, PrivateNetwork};
use tap_aws::rest_api::{Authorization, ManagedRules, Model, PrivateRestApi, Route, Waf};
use tap_aws::table::EncryptedTable;
use tap_aws::{Account, Naming};

use crate::cli::Config;

/// The API stage: part of the invoke URL and of every execute-api ARN.
pub const STAGE: &str = "v1";
/// Seconds. API Gateway gives up after 29 s; the handler's DynamoDB calls
/// time out after 2 s to connect and 5 s to read, with 3 attempts.
pub const FUNCTION_TIMEOUT_SECONDS: i64 = 10;
/// Alarm when the slowest 1 % of invocations take 80 % of the timeout.
pub const FUNCTION_DURATION_ALARM_MS: i64 = FUNCTION_TIMEOUT_SECONDS * 1000 * 8 / 10;
/// Log retention: one year, what audits usually ask of access and flow logs
/// (and the minimum of `org-policy.toml`, rule ORG-LOG-001).
pub const LOG_RETENTION_DAYS: i64 = 365;
/// The DynamoDB operations `lambda/items/handler.py` calls, as IAM actions.
/// Keep in step with the handler: `get_item`, `put_item`, `update_item`,
/// `delete_item`, `scan`. (No `Query`: nothing reads an index.)
pub const TABLE_ACTIONS: [&str; 5] = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:UpdateItem"];
/// The same operations as CloudWatch's `Operation` dimension.
const TABLE_OPERATIONS: [&str; 5] = ["DeleteItem", "GetItem", "PutItem", "Scan", "UpdateItem"];

/// Why `--demo-open-api` is accepted: recorded in the report and the configuration.
pub(crate) const OPEN_API_REASON: &str = "--demo-open-api: the API is public on purpose, for a demonstration with throwaway data; WAF rate limits and stage throttling still apply, and the function can only reach its own table";

/// The stack; its fields are the checked configuration.
pub struct ItemsStack {
    pub config: Config,
}

impl ItemsStack {
    pub fn new(config: Config) -> Self {
        ItemsStack { config }
    }

    /// `tap-<what>-<env>`: every AWS name ends with the environment, so
    /// environments do not collide in one account.
    pub fn naming(&self) -> Naming {
        Naming::new("tap-", &format!("-{}", self.config.environment))
    }

    /// Per zone a public subnet with its NAT (or one NAT for all), a
    /// private subnet for the function, flow logs kept a year.
    fn network(&self) -> PrivateNetwork {
        let cfg = &self.config;
        PrivateNetwork {
            nat: cfg.nat,
            flow_log_retention_days: LOG_RETENTION_DAYS,
            // Zones by ID, from `regions.rs`: the same physical zones in every account.
            ..PrivateNetwork::new("vpc", self.naming(), cfg.vpc_cidr, cfg.zone_ids())
        }
    }

    /// The handler; its grants, environment and egress need the table and network.
    fn function(&self) -> PrivateFunction {
        PrivateFunction {
            description: "Items API handler".into(),
            // Graviton: cheaper per millisecond; the code is pure Python.
            architectures: vec!["arm64".into()],
            memory_size: 256,
            timeout: FUNCTION_TIMEOUT_SECONDS,
            // Caps cost and what a flood of requests can do to the table;
            // the stage throttles well below it.
            reserved_concurrency: Some(25),
            log_retention_days: LOG_RETENTION_DAYS,
            ..PrivateFunction::new("items", self.naming(), "python3.12", "handler.handler")
        }
    }

    /// The routes `handler.py` serves, the item schema, and the firewall.
    fn api(&self) -> PrivateRestApi {
        let managed = |name: &str, group: &str| ManagedRules::new(name, group);
        PrivateRestApi {
            stage: STAGE.into(),
            stage_description: "Current version of the items API".into(),
            // Callers sign requests with SigV4; the demo flag opens every method.
            authorization: if self.config.open_api { Authorization::None } else { Authorization::Iam },
            models: vec![Model {
                name: "Item".into(),
                description: "Body of POST /items and PUT /items/{id}".into(),
                schema: include_str!("../lambda/item.schema.json").trim_end().into(),
            }],
            routes: vec![
                Route::new("items_get", "GET", "/items"),
                Route::new("items_post", "POST", "/items").with_body("Item"),
                Route::new("item_get", "GET", "/items/{id}"),
                Route::new("item_put", "PUT", "/items/{id}").with_body("Item"),
                Route::new("item_delete", "DELETE", "/items/{id}"),
                Route::new("health_get", "GET", "/health"),
            ],
            waf: Waf {
                managed: vec![
                    // The handler accepts bodies up to 16 KiB; the rule set
                    // blocks above 8 KiB. Count instead of block.
                    managed("aws-common", "AWSManagedRulesCommonRuleSet").counting("SizeRestrictions_BODY"),
                    managed("aws-known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"),
                    managed("aws-ip-reputation", "AWSManagedRulesAmazonIpReputationList"),
                    // Block VPNs, Tor and proxies, but only count cloud hosting
                    // addresses: legitimate IAM callers (CI, other services) run there.
                    managed("aws-anonymous-ip", "AWSManagedRulesAnonymousIpList").counting("HostingProviderIPList"),
                ],
                ..Waf::default()
            },
            log_retention_days: LOG_RETENTION_DAYS,
            ..PrivateRestApi::new("items-api", self.naming(), "Items API")
        }
    }

    /// What pages on-call: the function, the API and the table.
    fn alarms(&self, function: &Handle<aws_lambda_function>, api: &Handle<aws_api_gateway_rest_api>, stage: &Handle<aws_api_gateway_stage>, table: &Handle<aws_dynamodb_table>) -> AlarmSet {
        let cfg = &self.config;
        let lambda = |m: &str| Metric::new("AWS/Lambda", m).dimension("FunctionName", function.attr("function_name"));
        let gateway = |m: &str| Metric::new("AWS/ApiGateway", m).dimension("ApiName", api.attr("name")).dimension("Stage", stage.attr("stage_name"));
        // DynamoDB publishes these per operation: add up the ones the function uses.
        let table_sum = |m: &str| Watched::Sum {
            metric: Metric::new("AWS/DynamoDB", m).dimension("TableName", table.attr("name")),
            dimension: "Operation".into(),
            values: TABLE_OPERATIONS.iter().map(|o| (*o).to_owned()).collect(),
        };
        let alarms = vec![
            Alarm::at_least("items-function-errors", "The items function failed (unhandled error or timeout) at least once in 5 minutes", lambda("Errors").into(), 1.0),
            Alarm::at_least("items-function-throttles", "The items function hit its reserved concurrency in the last 5 minutes", lambda("Throttles").into(), 1.0),
            Alarm::at_least("items-function-duration-p99", "The slowest 1% of items function invocations take 80% of its timeout, for 15 minutes", lambda("Duration").into(), FUNCTION_DURATION_ALARM_MS as f64)
                .statistic("p99")
                .periods(3),
            Alarm::above("items-api-4xx", "More than 10% of API requests got a 4xx answer, for 15 minutes (clients or callers without permission)", gateway("4XXError").into(), 0.1)
                .statistic("Average")
                .periods(3),
            Alarm::at_least("items-api-5xx", "The API answered 5xx (a server-side fault) at least once in 5 minutes", gateway("5XXError").into(), 1.0),
            Alarm::above("items-api-latency-p99", "The slowest 1% of API requests take over 3 seconds, for 15 minutes", gateway("Latency").into(), 3000.0).statistic("p99").periods(3),
            Alarm::at_least("items-table-throttles", "DynamoDB throttled requests to the items table in the last 5 minutes", table_sum("ThrottledRequests"), 1.0),
            Alarm::at_least("items-table-system-errors", "DynamoDB answered requests to the items table with a server error in the last 5 minutes", table_sum("SystemErrors"), 1.0),
        ];
        // The alarms' metrics on one screen.
        let widgets = vec![
            Widget::new("API requests and errors", "Sum").line(&gateway("Count")).line(&gateway("4XXError")).line(&gateway("5XXError")),
            Widget::new("API latency p99 (ms)", "p99").line(&gateway("Latency")).line(&gateway("IntegrationLatency")),
            Widget::new("Function invocations, errors and throttles", "Sum").line(&lambda("Invocations")).line(&lambda("Errors")).line(&lambda("Throttles")),
            Widget::new("Function duration p99 (ms)", "p99").line(&lambda("Duration")),
            Widget::new("Table throttled requests", "Sum").watching(&table_sum("ThrottledRequests")),
            Widget::new("Table system errors", "Sum").watching(&table_sum("SystemErrors")),
        ];
        AlarmSet {
            topic_display_name: format!("tap items {} alarms", cfg.environment),
            email: cfg.alarm_email.clone(),
            alarms,
            widgets,
            ..AlarmSet::new("items", self.naming())
        }
    }
}

#[stack(name = format!("tap-items-{}", self.config.environment))]
impl ItemsStack {
    fn define(&self, stack: &mut Stack) {
        let cfg = &self.config;
        let naming = self.naming();

        // ---------------------------------------------------------------- provider and state
        stack.provider(
            Provider::aws(&cfg.region)
                .default_tag("environment", &cfg.environment)
                .default_tag("application", "tap-items")
                .default_tag("managed-by", "tap")
                // Rules ORG-TAG-001 and ORG-TAG-002 of `org-policy.toml`.
                .default_tag("owner", &cfg.owner)
                .default_tag("cost-center", &cfg.cost_center),
        );
        // State in S3, encrypted, locked with DynamoDB (Terraform 1.0's only
        // locking; tap-stack/bootstrap creates both), or with `use_lockfile`
        // under --state-lockfile, which makes it require Terraform 1.11.
        let state = &cfg.state;
        stack.backend(if state.lockfile {
            Backend::s3(&state.bucket, &state.key, &state.region)
        } else {
            Backend::s3_dynamodb(&state.bucket, &state.key, &state.region, &state.lock_table)
        });
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new(&cfg.region, &caller, &partition);
        let (network, handler, api_config) = (self.network(), self.function(), self.api());

        // ---------------------------------------------------------------- encryption
        // The REST API comes first: its ID names the execution log group,
        // which the key policy lists.
        let api = resource!(aws_api_gateway_rest_api.items {
            name: naming.name("items-api"),
            description: format!("Items API ({})", cfg.environment),
            endpoint_configuration { types: ["REGIONAL"] }
            // A replacement API comes up before the old one goes away.
            #[lifecycle(create_before_destroy)]
        });
        // One key for the table, every log group, the alarm topic and the
        // function's environment. Besides the account (whose IAM policies
        // grant only what each role needs), CloudWatch Logs may use it for
        // exactly this stack's log groups, and CloudWatch alarms for the topic.
        let policy = KeyPolicy::new(&aws)
            .allow_log_groups(
                "CloudWatchLogsForThisStacksLogGroups",
                [
                    Value::from(handler.log_group_name()),
                    Value::from(network.flow_log_group_name()),
                    Value::from(api_config.access_log_group_name()),
                    api_config.execution_log_group_name(&api),
                    Value::from(api_config.waf_log_group_name()),
                ],
            )
            .allow_service("CloudWatchAlarmsPublishToTheAlarmTopic", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]);
        let key = EncryptionKey {
            description: format!("tap items {}: DynamoDB table, log groups, alarm topic, Lambda environment", cfg.environment),
            // Throwaway environments give the key back sooner.
            deletion_window_in_days: if cfg.throwaway { 7 } else { 30 },
            ..EncryptionKey::new("items", naming.clone(), policy)
        }
        .build(&mut stack.scope("main"));

        // ---------------------------------------------------------------- data
        // On demand, KMS, point-in-time recovery; deletion protection unless throwaway.
        let table: Handle<aws_dynamodb_table> = EncryptedTable { deletion_protection: !cfg.throwaway, ..EncryptedTable::new("items", naming.clone()) }.build(&mut stack.scope("items"), &key.key);

        // ---------------------------------------------------------------- network
        // The DynamoDB gateway endpoint keeps table traffic off the NATs (no
        // NAT data charge, works when a NAT fails); through it, the VPC
        // reaches this table only, with the handler's operations.
        let table_grant = Grant::new("OnlyTheItemsTable", TABLE_ACTIONS, [table.attr("arn")]);
        // A gateway endpoint's policy cannot name its callers (whatever runs
        // in the VPC): its principal is `*`, and Resource and Action limit it.
        // The exception names that one finding of the network instance.
        #[suppress(
            "ORG-POL-001",
            reason = "a gateway endpoint policy applies to every caller in the VPC; it limits them to the items table and the handler's actions",
            finding = "endpoint_dynamodb.policy.Statement[0].Principal"
        )]
        let net = network.with_endpoint(GatewayEndpoint::new("dynamodb", table_grant)).build(&mut stack.scope("network"), &key.key, &aws);
        let dynamodb = net.endpoint("dynamodb").expect("BUG: the network declares the DynamoDB endpoint");

        // ---------------------------------------------------------------- function
        let code = stack.asset(Asset::zip("items", concat!(env!("CARGO_MANIFEST_DIR"), "/lambda/items")));
        // No dead-letter queue: API Gateway invokes the function
        // synchronously, so a failure goes back to the caller as a 5xx.
        let handler = PrivateFunction {
            // Exactly the operations handler.py calls, on this table only.
            grants: vec![Grant::new("ItemsTable", TABLE_ACTIONS, [table.attr("arn")])],
            environment: BTreeMap::from([("TABLE_NAME".to_owned(), table.attr("name")), ("LOG_LEVEL".to_owned(), Value::from("INFO"))]),
            egress: vec![
                Egress::prefix_list("HTTPS to DynamoDB through the gateway endpoint", dynamodb.attr("prefix_list_id")),
                Egress::anywhere("HTTPS to AWS APIs that have no endpoint here, through the NAT gateways"),
            ],
            ..handler
        };
        let function = handler.build(&mut stack.scope("handler"), &code, &key.key, &net.vpc, &net.private_subnets, &aws);

        // ---------------------------------------------------------------- API
        // IAM authorization, validation, X-Ray, access and execution logs,
        // throttling and a WAF. The demo flag opens every method; rule
        // TAP-APG-003 then fails each of them, so the exception is recorded
        // as a stack suppression with its reason (report, cdk.tf.json,
        // summary). A stack's suppressions belong to its policy, built
        // beside the stack from the same configuration: `crate::build`
        // adds this one.
        let rest = api_config.build(&mut stack.scope("api"), &api, &function.function, &key.key, &aws);

        // ---------------------------------------------------------------- observability
        // 8 alarms -> the encrypted topic (+ e-mail), and a dashboard.
        let watch = self.alarms(&function.function, &api, &rest.stage, &table).build(&mut stack.scope("alarms"), &key.key, &aws);

        // ---------------------------------------------------------------- outputs
        // A splat needs a collection the macro sees; every other path is checked by rustc.
        let private_subnets: &Vec<Handle<aws_subnet>> = &net.private_subnets;
        output!(api_url { value: rest.stage.invoke_url, description: "Base URL of the items API (append /items or /health); requests must be SigV4-signed unless api_authorization says otherwise" });
        output!(api_authorization {
            value: if cfg.open_api { "NONE: DEMO ONLY, ANYONE ON THE INTERNET CAN CALL THIS API" } else { "AWS_IAM" },
            description: "How callers of the API are authenticated",
        });
        output!(table_name { value: table.name, description: "Name of the DynamoDB items table" });
        output!(function_name { value: function.function.function_name, description: "Name of the items Lambda function" });
        output!(vpc_id { value: net.vpc.id, description: "ID of the VPC" });
        output!(private_subnet_ids { value: private_subnets[*].id, description: "IDs of the private subnets (one per Availability Zone) the function runs in" });
        output!(alarm_topic_arn { value: watch.topic.arn, description: "ARN of the SNS topic every alarm notifies; subscribe on-call here" });
    }
}
