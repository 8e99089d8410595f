//! The items service: a private REST API in front of one Lambda function
//! and one DynamoDB table, in a VPC spread over several Availability Zones,
//! with everything encrypted by one customer managed KMS key and watched by
//! alarms.
//!
//! Every `resource!` is checked at compile time against the AWS provider
//! schema and tap's security rules; values that come from the configuration
//! (names, the region, the zone count) are checked again at synthesis.

use tap::prelude::*;

use crate::cli::{Config, NatLayout};

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
/// The team that answers for the stack: the `owner` tag of every resource
/// (rule ORG-TAG-001 of `org-policy.toml`).
pub const OWNER: &str = "platform";
/// The cost center its spend is charged to: the `cost-center` tag of every
/// resource (rule ORG-TAG-002 of `org-policy.toml`).
pub const COST_CENTER: &str = "cc-1042";
/// The DynamoDB operations `lambda/items/handler.py` calls, as IAM actions.
/// Keep in step with the handler: `get_item`, `put_item`, `update_item`,
/// `delete_item`, `scan`. (No `Query`: nothing reads an index.)
pub const TABLE_ACTIONS: [&str; 5] = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:UpdateItem"];
/// The same operations as CloudWatch's `Operation` dimension.
const TABLE_OPERATIONS: [&str; 5] = ["DeleteItem", "GetItem", "PutItem", "Scan", "UpdateItem"];

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
    pub fn name(&self, what: &str) -> String {
        format!("tap-{what}-{}", self.config.environment)
    }

    /// The names of the log groups, which the key policy needs before the
    /// groups exist (a reference would make the key depend on its users).
    pub fn function_log_group(&self) -> String {
        format!("/aws/lambda/{}", self.name("items"))
    }

    pub fn flow_log_group(&self) -> String {
        format!("/aws/vpc/flow-logs/{}", self.name("vpc"))
    }

    pub fn api_access_log_group(&self) -> String {
        format!("/aws/apigateway/{}/access", self.name("items-api"))
    }

    /// WAF only delivers to log groups whose name starts with `aws-waf-logs-`.
    pub fn waf_log_group(&self) -> String {
        format!("aws-waf-logs-{}", self.name("items-api"))
    }
}

/// A template of `parts`, nested templates flattened (one `"..."` string).
fn template(parts: Vec<Value>) -> Value {
    let mut flat = Vec::new();
    for part in parts {
        match part {
            Value::Template(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    Value::template(flat)
}

/// `arn:<partition>:<service>:<region>:<account>:<rest>` as a template.
fn arn(partition: &Handle, service: &str, region: &str, account: &Handle, rest: Value) -> Value {
    template(vec![
        Value::from("arn:"),
        partition.attr("partition"),
        Value::from(format!(":{service}:{region}:")),
        account.attr("account_id"),
        Value::from(":"),
        rest,
    ])
}

/// A log group's ARN from its name, as CloudWatch Logs puts it in the
/// `aws:logs:arn` encryption context.
fn log_group_arn(partition: &Handle, region: &str, account: &Handle, name: Value) -> Value {
    arn(partition, "logs", region, account, template(vec![Value::from("log-group:"), name]))
}

/// A nested block instance built in Rust.
fn block<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Block(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// One `metric_query` per table operation and their sum, for alarms on
/// DynamoDB metrics that CloudWatch only publishes per operation.
/// (`FILL` counts an operation without data points as 0.)
fn table_operations_sum(metric: &str, table: &Handle) -> Value {
    let mut queries: Vec<Value> = TABLE_OPERATIONS
        .iter()
        .enumerate()
        .map(|(i, operation)| {
            block([
                ("id", Value::from(format!("m{i}"))),
                ("return_data", Value::from(false)),
                (
                    "metric",
                    block([
                        ("namespace", Value::from("AWS/DynamoDB")),
                        ("metric_name", Value::from(metric)),
                        ("period", Value::from(300)),
                        ("stat", Value::from("Sum")),
                        ("dimensions", Value::map([("TableName", table.attr("name")), ("Operation", Value::from(*operation))])),
                    ]),
                ),
            ])
        })
        .collect();
    let terms: Vec<String> = (0..TABLE_OPERATIONS.len()).map(|i| format!("FILL(m{i}, 0)")).collect();
    queries.push(block([
        ("id", Value::from("total")),
        ("expression", Value::from(format!("SUM([{}])", terms.join(", ")))),
        ("label", Value::from(format!("{metric} (all operations)"))),
        ("return_data", Value::from(true)),
    ]));
    Value::List(queries)
}

/// Dashboard lines of one DynamoDB metric, one per operation.
fn table_operation_lines(metric: &str, table: &Handle) -> Value {
    Value::list(TABLE_OPERATIONS.iter().map(|operation| {
        Value::list([Value::from("AWS/DynamoDB"), Value::from(metric), Value::from("TableName"), table.attr("name"), Value::from("Operation"), Value::from(*operation)])
    }))
}

#[stack(name = format!("tap-items-{}", self.config.environment))]
impl ItemsStack {
    fn define(&self, stack: &mut Stack) {
        let cfg = &self.config;
        let region = cfg.region.as_str();

        stack.provider(
            Provider::aws(region)
                .default_tag("environment", &cfg.environment)
                .default_tag("application", "tap-items")
                .default_tag("managed-by", "tap")
                .default_tag("owner", OWNER)
                .default_tag("cost-center", COST_CENTER),
        );
        // State in S3, encrypted, locked with DynamoDB (the locking that
        // Terraform 1.0 supports). tap-stack/bootstrap creates both.
        stack.backend(Backend::S3 {
            bucket: cfg.state.bucket.clone(),
            key: cfg.state.key.clone(),
            region: cfg.state.region.clone(),
            encrypt: true,
            dynamodb_table: Some(cfg.state.lock_table.clone()),
        });

        let account = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        // Zones by ID, from the facts in `regions.rs`: the same physical zones
        // in every account, and a fixed set (a zone AWS adds later does not
        // shift the subnets).
        let zone_ids = cfg.zone_ids();

        // ---------------------------------------------------------------- API (declared first: the key policy names its execution log group)
        // Callers must sign requests with SigV4 (AWS_IAM). The demo flag opens
        // every method; rule TAP-APG-003 then fails each of them at synthesis,
        // so the exception is recorded as a stack suppression with its reason:
        // it shows in policy-report.json, in cdk.tf.json and in the summary.
        let authorization = if cfg.open_api { "NONE" } else { "AWS_IAM" };
        if cfg.open_api {
            stack.suppress(Suppression::new(
                "TAP-APG-003",
                "--demo-open-api: the API is public on purpose, for a demonstration with throwaway data; WAF rate limits and stage throttling still apply, and the function can only reach its own table",
            ));
        }
        let api = resource!(aws_api_gateway_rest_api.items {
            name: self.name("items-api"),
            description: format!("Items API ({})", cfg.environment),
            endpoint_configuration { types: ["REGIONAL"] }
            // A replacement API comes up before the old one goes away.
            #[lifecycle(create_before_destroy)]
        });

        // ---------------------------------------------------------------- encryption
        // One customer managed key for the table, every log group, the alarm
        // topic and the function's environment. Its policy is explicit:
        // nothing but the account (through IAM policies, which in this stack
        // grant only what each role needs) and the two services below can use it.
        let key = resource!(aws_kms_key.main {
            description: format!("tap items {}: DynamoDB table, log groups, alarm topic, Lambda environment", cfg.environment),
            enable_key_rotation: true,
            is_enabled: true,
            // Throwaway environments give the key back sooner.
            deletion_window_in_days: if cfg.throwaway { 7 } else { 30 },
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    {
                        // The AWS default statement: key access is then decided by IAM
                        // policies in this account. Without it the key can become
                        // unmanageable (no principal could ever change its policy).
                        Sid: "AccountRootManagesTheKey",
                        Effect: "Allow",
                        Principal: { AWS: concat!("arn:", partition.partition, ":iam::", account.account_id, ":root") },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        // CloudWatch Logs encrypts this stack's log groups, and only
                        // them: the encryption context names the log group.
                        Sid: "CloudWatchLogsForThisStacksLogGroups",
                        Effect: "Allow",
                        Principal: { Service: format!("logs.{region}.amazonaws.com") },
                        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                        Resource: "*",
                        Condition: {
                            ArnEquals: {
                                "kms:EncryptionContext:aws:logs:arn": [
                                    log_group_arn(&partition, region, &account, Value::from(self.function_log_group())),
                                    log_group_arn(&partition, region, &account, Value::from(self.flow_log_group())),
                                    log_group_arn(&partition, region, &account, Value::from(self.api_access_log_group())),
                                    log_group_arn(&partition, region, &account, template(vec![Value::from("API-Gateway-Execution-Logs_"), api.attr("id"), Value::from(format!("/{STAGE}"))])),
                                    log_group_arn(&partition, region, &account, Value::from(self.waf_log_group())),
                                ],
                            },
                        },
                    },
                    {
                        // CloudWatch alarms publish to the encrypted alarm topic; SNS
                        // uses the key on their behalf.
                        Sid: "CloudWatchAlarmsPublishToTheAlarmTopic",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: "*",
                    },
                ],
            }),
        });
        resource!(aws_kms_alias.main {
            name: format!("alias/{}", self.name("items")),
            target_key_id: key.key_id,
        });

        // ---------------------------------------------------------------- network
        let vpc = resource!(aws_vpc.main {
            cidr_block: cfg.vpc_cidr.to_string(),
            enable_dns_support: true,
            // Needed for gateway endpoints and AWS service hostnames to resolve.
            enable_dns_hostnames: true,
            tags: { Name: self.name("vpc") },
        });
        // Adopt the default security group and strip its rules: nothing can
        // use it by accident.
        resource!(aws_default_security_group.default {
            vpc_id: vpc.id,
            tags: { Name: self.name("default-deny-all") },
        });
        let igw = resource!(aws_internet_gateway.main {
            vpc_id: vpc.id,
            tags: { Name: self.name("igw") },
        });
        let public_routes = resource!(aws_route_table.public {
            vpc_id: vpc.id,
            tags: { Name: self.name("public") },
        });
        resource!(aws_route.public_internet {
            route_table_id: public_routes.id,
            destination_cidr_block: "0.0.0.0/0",
            gateway_id: igw.id,
        });

        // Per zone: a public subnet holding the zone's NAT gateway, and a
        // private subnet for the function whose default route goes to the NAT
        // of the same zone. With one NAT per zone, losing a zone only loses
        // that zone's outbound path, and no traffic crosses zones (which AWS
        // bills). `--single-nat` trades that for the cost of one gateway.
        // Subnets are 1/16 of the VPC each: public ones take the first
        // eight slots, private ones the next eight.
        let mut private_subnets = Vec::new();
        let mut private_route_tables = Vec::new();
        let mut nat_gateways: Vec<Handle> = Vec::new();
        for (i, &zone_id) in zone_ids.iter().enumerate().take(cfg.zones) {
            let public = resource!(aws_subnet.public[i] {
                vpc_id: vpc.id,
                availability_zone_id: zone_id,
                cidr_block: cfg.vpc_cidr.subnet(4, i as u32).to_string(),
                // The NAT gateway has its own Elastic IP; nothing else here gets one.
                map_public_ip_on_launch: false,
                tags: { Name: format!("{}-{i}", self.name("public")), tier: "public" },
            });
            resource!(aws_route_table_association.public[i] {
                subnet_id: public.id,
                route_table_id: public_routes.id,
            });
            if cfg.nat == NatLayout::PerZone || i == 0 {
                let nat_ip = resource!(aws_eip.nat[i] {
                    domain: "vpc",
                    tags: { Name: format!("{}-{i}", self.name("nat")) },
                    #[depends_on(igw)]
                });
                let nat = resource!(aws_nat_gateway.zone[i] {
                    allocation_id: nat_ip.allocation_id,
                    subnet_id: public.id,
                    connectivity_type: "public",
                    tags: { Name: format!("{}-{i}", self.name("nat")) },
                    #[depends_on(igw)]
                });
                nat_gateways.push(nat.into());
            }
            // The NAT of this zone, or the only one.
            let nat_index = match cfg.nat {
                NatLayout::PerZone => i,
                NatLayout::Single => 0,
            };

            let private = resource!(aws_subnet.private[i] {
                vpc_id: vpc.id,
                availability_zone_id: zone_id,
                cidr_block: cfg.vpc_cidr.subnet(4, 8 + i as u32).to_string(),
                map_public_ip_on_launch: false,
                tags: { Name: format!("{}-{i}", self.name("private")), tier: "private" },
            });
            let private_routes = resource!(aws_route_table.private[i] {
                vpc_id: vpc.id,
                tags: { Name: format!("{}-{i}", self.name("private")) },
            });
            resource!(aws_route.private_nat[i] {
                route_table_id: private_routes.id,
                destination_cidr_block: "0.0.0.0/0",
                nat_gateway_id: nat_gateways[nat_index].id,
            });
            resource!(aws_route_table_association.private[i] {
                subnet_id: private.id,
                route_table_id: private_routes.id,
            });
            private_subnets.push(private);
            private_route_tables.push(private_routes);
        }

        // Every VPC packet's metadata goes to an encrypted log group.
        let flow_logs = resource!(aws_cloudwatch_log_group.flow_logs {
            name: self.flow_log_group(),
            retention_in_days: 365,
            kms_key_id: key.arn,
        });
        let flow_logs_role = resource!(aws_iam_role.flow_logs {
            name: self.name("vpc-flow-logs"),
            description: "VPC Flow Logs delivery to CloudWatch Logs",
            // Only the flow logs of this account may assume it (confused deputy).
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": account.account_id },
                        ArnLike: { "aws:SourceArn": arn(&partition, "ec2", region, &account, Value::from("vpc-flow-log/*")) },
                    },
                }],
            }),
        });
        let flow_logs_policy = resource!(aws_iam_role_policy.flow_logs {
            name: "write-flow-log-group",
            role: flow_logs_role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    {
                        // Write streams into the flow log group, and nowhere else.
                        Sid: "WriteTheFlowLogGroup",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [flow_logs.arn, concat!(flow_logs.arn, ":log-stream:*")],
                    },
                ],
            }),
        });
        resource!(aws_flow_log.vpc {
            vpc_id: vpc.id,
            traffic_type: "ALL",
            log_destination_type: "cloud-watch-logs",
            log_destination: flow_logs.arn,
            iam_role_arn: flow_logs_role.arn,
            max_aggregation_interval: 60,
            tags: { Name: self.name("vpc") },
            #[depends_on(flow_logs_policy)]
        });

        // ---------------------------------------------------------------- data
        let table = resource!(aws_dynamodb_table.items {
            name: self.name("items"),
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
            // On unless the environment is declared throwaway.
            deletion_protection_enabled: !cfg.throwaway,
        });

        // A gateway endpoint puts DynamoDB on the private route tables: table
        // traffic stays on the AWS network instead of crossing the NAT
        // (no NAT data charge, and it keeps working if a NAT fails). Its policy
        // lets the VPC reach this table only.
        let dynamodb_endpoint = resource!(aws_vpc_endpoint.dynamodb {
            // A gateway endpoint's policy cannot name the callers (they are
            // whatever runs in the VPC); Resource and Action do the limiting.
            #[suppress(
                "ORG-POL-001",
                reason = "a gateway endpoint policy applies to every caller in the VPC; it limits them to the items table and the handler's actions",
                finding = "policy.Statement[0].Principal"
            )]
            vpc_id: vpc.id,
            service_name: format!("com.amazonaws.{region}.dynamodb"),
            vpc_endpoint_type: "Gateway",
            route_table_ids: private_route_tables[*].id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "OnlyTheItemsTable",
                    Effect: "Allow",
                    Principal: "*",
                    Action: TABLE_ACTIONS.to_vec(),
                    Resource: table.arn,
                }],
            }),
            tags: { Name: self.name("dynamodb") },
        });

        // ---------------------------------------------------------------- function
        // HTTPS out only, and no ingress at all (API Gateway invokes the
        // function through the Lambda service, not the network).
        let function_sg = resource!(aws_security_group.function {
            name: self.name("items-function"),
            description: "Items function: HTTPS egress only, no ingress",
            vpc_id: vpc.id,
            ingress: [],
            egress: [
                {
                    description: "HTTPS to DynamoDB through the gateway endpoint",
                    protocol: "tcp",
                    from_port: 443,
                    to_port: 443,
                    prefix_list_ids: [dynamodb_endpoint.prefix_list_id],
                    cidr_blocks: [],
                    ipv6_cidr_blocks: [],
                    security_groups: [],
                    self: false,
                },
                {
                    description: "HTTPS to AWS APIs that have no endpoint here, through the NAT gateways",
                    protocol: "tcp",
                    from_port: 443,
                    to_port: 443,
                    cidr_blocks: ["0.0.0.0/0"],
                    prefix_list_ids: [],
                    ipv6_cidr_blocks: [],
                    security_groups: [],
                    self: false,
                },
            ],
            tags: { Name: self.name("items-function") },
        });

        // Created here rather than by Lambda, so it is encrypted and expires.
        let function_logs = resource!(aws_cloudwatch_log_group.function {
            name: self.function_log_group(),
            retention_in_days: 365,
            kms_key_id: key.arn,
        });

        // One role for this one function, assumable only by Lambda on behalf
        // of this account.
        let function_role = resource!(aws_iam_role.function {
            name: self.name("items-function"),
            description: "Execution role of the items function",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "lambda.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": account.account_id } },
                }],
            }),
        });
        // An inline policy (no AWS managed policies): each statement is
        // what the function needs, and no action is a wildcard.
        let function_policy = resource!(aws_iam_role_policy.function {
            name: "items-function",
            role: function_role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    {
                        // Exactly the operations handler.py calls, on this table only.
                        Sid: "ItemsTable",
                        Effect: "Allow",
                        Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:UpdateItem"],
                        Resource: table.arn,
                    },
                    {
                        // Lambda manages the function's network interfaces in the
                        // private subnets with the execution role. EC2 cannot scope
                        // Describe* to resources, and Lambda checks these actions
                        // on any resource when the function is created, so `*`.
                        Sid: "VpcNetworkInterfaces",
                        Effect: "Allow",
                        Action: [
                            "ec2:AssignPrivateIpAddresses",
                            "ec2:CreateNetworkInterface",
                            "ec2:DeleteNetworkInterface",
                            "ec2:DescribeNetworkInterfaces",
                            "ec2:DescribeSubnets",
                            "ec2:UnassignPrivateIpAddresses",
                        ],
                        Resource: "*",
                    },
                    {
                        // Active tracing: X-Ray has no resource-level permissions.
                        Sid: "XRayTraces",
                        Effect: "Allow",
                        Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                        Resource: "*",
                    },
                    {
                        // The environment variables are encrypted with the key.
                        Sid: "DecryptEnvironment",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: key.arn,
                    },
                    {
                        // Its own log group only (the group exists, so no CreateLogGroup).
                        Sid: "OwnLogGroup",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: concat!(function_logs.arn, ":log-stream:*"),
                    },
                ],
            }),
        });

        let code = stack.asset(Asset::zip("items", concat!(env!("CARGO_MANIFEST_DIR"), "/lambda/items")));
        // No dead-letter queue: API Gateway invokes the function synchronously,
        // so a failure goes back to the caller as a 5xx (and to the alarms);
        // Lambda only sends asynchronous invocations to a DLQ.
        let function = resource!(aws_lambda_function.items {
            function_name: self.name("items"),
            description: "Items API handler",
            role: function_role.arn,
            runtime: "python3.12",
            // Graviton: cheaper per millisecond; the code is pure Python.
            architectures: ["arm64"],
            handler: "handler.handler",
            filename: code.path(),
            source_code_hash: code.hash(),
            memory_size: 256,
            timeout: 10,
            // Caps cost and what a flood of requests can do to the table;
            // the stage throttles well below it.
            reserved_concurrent_executions: 25,
            tracing_config { mode: "Active" }
            vpc_config {
                subnet_ids: private_subnets[*].id,
                security_group_ids: [function_sg.id],
            }
            environment {
                variables: { TABLE_NAME: table.name, LOG_LEVEL: "INFO" },
            }
            kms_key_arn: key.arn,
            logging_config {
                log_format: "JSON",
                log_group: function_logs.name,
                application_log_level: "INFO",
                system_log_level: "INFO",
            }
            // The network-interface permissions must exist when Lambda checks
            // them at creation, and the log group before the first log line.
            #[depends_on(function_policy, function_logs)]
        });

        // ---------------------------------------------------------------- API
        let items = resource!(aws_api_gateway_resource.items {
            rest_api_id: api.id,
            parent_id: api.root_resource_id,
            path_part: "items",
        });
        let item = resource!(aws_api_gateway_resource.item {
            rest_api_id: api.id,
            parent_id: items.id,
            path_part: "{id}",
        });
        let health = resource!(aws_api_gateway_resource.health {
            rest_api_id: api.id,
            parent_id: api.root_resource_id,
            path_part: "health",
        });
        // API Gateway rejects bad bodies and missing parameters before the
        // function runs (the handler validates again, field by field).
        let validator = resource!(aws_api_gateway_request_validator.body_and_parameters {
            rest_api_id: api.id,
            name: "body-and-parameters",
            validate_request_body: true,
            validate_request_parameters: true,
        });
        let item_model = resource!(aws_api_gateway_model.item {
            rest_api_id: api.id,
            name: "Item",
            description: "Body of POST /items and PUT /items/{id}",
            content_type: "application/json",
            schema: include_str!("../lambda/item.schema.json").trim_end(),
        });

        let items_get = resource!(aws_api_gateway_method.items_get {
            rest_api_id: api.id,
            resource_id: items.id,
            http_method: "GET",
            authorization: authorization,
            request_validator_id: validator.id,
        });
        let items_post = resource!(aws_api_gateway_method.items_post {
            rest_api_id: api.id,
            resource_id: items.id,
            http_method: "POST",
            authorization: authorization,
            request_validator_id: validator.id,
            request_models: { "application/json": item_model.name },
        });
        let item_get = resource!(aws_api_gateway_method.item_get {
            rest_api_id: api.id,
            resource_id: item.id,
            http_method: "GET",
            authorization: authorization,
            request_validator_id: validator.id,
            request_parameters: { "method.request.path.id": true },
        });
        let item_put = resource!(aws_api_gateway_method.item_put {
            rest_api_id: api.id,
            resource_id: item.id,
            http_method: "PUT",
            authorization: authorization,
            request_validator_id: validator.id,
            request_parameters: { "method.request.path.id": true },
            request_models: { "application/json": item_model.name },
        });
        let item_delete = resource!(aws_api_gateway_method.item_delete {
            rest_api_id: api.id,
            resource_id: item.id,
            http_method: "DELETE",
            authorization: authorization,
            request_validator_id: validator.id,
            request_parameters: { "method.request.path.id": true },
        });
        let health_get = resource!(aws_api_gateway_method.health_get {
            rest_api_id: api.id,
            resource_id: health.id,
            http_method: "GET",
            authorization: authorization,
            request_validator_id: validator.id,
        });

        // Lambda proxy integrations: API Gateway always calls Lambda with POST.
        let items_get_integration = resource!(aws_api_gateway_integration.items_get {
            rest_api_id: api.id,
            resource_id: items.id,
            http_method: items_get.http_method,
            type: "AWS_PROXY",
            integration_http_method: "POST",
            uri: function.invoke_arn,
        });
        let items_post_integration = resource!(aws_api_gateway_integration.items_post {
            rest_api_id: api.id,
            resource_id: items.id,
            http_method: items_post.http_method,
            type: "AWS_PROXY",
            integration_http_method: "POST",
            uri: function.invoke_arn,
        });
        let item_get_integration = resource!(aws_api_gateway_integration.item_get {
            rest_api_id: api.id,
            resource_id: item.id,
            http_method: item_get.http_method,
            type: "AWS_PROXY",
            integration_http_method: "POST",
            uri: function.invoke_arn,
        });
        let item_put_integration = resource!(aws_api_gateway_integration.item_put {
            rest_api_id: api.id,
            resource_id: item.id,
            http_method: item_put.http_method,
            type: "AWS_PROXY",
            integration_http_method: "POST",
            uri: function.invoke_arn,
        });
        let item_delete_integration = resource!(aws_api_gateway_integration.item_delete {
            rest_api_id: api.id,
            resource_id: item.id,
            http_method: item_delete.http_method,
            type: "AWS_PROXY",
            integration_http_method: "POST",
            uri: function.invoke_arn,
        });
        let health_get_integration = resource!(aws_api_gateway_integration.health_get {
            rest_api_id: api.id,
            resource_id: health.id,
            http_method: health_get.http_method,
            type: "AWS_PROXY",
            integration_http_method: "POST",
            uri: function.invoke_arn,
        });

        // One permission per route: API Gateway may invoke the function only
        // for this API, this stage, this method and this path.
        resource!(aws_lambda_permission.items_get {
            statement_id: "ApiGetItems",
            action: "lambda:InvokeFunction",
            function_name: function.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(api.execution_arn, "/", STAGE, "/GET/items"),
        });
        resource!(aws_lambda_permission.items_post {
            statement_id: "ApiPostItems",
            action: "lambda:InvokeFunction",
            function_name: function.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(api.execution_arn, "/", STAGE, "/POST/items"),
        });
        resource!(aws_lambda_permission.item_get {
            statement_id: "ApiGetItem",
            action: "lambda:InvokeFunction",
            function_name: function.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(api.execution_arn, "/", STAGE, "/GET/items/*"),
        });
        resource!(aws_lambda_permission.item_put {
            statement_id: "ApiPutItem",
            action: "lambda:InvokeFunction",
            function_name: function.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(api.execution_arn, "/", STAGE, "/PUT/items/*"),
        });
        resource!(aws_lambda_permission.item_delete {
            statement_id: "ApiDeleteItem",
            action: "lambda:InvokeFunction",
            function_name: function.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(api.execution_arn, "/", STAGE, "/DELETE/items/*"),
        });
        resource!(aws_lambda_permission.health_get {
            statement_id: "ApiGetHealth",
            action: "lambda:InvokeFunction",
            function_name: function.function_name,
            principal: "apigateway.amazonaws.com",
            source_arn: concat!(api.execution_arn, "/", STAGE, "/GET/health"),
        });

        // A new deployment whenever a resource, method, integration, the
        // validator or the model changes (ids change on replacement; the
        // authorization and the schema change in place, so they are hashed too).
        let deployment = resource!(aws_api_gateway_deployment.items {
            rest_api_id: api.id,
            description: "Managed by tap; redeployed when the API changes",
            triggers: {
                redeployment: tf::sha1(tf::jsonencode([
                    items.id, item.id, health.id,
                    validator.id, item_model.id, item_model.schema,
                    items_get.id, items_post.id, item_get.id, item_put.id, item_delete.id, health_get.id,
                    items_get.authorization, items_post.authorization, item_get.authorization,
                    item_put.authorization, item_delete.authorization, health_get.authorization,
                    items_get_integration.id, items_post_integration.id, item_get_integration.id,
                    item_put_integration.id, item_delete_integration.id, health_get_integration.id,
                    items_get_integration.uri, items_post_integration.uri, item_get_integration.uri,
                    item_put_integration.uri, item_delete_integration.uri, health_get_integration.uri,
                ])),
            },
            #[lifecycle(create_before_destroy)]
        });

        // Execution logs: API Gateway would create this group itself,
        // unencrypted and kept forever; creating it first prevents that.
        let execution_logs = resource!(aws_cloudwatch_log_group.api_execution {
            name: concat!("API-Gateway-Execution-Logs_", api.id, "/", STAGE),
            retention_in_days: 365,
            kms_key_id: key.arn,
        });
        let access_logs = resource!(aws_cloudwatch_log_group.api_access {
            name: self.api_access_log_group(),
            retention_in_days: 365,
            kms_key_id: key.arn,
        });

        // The CloudWatch role API Gateway logs with is an account and region
        // setting, shared by every API there (including other tap
        // environments), so its policy covers every API's execution logs and
        // the access logs of every tap environment. It is the equivalent of
        // the managed AmazonAPIGatewayPushToCloudWatchLogs policy without its
        // read actions and with resources narrowed to those log groups.
        let apigw_logs_role = resource!(aws_iam_role.apigateway_cloudwatch {
            name: self.name("apigateway-cloudwatch"),
            description: "API Gateway execution and access logging (account setting)",
            assume_role_policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "apigateway.amazonaws.com" },
                    Action: "sts:AssumeRole",
                }],
            }),
        });
        let apigw_logs_policy = resource!(aws_iam_role_policy.apigateway_cloudwatch {
            name: "write-api-log-groups",
            role: apigw_logs_role.id,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [
                    {
                        // Execution log groups are named by API Gateway; it creates
                        // them when they do not exist yet (this stack creates its own).
                        Sid: "ExecutionLogGroups",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [
                            log_group_arn(&partition, region, &account, Value::from("API-Gateway-Execution-Logs_*")),
                            log_group_arn(&partition, region, &account, Value::from("API-Gateway-Execution-Logs_*:log-stream:*")),
                        ],
                    },
                    {
                        // Access log groups of tap environments (created by the stacks).
                        Sid: "TapAccessLogGroups",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                        Resource: [
                            log_group_arn(&partition, region, &account, Value::from("/aws/apigateway/tap-*")),
                            log_group_arn(&partition, region, &account, Value::from("/aws/apigateway/tap-*:log-stream:*")),
                        ],
                    },
                    {
                        // Listing groups cannot be narrowed below the account and region.
                        Sid: "FindLogGroups",
                        Effect: "Allow",
                        Action: ["logs:DescribeLogGroups"],
                        Resource: log_group_arn(&partition, region, &account, Value::from("*")),
                    },
                ],
            }),
        });
        let apigw_account = resource!(aws_api_gateway_account.main {
            cloudwatch_role_arn: apigw_logs_role.arn,
            #[depends_on(apigw_logs_policy)]
        });

        let stage = resource!(aws_api_gateway_stage.current {
            rest_api_id: api.id,
            deployment_id: deployment.id,
            stage_name: "v1",
            description: "Current version of the items API",
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
            #[depends_on(apigw_account, execution_logs)]
        });
        // Metrics per method, INFO execution logs without request and
        // response bodies (they may hold personal data), and throttling well
        // under the function's reserved concurrency.
        resource!(aws_api_gateway_method_settings.all {
            rest_api_id: api.id,
            stage_name: stage.stage_name,
            method_path: "*/*",
            settings {
                metrics_enabled: true,
                logging_level: "INFO",
                data_trace_enabled: false,
                throttling_burst_limit: 100,
                throttling_rate_limit: 50,
            }
        });

        // A web application firewall in front of the stage: a per-IP rate
        // limit, and AWS's common, known-bad-input (Log4j and the like), IP
        // reputation and anonymous-IP rules.
        let waf = resource!(aws_wafv2_web_acl.api {
            name: self.name("items-api"),
            description: "Items API: rate limit and AWS managed rules",
            scope: "REGIONAL",
            default_action { allow {} }
            rule {
                name: "rate-limit-per-ip",
                priority: 0,
                action { block {} }
                // Requests per 5 minutes from one address.
                statement: { rate_based_statement: { limit: 1000, aggregate_key_type: "IP" } },
                visibility_config { cloudwatch_metrics_enabled: true, metric_name: "rate-limit-per-ip", sampled_requests_enabled: true }
            }
            rule {
                name: "aws-common",
                priority: 1,
                override_action { none {} }
                statement: {
                    managed_rule_group_statement: {
                        vendor_name: "AWS",
                        name: "AWSManagedRulesCommonRuleSet",
                        // The handler accepts bodies up to 16 KiB; the rule set
                        // blocks above 8 KiB. Count instead of block.
                        rule_action_override: [{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }],
                    },
                },
                visibility_config { cloudwatch_metrics_enabled: true, metric_name: "aws-common", sampled_requests_enabled: true }
            }
            rule {
                name: "aws-known-bad-inputs",
                priority: 2,
                override_action { none {} }
                statement: { managed_rule_group_statement: { vendor_name: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } },
                visibility_config { cloudwatch_metrics_enabled: true, metric_name: "aws-known-bad-inputs", sampled_requests_enabled: true }
            }
            rule {
                name: "aws-ip-reputation",
                priority: 3,
                override_action { none {} }
                statement: { managed_rule_group_statement: { vendor_name: "AWS", name: "AWSManagedRulesAmazonIpReputationList" } },
                visibility_config { cloudwatch_metrics_enabled: true, metric_name: "aws-ip-reputation", sampled_requests_enabled: true }
            }
            rule {
                name: "aws-anonymous-ip",
                priority: 4,
                override_action { none {} }
                statement: {
                    managed_rule_group_statement: {
                        vendor_name: "AWS",
                        name: "AWSManagedRulesAnonymousIpList",
                        // Block VPNs, Tor and proxies, but only count cloud hosting
                        // addresses: legitimate IAM callers (CI, other services) run there.
                        rule_action_override: [{ name: "HostingProviderIPList", action_to_use: { count: {} } }],
                    },
                },
                visibility_config { cloudwatch_metrics_enabled: true, metric_name: "aws-anonymous-ip", sampled_requests_enabled: true }
            }
            visibility_config { cloudwatch_metrics_enabled: true, metric_name: "items-api", sampled_requests_enabled: true }
        });
        resource!(aws_wafv2_web_acl_association.api {
            resource_arn: stage.arn,
            web_acl_arn: waf.arn,
        });
        let waf_logs = resource!(aws_cloudwatch_log_group.waf {
            name: self.waf_log_group(),
            retention_in_days: 365,
            kms_key_id: key.arn,
        });
        resource!(aws_wafv2_web_acl_logging_configuration.api {
            resource_arn: waf.arn,
            log_destination_configs: [waf_logs.arn],
            // The SigV4 header holds a signature, not a secret, but it is of no
            // use in logs.
            redacted_fields { single_header { name: "authorization" } }
        });

        // ---------------------------------------------------------------- observability
        let alarms = resource!(aws_sns_topic.alarms {
            name: self.name("alarms"),
            display_name: format!("tap items {} alarms", cfg.environment),
            kms_master_key_id: key.arn,
        });
        // Only CloudWatch alarms of this account may publish.
        resource!(aws_sns_topic_policy.alarms {
            arn: alarms.arn,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "CloudWatchAlarmsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: alarms.arn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": account.account_id },
                        ArnLike: { "aws:SourceArn": arn(&partition, "cloudwatch", region, &account, Value::from("alarm:*")) },
                    },
                }],
            }),
        });
        if let Some(email) = &cfg.alarm_email {
            resource!(aws_sns_topic_subscription.alarm_email {
                topic_arn: alarms.arn,
                protocol: "email",
                endpoint: email.clone(),
            });
        }

        resource!(aws_cloudwatch_metric_alarm.function_errors {
            alarm_name: self.name("items-function-errors"),
            alarm_description: "The items function failed (unhandled error or timeout) at least once in 5 minutes",
            namespace: "AWS/Lambda",
            metric_name: "Errors",
            dimensions: { FunctionName: function.function_name },
            statistic: "Sum",
            period: 300,
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        resource!(aws_cloudwatch_metric_alarm.function_throttles {
            alarm_name: self.name("items-function-throttles"),
            alarm_description: "The items function hit its reserved concurrency in the last 5 minutes",
            namespace: "AWS/Lambda",
            metric_name: "Throttles",
            dimensions: { FunctionName: function.function_name },
            statistic: "Sum",
            period: 300,
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        resource!(aws_cloudwatch_metric_alarm.function_duration_p99 {
            alarm_name: self.name("items-function-duration-p99"),
            alarm_description: "The slowest 1% of items function invocations take 80% of its timeout, for 15 minutes",
            namespace: "AWS/Lambda",
            metric_name: "Duration",
            dimensions: { FunctionName: function.function_name },
            extended_statistic: "p99",
            period: 300,
            evaluation_periods: 3,
            threshold: FUNCTION_DURATION_ALARM_MS,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        resource!(aws_cloudwatch_metric_alarm.api_4xx {
            alarm_name: self.name("items-api-4xx"),
            alarm_description: "More than 10% of API requests got a 4xx answer, for 15 minutes (clients or callers without permission)",
            namespace: "AWS/ApiGateway",
            metric_name: "4XXError",
            dimensions: { ApiName: api.name, Stage: stage.stage_name },
            statistic: "Average",
            period: 300,
            evaluation_periods: 3,
            threshold: 0.1,
            comparison_operator: "GreaterThanThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        resource!(aws_cloudwatch_metric_alarm.api_5xx {
            alarm_name: self.name("items-api-5xx"),
            alarm_description: "The API answered 5xx (a server-side fault) at least once in 5 minutes",
            namespace: "AWS/ApiGateway",
            metric_name: "5XXError",
            dimensions: { ApiName: api.name, Stage: stage.stage_name },
            statistic: "Sum",
            period: 300,
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        resource!(aws_cloudwatch_metric_alarm.api_latency_p99 {
            alarm_name: self.name("items-api-latency-p99"),
            alarm_description: "The slowest 1% of API requests take over 3 seconds, for 15 minutes",
            namespace: "AWS/ApiGateway",
            metric_name: "Latency",
            dimensions: { ApiName: api.name, Stage: stage.stage_name },
            extended_statistic: "p99",
            period: 300,
            evaluation_periods: 3,
            threshold: 3000,
            comparison_operator: "GreaterThanThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        // DynamoDB publishes these per operation: the alarms add up the
        // operations the function uses.
        resource!(aws_cloudwatch_metric_alarm.table_throttles {
            alarm_name: self.name("items-table-throttles"),
            alarm_description: "DynamoDB throttled requests to the items table in the last 5 minutes",
            metric_query: table_operations_sum("ThrottledRequests", &table),
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });
        resource!(aws_cloudwatch_metric_alarm.table_system_errors {
            alarm_name: self.name("items-table-system-errors"),
            alarm_description: "DynamoDB answered requests to the items table with a server error in the last 5 minutes",
            metric_query: table_operations_sum("SystemErrors", &table),
            evaluation_periods: 1,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
            treat_missing_data: "notBreaching",
            alarm_actions: [alarms.arn],
            ok_actions: [alarms.arn],
        });

        // The alarms' metrics on one screen.
        resource!(aws_cloudwatch_dashboard.items {
            dashboard_name: self.name("items"),
            dashboard_body: tf::jsonencode({
                widgets: [
                    {
                        type: "metric", x: 0, y: 0, width: 12, height: 6,
                        properties: {
                            title: "API requests and errors", region: region, view: "timeSeries", stat: "Sum", period: 300,
                            metrics: [
                                ["AWS/ApiGateway", "Count", "ApiName", api.name, "Stage", stage.stage_name],
                                ["AWS/ApiGateway", "4XXError", "ApiName", api.name, "Stage", stage.stage_name],
                                ["AWS/ApiGateway", "5XXError", "ApiName", api.name, "Stage", stage.stage_name],
                            ],
                        },
                    },
                    {
                        type: "metric", x: 12, y: 0, width: 12, height: 6,
                        properties: {
                            title: "API latency p99 (ms)", region: region, view: "timeSeries", stat: "p99", period: 300,
                            metrics: [
                                ["AWS/ApiGateway", "Latency", "ApiName", api.name, "Stage", stage.stage_name],
                                ["AWS/ApiGateway", "IntegrationLatency", "ApiName", api.name, "Stage", stage.stage_name],
                            ],
                        },
                    },
                    {
                        type: "metric", x: 0, y: 6, width: 12, height: 6,
                        properties: {
                            title: "Function invocations, errors and throttles", region: region, view: "timeSeries", stat: "Sum", period: 300,
                            metrics: [
                                ["AWS/Lambda", "Invocations", "FunctionName", function.function_name],
                                ["AWS/Lambda", "Errors", "FunctionName", function.function_name],
                                ["AWS/Lambda", "Throttles", "FunctionName", function.function_name],
                            ],
                        },
                    },
                    {
                        type: "metric", x: 12, y: 6, width: 12, height: 6,
                        properties: {
                            title: "Function duration p99 (ms)", region: region, view: "timeSeries", stat: "p99", period: 300,
                            metrics: [["AWS/Lambda", "Duration", "FunctionName", function.function_name]],
                        },
                    },
                    {
                        type: "metric", x: 0, y: 12, width: 12, height: 6,
                        properties: {
                            title: "Table throttled requests", region: region, view: "timeSeries", stat: "Sum", period: 300,
                            metrics: table_operation_lines("ThrottledRequests", &table),
                        },
                    },
                    {
                        type: "metric", x: 12, y: 12, width: 12, height: 6,
                        properties: {
                            title: "Table system errors", region: region, view: "timeSeries", stat: "Sum", period: 300,
                            metrics: table_operation_lines("SystemErrors", &table),
                        },
                    },
                ],
            }),
        });

        // ---------------------------------------------------------------- outputs
        output!(api_url { value: stage.invoke_url, description: "Base URL of the items API (append /items or /health); requests must be SigV4-signed unless api_authorization says otherwise" });
        output!(api_authorization {
            value: if cfg.open_api { "NONE: DEMO ONLY, ANYONE ON THE INTERNET CAN CALL THIS API" } else { "AWS_IAM" },
            description: "How callers of the API are authenticated",
        });
        output!(table_name { value: table.name, description: "Name of the DynamoDB items table" });
        output!(function_name { value: function.function_name, description: "Name of the items Lambda function" });
        output!(vpc_id { value: vpc.id, description: "ID of the VPC" });
        output!(private_subnet_ids { value: private_subnets[*].id, description: "IDs of the private subnets (one per Availability Zone) the function runs in" });
        output!(alarm_topic_arn { value: alarms.arn, description: "ARN of the SNS topic every alarm notifies; subscribe on-call here" });
    }
}
