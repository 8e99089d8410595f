//! Facts the provider schema does not carry: the accepted values of
//! enum-like string and number arguments, and what kind of identifier a
//! reference argument expects.
//!
//! The schema says `billing_mode` is a string; AWS accepts two strings.
//! Rejecting `"PAY_PER_REQUESTS"` at compile time is worth a hand-kept
//! table. Values come from the AWS API references (Lambda runtimes: the
//! deprecation schedule as of November 2026).

/// Accepted values of one argument.
#[derive(Clone, Copy, Debug)]
pub enum Accepted {
    /// Accepted strings, and strings that were once accepted with the reason they no longer are.
    Strings { values: &'static [&'static str], deprecated: &'static [(&'static str, &'static str)] },
    Ints(&'static [i64]),
    IntRange(i64, i64),
}

const fn strings(values: &'static [&'static str]) -> Accepted {
    Accepted::Strings { values, deprecated: &[] }
}

const HTTP_METHODS: Accepted = strings(&["ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);

const LAMBDA_RUNTIMES: &[&str] = &[
    "dotnet10",
    "dotnet8",
    "java17",
    "java21",
    "java25",
    "nodejs22.x",
    "nodejs24.x",
    "provided.al2023",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "ruby3.4",
];

const DEPRECATED: &str = "a deprecated Lambda runtime (AWS no longer patches it and blocks new functions on it)";
const LAMBDA_DEPRECATED_RUNTIMES: &[(&str, &str)] = &[
    ("dotnet6", DEPRECATED),
    ("dotnet7", DEPRECATED),
    ("dotnetcore3.1", DEPRECATED),
    ("go1.x", DEPRECATED),
    ("java11", DEPRECATED),
    ("java8", DEPRECATED),
    ("java8.al2", DEPRECATED),
    ("nodejs14.x", DEPRECATED),
    ("nodejs16.x", DEPRECATED),
    ("nodejs18.x", DEPRECATED),
    ("nodejs20.x", DEPRECATED),
    ("provided", DEPRECATED),
    ("provided.al2", DEPRECATED),
    ("python2.7", DEPRECATED),
    ("python3.6", DEPRECATED),
    ("python3.7", DEPRECATED),
    ("python3.8", DEPRECATED),
    ("python3.9", DEPRECATED),
    ("python3.10", DEPRECATED),
    ("ruby2.7", DEPRECATED),
    ("ruby3.2", DEPRECATED),
    ("ruby3.3", DEPRECATED),
];

/// CloudWatch Logs accepts only these retention periods (0 = never expire).
pub const LOG_RETENTION_DAYS: &[i64] =
    &[0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// The accepted values of `path` (names joined by dots, no indices) in `type_name`.
pub fn accepted_values(type_name: &str, path: &str) -> Option<Accepted> {
    Some(match (type_name, path) {
        ("aws_dynamodb_table", "billing_mode") => strings(&["PAY_PER_REQUEST", "PROVISIONED"]),
        ("aws_dynamodb_table", "attribute.type") => strings(&["B", "N", "S"]),
        ("aws_dynamodb_table", "stream_view_type") => strings(&["KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE"]),
        ("aws_dynamodb_table", "table_class") => strings(&["STANDARD", "STANDARD_INFREQUENT_ACCESS"]),
        ("aws_lambda_function", "runtime") => Accepted::Strings { values: LAMBDA_RUNTIMES, deprecated: LAMBDA_DEPRECATED_RUNTIMES },
        ("aws_lambda_function", "architectures") => strings(&["arm64", "x86_64"]),
        ("aws_lambda_function", "tracing_config.mode") => strings(&["Active", "PassThrough"]),
        ("aws_lambda_function", "package_type") => strings(&["Image", "Zip"]),
        ("aws_lambda_function", "logging_config.log_format") => strings(&["JSON", "Text"]),
        ("aws_lambda_function", "logging_config.application_log_level") => {
            strings(&["DEBUG", "ERROR", "FATAL", "INFO", "TRACE", "WARN"])
        }
        ("aws_lambda_function", "logging_config.system_log_level") => strings(&["DEBUG", "INFO", "WARN"]),
        ("aws_lambda_function", "memory_size") => Accepted::IntRange(128, 10240),
        ("aws_lambda_function", "timeout") => Accepted::IntRange(1, 900),
        ("aws_lambda_function", "ephemeral_storage.size") => Accepted::IntRange(512, 10240),
        ("aws_lambda_function_url", "authorization_type") => strings(&["AWS_IAM", "NONE"]),
        ("aws_lambda_function_url", "invoke_mode") => strings(&["BUFFERED", "RESPONSE_STREAM"]),
        ("aws_api_gateway_method", "http_method")
        | ("aws_api_gateway_method_response", "http_method")
        | ("aws_api_gateway_integration_response", "http_method")
        | ("aws_api_gateway_integration", "http_method")
        | ("aws_api_gateway_integration", "integration_http_method") => HTTP_METHODS,
        ("aws_api_gateway_method", "authorization") => strings(&["AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM", "NONE"]),
        ("aws_api_gateway_integration", "type") => strings(&["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]),
        ("aws_api_gateway_integration", "connection_type") => strings(&["INTERNET", "VPC_LINK"]),
        ("aws_api_gateway_integration", "passthrough_behavior") => strings(&["NEVER", "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES"]),
        ("aws_api_gateway_integration", "content_handling") => strings(&["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"]),
        ("aws_api_gateway_rest_api", "endpoint_configuration.types") => strings(&["EDGE", "PRIVATE", "REGIONAL"]),
        ("aws_api_gateway_method_settings", "settings.logging_level") => strings(&["ERROR", "INFO", "OFF"]),
        ("aws_api_gateway_gateway_response", "response_type") => strings(&[
            "ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
            "BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
            "INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE", "MISSING_AUTHENTICATION_TOKEN",
            "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND", "THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE",
            "WAF_FILTERED",
        ]),
        ("aws_cloudwatch_metric_alarm", "comparison_operator") => strings(&[
            "GreaterThanOrEqualToThreshold",
            "GreaterThanThreshold",
            "GreaterThanUpperThreshold",
            "LessThanLowerOrGreaterThanUpperThreshold",
            "LessThanLowerThreshold",
            "LessThanOrEqualToThreshold",
            "LessThanThreshold",
        ]),
        ("aws_cloudwatch_metric_alarm", "statistic") | ("aws_cloudwatch_metric_alarm", "metric_query.metric.stat") => {
            strings(&["Average", "Maximum", "Minimum", "SampleCount", "Sum"])
        }
        ("aws_cloudwatch_metric_alarm", "treat_missing_data") => strings(&["breaching", "ignore", "missing", "notBreaching"]),
        ("aws_cloudwatch_log_group", "retention_in_days") => Accepted::Ints(LOG_RETENTION_DAYS),
        ("aws_cloudwatch_log_group", "log_group_class") => strings(&["DELIVERY", "INFREQUENT_ACCESS", "STANDARD"]),
        ("aws_flow_log", "traffic_type") => strings(&["ACCEPT", "ALL", "REJECT"]),
        ("aws_flow_log", "log_destination_type") => strings(&["cloud-watch-logs", "kinesis-data-firehose", "s3"]),
        ("aws_flow_log", "max_aggregation_interval") => Accepted::Ints(&[60, 600]),
        ("aws_kms_key", "key_usage") => strings(&["ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT", "SIGN_VERIFY"]),
        ("aws_kms_key", "deletion_window_in_days") => Accepted::IntRange(7, 30),
        ("aws_kms_key", "rotation_period_in_days") => Accepted::IntRange(90, 2560),
        ("aws_security_group_rule", "type") => strings(&["egress", "ingress"]),
        ("aws_vpc", "instance_tenancy") => strings(&["dedicated", "default"]),
        ("aws_vpc_endpoint", "vpc_endpoint_type") => {
            strings(&["Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork"])
        }
        ("aws_eip", "domain") => strings(&["standard", "vpc"]),
        ("aws_nat_gateway", "connectivity_type") => strings(&["private", "public"]),
        ("aws_sns_topic_subscription", "protocol") => {
            strings(&["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"])
        }
        ("aws_s3_bucket_server_side_encryption_configuration", "rule.apply_server_side_encryption_by_default.sse_algorithm") => {
            strings(&["AES256", "aws:kms", "aws:kms:dsse"])
        }
        _ => return None,
    })
}

/// What a reference-valued argument identifies. Used to catch a `vpc_id`
/// that refers to a subnet, or a `subnet_ids` entry that refers to a VPC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    VpcId,
    SubnetId,
    SecurityGroupId,
    RouteTableId,
    InternetGatewayId,
    NatGatewayId,
    EipAllocationId,
    IamRoleArn,
    IamRoleName,
    KmsKeyArn,
    SnsTopicArn,
    RestApiId,
}

impl RefKind {
    pub fn describe(self) -> &'static str {
        match self {
            RefKind::VpcId => "a VPC id",
            RefKind::SubnetId => "a subnet id",
            RefKind::SecurityGroupId => "a security group id",
            RefKind::RouteTableId => "a route table id",
            RefKind::InternetGatewayId => "an internet gateway id",
            RefKind::NatGatewayId => "a NAT gateway id",
            RefKind::EipAllocationId => "an Elastic IP allocation id",
            RefKind::IamRoleArn => "an IAM role ARN",
            RefKind::IamRoleName => "an IAM role name",
            RefKind::KmsKeyArn => "a KMS key ARN",
            RefKind::SnsTopicArn => "an SNS topic ARN",
            RefKind::RestApiId => "a REST API id",
        }
    }

    pub fn example(self) -> &'static str {
        match self {
            RefKind::VpcId => "an `aws_vpc`'s `id`",
            RefKind::SubnetId => "an `aws_subnet`'s `id`",
            RefKind::SecurityGroupId => "an `aws_security_group`'s `id`",
            RefKind::RouteTableId => "an `aws_route_table`'s `id`",
            RefKind::InternetGatewayId => "an `aws_internet_gateway`'s `id`",
            RefKind::NatGatewayId => "an `aws_nat_gateway`'s `id`",
            RefKind::EipAllocationId => "an `aws_eip`'s `allocation_id`",
            RefKind::IamRoleArn => "an `aws_iam_role`'s `arn`",
            RefKind::IamRoleName => "an `aws_iam_role`'s `name` or `id`",
            RefKind::KmsKeyArn => "an `aws_kms_key`'s `arn`",
            RefKind::SnsTopicArn => "an `aws_sns_topic`'s `arn`",
            RefKind::RestApiId => "an `aws_api_gateway_rest_api`'s `id`",
        }
    }
}

/// The kind of identifier that `attr` of `type_name` expects, if it is one we know.
pub fn expected_reference_kind(type_name: &str, attr: &str) -> Option<RefKind> {
    Some(match (type_name, attr) {
        (_, "vpc_id") => RefKind::VpcId,
        (_, "subnet_id" | "subnet_ids") => RefKind::SubnetId,
        (_, "security_group_ids" | "vpc_security_group_ids" | "security_group_id") => RefKind::SecurityGroupId,
        (_, "route_table_id" | "route_table_ids") => RefKind::RouteTableId,
        (_, "nat_gateway_id") => RefKind::NatGatewayId,
        ("aws_route" | "aws_route_table", "gateway_id") => RefKind::InternetGatewayId,
        ("aws_nat_gateway", "allocation_id") => RefKind::EipAllocationId,
        ("aws_lambda_function", "role") => RefKind::IamRoleArn,
        ("aws_iam_role_policy" | "aws_iam_role_policy_attachment", "role") => RefKind::IamRoleName,
        ("aws_api_gateway_account", "cloudwatch_role_arn") => RefKind::IamRoleArn,
        ("aws_flow_log", "iam_role_arn") => RefKind::IamRoleArn,
        (_, "kms_key_arn") => RefKind::KmsKeyArn,
        ("aws_cloudwatch_log_group", "kms_key_id") => RefKind::KmsKeyArn,
        ("aws_cloudwatch_metric_alarm", "alarm_actions" | "ok_actions" | "insufficient_data_actions") => RefKind::SnsTopicArn,
        ("aws_sns_topic_subscription" | "aws_sns_topic_policy", "topic_arn" | "arn") => RefKind::SnsTopicArn,
        (_, "rest_api_id") => RefKind::RestApiId,
        _ => return None,
    })
}

/// The kind of identifier that attribute `attr` of `type_name` holds, if we know it.
pub fn reference_kind(type_name: &str, attr: &str) -> Option<RefKind> {
    Some(match (type_name, attr) {
        ("aws_vpc" | "aws_default_vpc", "id") | (_, "vpc_id") => RefKind::VpcId,
        ("aws_subnet" | "aws_default_subnet", "id") | (_, "subnet_id") => RefKind::SubnetId,
        ("aws_subnets", "ids") => RefKind::SubnetId,
        ("aws_security_group" | "aws_default_security_group", "id") | (_, "security_group_id") => RefKind::SecurityGroupId,
        ("aws_route_table" | "aws_default_route_table", "id") | (_, "route_table_id") => RefKind::RouteTableId,
        ("aws_internet_gateway", "id") => RefKind::InternetGatewayId,
        ("aws_nat_gateway", "id") | (_, "nat_gateway_id") => RefKind::NatGatewayId,
        ("aws_eip", "allocation_id" | "id") => RefKind::EipAllocationId,
        ("aws_iam_role", "arn") => RefKind::IamRoleArn,
        ("aws_iam_role", "name" | "id") => RefKind::IamRoleName,
        ("aws_kms_key", "arn") => RefKind::KmsKeyArn,
        ("aws_sns_topic", "arn") => RefKind::SnsTopicArn,
        ("aws_api_gateway_rest_api", "id") => RefKind::RestApiId,
        _ => return None,
    })
}
