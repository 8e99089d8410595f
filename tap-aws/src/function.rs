//! A private Lambda function.
//!
//! Secure defaults: it runs in the private subnets it is given, behind a
//! security group with no ingress and HTTPS-only egress to the
//! destinations listed; its own role, assumable only by Lambda for this
//! account, with an inline policy that grants exactly the caller's
//! [`Grant`]s plus what a VPC function needs to run (network interfaces,
//! X-Ray writes, decrypting its environment, writing its own log group);
//! active X-Ray tracing; JSON logs in a log group it creates encrypted and
//! with a retention; its environment encrypted with the given key.
//!
//! No dead-letter queue is configured: Lambda uses one only for
//! asynchronous invocations; a synchronously invoked function (API
//! Gateway, a load balancer) returns its errors to the caller.
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::function::{Egress, PrivateFunction};
//! use tap_aws::iam::Grant;
//! use tap_aws::{Account, Naming};
//!
//! pub struct Worker;
//!
//! #[stack(name = "worker")]
//! impl Worker {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let caller = data!(aws_caller_identity.current {});
//!         let partition = data!(aws_partition.current {});
//!         let aws = Account::new("us-west-2", &caller, &partition);
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
//!         let subnet = resource!(aws_subnet.a { vpc_id: vpc.id, cidr_block: "10.0.1.0/24" });
//!         let routes = resource!(aws_route_table.a { vpc_id: vpc.id });
//!         resource!(aws_route_table_association.a { subnet_id: subnet.id, route_table_id: routes.id });
//!         let queue = resource!(aws_sqs_queue.jobs { sqs_managed_sse_enabled: true });
//!         let code = stack.asset(Asset::zip("worker", concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")));
//!         let worker = PrivateFunction {
//!             grants: vec![Grant::new("Jobs", ["sqs:DeleteMessage", "sqs:ReceiveMessage"], [queue.attr("arn")])],
//!             egress: vec![Egress::anywhere("HTTPS to AWS APIs through the NAT")],
//!             ..PrivateFunction::new("worker", Naming::new("", "-prod"), "python3.12", "main.handler")
//!         };
//!         worker.build(&mut stack.scope("worker"), &code, &key, &vpc, &[subnet], &aws);
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Worker.build()).unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
//! let function = &json["resource"]["aws_lambda_function"]["worker_function"];
//! assert_eq!(function["tracing_config"][0]["mode"], "Active");
//! assert_eq!(function["vpc_config"][0]["subnet_ids"][0], "${aws_subnet.a.id}");
//! ```

use std::collections::BTreeMap;

use tap::prelude::*;

use crate::iam::{self, Grant};
use crate::{Account, Naming};

/// One HTTPS egress rule of the function's security group.
#[derive(Clone, Debug, PartialEq)]
pub struct Egress {
    /// Why the function connects there; shown in the console and required
    /// reading for whoever reviews the security group.
    pub description: String,
    /// A prefix list (a gateway endpoint's `prefix_list_id`), or `None` for
    /// `0.0.0.0/0` (AWS APIs reached through the NAT gateways).
    pub prefix_list: Option<Value>,
}

impl Egress {
    /// HTTPS to a gateway endpoint's prefix list.
    pub fn prefix_list(description: &str, prefix_list_id: Value) -> Self {
        Egress { description: description.to_owned(), prefix_list: Some(prefix_list_id) }
    }

    /// HTTPS to any address (through the NAT gateways).
    pub fn anywhere(description: &str) -> Self {
        Egress { description: description.to_owned(), prefix_list: None }
    }

    fn rule(&self) -> Value {
        let (cidrs, lists) = match &self.prefix_list {
            Some(list) => (vec![], vec![list.clone()]),
            None => (vec![Value::from("0.0.0.0/0")], vec![]),
        };
        Value::map([
            ("description", Value::from(self.description.as_str())),
            ("protocol", Value::from("tcp")),
            ("from_port", Value::from(443)),
            ("to_port", Value::from(443)),
            ("cidr_blocks", Value::List(cidrs)),
            ("prefix_list_ids", Value::List(lists)),
            ("ipv6_cidr_blocks", Value::List(vec![])),
            ("security_groups", Value::List(vec![])),
            ("self", Value::from(false)),
        ])
    }
}

/// The function's configuration.
#[derive(Clone, Debug)]
pub struct PrivateFunction {
    /// The function's name before [`Naming`] (`items` gives `tap-items-dev`).
    pub name: String,
    /// How [`PrivateFunction::name`] becomes the function's, role's and
    /// security group's cloud names.
    pub naming: Naming,
    /// Lambda's description of the function; empty by default.
    pub description: String,
    /// The Lambda runtime identifier (`python3.12`), checked against Lambda's
    /// accepted runtimes at synthesis.
    pub runtime: String,
    /// The entry point in the code, in the runtime's form (`main.handler`
    /// for Python: the `handler` function of `main.py`).
    pub handler: String,
    /// `arm64` (Graviton, cheaper per millisecond) unless the code needs x86.
    pub architectures: Vec<String>,
    /// Megabytes, 128 to 10240; CPU grows with it, so it is also the speed.
    pub memory_size: i64,
    /// Seconds.
    pub timeout: i64,
    /// Caps cost and the load the function can put on what it calls.
    pub reserved_concurrency: Option<i64>,
    /// Environment variables (encrypted with the key).
    pub environment: BTreeMap<String, Value>,
    /// `INFO` unless said otherwise.
    pub log_level: String,
    /// How long the function's logs are kept; 365 by default (TAP-LOG-001
    /// refuses forever).
    pub log_retention_days: i64,
    /// Everything the code may do beyond running: each grant becomes one statement.
    pub grants: Vec<Grant>,
    /// Where the code may connect (HTTPS only); nothing by default.
    pub egress: Vec<Egress>,
}

/// What [`PrivateFunction::build`] declares.
#[derive(Clone, Debug)]
pub struct Function {
    /// The function, for an integration, a permission or an event source
    /// mapping to invoke it.
    pub function: Handle<aws_lambda_function>,
    /// Its execution role, for grants that another resource's policy makes
    /// to the function (a key or queue policy naming its ARN).
    pub role: Handle<aws_iam_role>,
    /// The role's inline policy; a resource that must exist only once the
    /// function may act can depend on it.
    pub policy: Handle<aws_iam_role_policy>,
    /// The function's encrypted log group, for metric filters and alarms.
    pub log_group: Handle<aws_cloudwatch_log_group>,
    /// Its security group, for the ingress rules of what it connects to (a
    /// database that admits this group).
    pub security_group: Handle<aws_security_group>,
}

impl PrivateFunction {
    /// arm64, 256 MB, 10 s, no reserved concurrency, logs kept a year, no grants, no egress.
    pub fn new(name: &str, naming: Naming, runtime: &str, handler: &str) -> Self {
        PrivateFunction {
            name: name.to_owned(),
            naming,
            description: String::new(),
            runtime: runtime.to_owned(),
            handler: handler.to_owned(),
            architectures: vec!["arm64".into()],
            memory_size: 256,
            timeout: 10,
            reserved_concurrency: None,
            environment: BTreeMap::new(),
            log_level: "INFO".into(),
            log_retention_days: 365,
            grants: Vec::new(),
            egress: Vec::new(),
        }
    }

    /// The function's name in AWS.
    pub fn function_name(&self) -> String {
        self.naming.name(&self.name)
    }

    /// Its log group's name, known before the function exists (for a key policy).
    pub fn log_group_name(&self) -> String {
        format!("/aws/lambda/{}", self.function_name())
    }

    /// The inline policy's statements: the caller's grants, then what the
    /// function needs to run.
    fn statements(&self, key: &Handle<aws_kms_key>, logs: &Handle<aws_cloudwatch_log_group>) -> Vec<Value> {
        let mut statements: Vec<Value> = self.grants.iter().map(Grant::statement).collect();
        // Lambda manages the function's network interfaces with the execution
        // role. EC2 cannot scope Describe* to resources, and Lambda checks
        // these actions on any resource when the function is created.
        let eni = ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses"];
        statements.push(iam::statement("VpcNetworkInterfaces", &eni, &[Value::from("*")]));
        // Active tracing: X-Ray has no resource-level permissions.
        statements.push(iam::statement("XRayTraces", &["xray:PutTelemetryRecords", "xray:PutTraceSegments"], &[Value::from("*")]));
        statements.push(iam::statement("DecryptEnvironment", &["kms:Decrypt"], &[key.attr("arn")]));
        // Its own log group only; the group exists, so no CreateLogGroup.
        let streams = crate::template(vec![logs.attr("arn"), Value::from(":log-stream:*")]);
        statements.push(iam::statement("OwnLogGroup", &["logs:CreateLogStream", "logs:PutLogEvents"], &[streams]));
        statements
    }
}

/// `items` as `Items`, for descriptions.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[component]
impl PrivateFunction {
    /// Declares the function, its role, policy, security group and log group
    /// into `scope`. `subnets` must be private: rule TAP-LMB-002 checks their
    /// routes at synthesis.
    pub fn build(
        &self,
        scope: &mut Scope,
        code: &AssetHandle,
        key: &Handle<aws_kms_key>,
        vpc: &Handle<aws_vpc>,
        subnets: &[Handle<aws_subnet>],
        aws: &Account,
    ) -> Function {
        let naming = &self.naming;
        let role_name = naming.name(&format!("{}-function", self.name));
        // No ingress: Lambda is invoked through its API, not the network.
        let sg = resource!(aws_security_group.sg {
            name: role_name.clone(),
            description: format!("{} function: HTTPS egress only, no ingress", capitalized(&self.name)),
            vpc_id: vpc.id,
            ingress: [],
            egress: Value::list(self.egress.iter().map(Egress::rule)),
            tags: { Name: role_name.clone() },
        });
        // Created here rather than by Lambda, so it is encrypted and expires.
        let logs = resource!(aws_cloudwatch_log_group.logs {
            name: self.log_group_name(),
            retention_in_days: self.log_retention_days,
            kms_key_id: key.arn,
        });
        let role = resource!(aws_iam_role.role {
            name: role_name.clone(),
            description: format!("Execution role of the {} function", self.name),
            assume_role_policy: iam::trust("lambda.amazonaws.com", Some(aws.id()), None),
        });
        let policy = resource!(aws_iam_role_policy.policy {
            name: format!("{}-function", self.name),
            role: role.id,
            policy: iam::document(self.statements(key, &logs)),
        });
        let function = resource!(aws_lambda_function.function {
            function_name: self.function_name(),
            description: self.description.clone(),
            role: role.arn,
            runtime: self.runtime.clone(),
            architectures: self.architectures.clone(),
            handler: self.handler.clone(),
            filename: code.path(),
            source_code_hash: code.hash(),
            memory_size: self.memory_size,
            timeout: self.timeout,
            reserved_concurrent_executions: self.reserved_concurrency,
            tracing_config { mode: "Active" }
            vpc_config {
                subnet_ids: subnets[*].id,
                security_group_ids: [sg.id],
            }
            environment { variables: Value::Map(self.environment.clone()) }
            kms_key_arn: key.arn,
            logging_config {
                log_format: "JSON",
                log_group: logs.name,
                application_log_level: self.log_level.clone(),
                system_log_level: self.log_level.clone(),
            }
            // The network-interface permissions must exist when Lambda checks
            // them at creation, and the log group before the first log line.
            #[depends_on(policy, logs)]
        });
        Function { function, role, policy, log_group: logs, security_group: sg }
    }
}
