//! The queue worker: jobs arrive on an encrypted SQS queue, a Lambda
//! function in private subnets records each in an encrypted DynamoDB table,
//! failures are retried per message and end in a dead-letter queue, and
//! alarms watch the backlog, the dead letters and the function.
//!
//! Built from tap-aws's components plus this crate's [`EncryptedQueue`];
//! this file says only what is specific to the worker.

use std::collections::BTreeMap;

use tap::prelude::*;
use tap_aws::alarms::{Alarm, AlarmSet, Metric, Widget};
use tap_aws::function::{Egress, PrivateFunction};
use tap_aws::iam::Grant;
use tap_aws::kms::{EncryptionKey, KeyPolicy};
use tap_aws::network::{Cidr, GatewayEndpoint, NatLayout, PrivateNetwork};
use tap_aws::table::EncryptedTable;
use tap_aws::{Account, Naming};

use crate::queue::EncryptedQueue;

/// What the event source mapping does with the queue, as IAM actions: it
/// receives, reads the queue's attributes, and deletes what the function
/// processed. (`sqs:ChangeMessageVisibility` is not among them: the handler
/// reports failures in its response and never calls SQS.)
pub const QUEUE_ACTIONS: [&str; 3] = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"];
/// The DynamoDB operations `lambda/worker/handler.py` calls, as IAM actions.
pub const TABLE_ACTIONS: [&str; 2] = ["dynamodb:PutItem", "dynamodb:UpdateItem"];
/// Seconds. The queue's visibility timeout is six times this.
pub const FUNCTION_TIMEOUT_SECONDS: i64 = 30;
/// Alarm when the oldest job has waited this long (seconds).
pub const OLDEST_MESSAGE_ALARM_SECONDS: f64 = 900.0;

/// The stack's configuration.
#[derive(Clone, Debug)]
pub struct QueueWorker {
    pub region: String,
    /// Suffix of every AWS name (`qw-jobs-dev`).
    pub environment: String,
    /// Zone IDs of `region`: the same physical zones in every account.
    pub zone_ids: Vec<String>,
    pub vpc_cidr: Cidr,
    /// Messages per invocation (1 to 10,000; above 10 needs a batching window).
    pub batch_size: i64,
    /// Concurrent invocations the queue may drive (2 to 1,000).
    pub maximum_concurrency: i64,
}

impl Default for QueueWorker {
    /// `dev` in us-west-2 over two zones, batches of 10, at most 5 at a time.
    fn default() -> Self {
        QueueWorker {
            region: "us-west-2".into(),
            environment: "dev".into(),
            zone_ids: vec!["usw2-az1".into(), "usw2-az2".into()],
            vpc_cidr: Cidr { network: std::net::Ipv4Addr::new(10, 20, 0, 0), prefix: 16 },
            batch_size: 10,
            maximum_concurrency: 5,
        }
    }
}

impl QueueWorker {
    /// `qw-<what>-<env>`.
    pub fn naming(&self) -> Naming {
        Naming::new("qw-", &format!("-{}", self.environment))
    }

    /// One NAT for all zones: the function never uses it (its security
    /// group reaches only the DynamoDB endpoint), and `PrivateNetwork`
    /// always gives its private subnets a way out.
    fn network(&self) -> PrivateNetwork {
        let zones: Vec<&str> = self.zone_ids.iter().map(String::as_str).collect();
        PrivateNetwork { nat: NatLayout::Single, ..PrivateNetwork::new("vpc", self.naming(), self.vpc_cidr, &zones) }
    }

    fn queue(&self) -> EncryptedQueue {
        EncryptedQueue { visibility_timeout_seconds: 6 * FUNCTION_TIMEOUT_SECONDS, ..EncryptedQueue::new("jobs", self.naming()) }
    }

    fn function(&self) -> PrivateFunction {
        PrivateFunction {
            description: "Records the jobs of the queue in the table".into(),
            timeout: FUNCTION_TIMEOUT_SECONDS,
            // Above the mapping's maximum concurrency, so the queue never
            // throttles its own function.
            reserved_concurrency: Some(2 * self.maximum_concurrency),
            ..PrivateFunction::new("worker", self.naming(), "python3.12", "handler.handler")
        }
    }

    /// The backlog, the dead letters and the function.
    fn alarms(&self, queue: &Handle<aws_sqs_queue>, dead_letter: &Handle<aws_sqs_queue>, function: &Handle<aws_lambda_function>) -> AlarmSet {
        let sqs = |q: &Handle<aws_sqs_queue>, m: &str| Metric::new("AWS/SQS", m).dimension("QueueName", q.attr("name"));
        let lambda = |m: &str| Metric::new("AWS/Lambda", m).dimension("FunctionName", function.attr("function_name"));
        let oldest = sqs(queue, "ApproximateAgeOfOldestMessage");
        let dead = sqs(dead_letter, "ApproximateNumberOfMessagesVisible");
        let alarms = vec![
            Alarm::above("jobs-oldest-message-age", "The oldest job has waited more than 15 minutes, for 15 minutes: the worker is failing or too slow", oldest.clone().into(), OLDEST_MESSAGE_ALARM_SECONDS)
                .statistic("Maximum")
                .periods(3),
            Alarm::at_least("jobs-dead-letters", "Jobs are in the dead-letter queue: they failed every retry and need a look (and a redrive)", dead.clone().into(), 1.0).statistic("Maximum"),
            Alarm::at_least("worker-function-errors", "The worker function failed (unhandled error or timeout) at least once in 5 minutes", lambda("Errors").into(), 1.0),
        ];
        let widgets = vec![
            Widget::new("Jobs waiting and in flight", "Maximum").line(&sqs(queue, "ApproximateNumberOfMessagesVisible")).line(&sqs(queue, "ApproximateNumberOfMessagesNotVisible")),
            Widget::new("Age of the oldest job (s)", "Maximum").line(&oldest),
            Widget::new("Dead letters", "Maximum").line(&dead),
            Widget::new("Function invocations, errors and throttles", "Sum").line(&lambda("Invocations")).line(&lambda("Errors")).line(&lambda("Throttles")),
        ];
        AlarmSet { alarms, widgets, ..AlarmSet::new("queue-worker", self.naming()) }
    }
}

#[stack(name = "queue-worker")]
impl QueueWorker {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws(&self.region).default_tag("application", "queue-worker").default_tag("environment", &self.environment));
        stack.backend(Backend::local("terraform.tfstate"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new(&self.region, &caller, &partition);
        let naming = self.naming();
        let (network, worker) = (self.network(), self.function());

        // ---------------------------------------------------------------- encryption
        // One rotating key for the queues, the table, the log groups, the
        // alarm topic and the function's environment. The account's IAM
        // policies govern it (the worker's role may decrypt; producers need
        // kms:GenerateDataKey and kms:Decrypt in their own policies); CloudWatch Logs may
        // use it for this stack's two log groups, CloudWatch alarms for the topic.
        let policy = KeyPolicy::new(&aws)
            .allow_log_groups("CloudWatchLogsForThisStacksLogGroups", [Value::from(worker.log_group_name()), Value::from(network.flow_log_group_name())])
            .allow_service("CloudWatchAlarmsPublishToTheAlarmTopic", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]);
        let key = EncryptionKey::new("queue-worker", naming.clone(), policy).build(&mut stack.scope("main"));

        // ---------------------------------------------------------------- queue and table
        // Jobs arrive on `qw-jobs-<env>`; the worker records them in `qw-results-<env>`.
        let jobs = self.queue().build(&mut stack.scope("jobs"), &key.key);
        let queue: &Handle<aws_sqs_queue> = &jobs.queue;
        let table: Handle<aws_dynamodb_table> = EncryptedTable::new("results", naming.clone()).build(&mut stack.scope("results"), &key.key);

        // ---------------------------------------------------------------- network
        // The function's only network traffic is to DynamoDB, through the
        // gateway endpoint (free, and no NAT on the path); through it, the
        // VPC reaches this table only, with the handler's operations.
        // SQS needs no network path: the event source mapping polls the
        // queue from Lambda's side, outside the VPC.
        let endpoint_grant = Grant::new("OnlyTheResultsTable", TABLE_ACTIONS, [table.attr("arn")]);
        let net = network.with_endpoint(GatewayEndpoint::new("dynamodb", endpoint_grant)).build(&mut stack.scope("network"), &key.key, &aws);
        let dynamodb = net.endpoint("dynamodb").expect("BUG: the network declares the DynamoDB endpoint");

        // ---------------------------------------------------------------- function
        let code = stack.asset(Asset::zip("worker", concat!(env!("CARGO_MANIFEST_DIR"), "/lambda/worker")));
        let worker = PrivateFunction {
            grants: vec![
                // What the event source mapping does with the role, on this queue only.
                Grant::new("ReceiveFromTheJobsQueue", QUEUE_ACTIONS, [queue.attr("arn")]),
                // The messages are encrypted with the key.
                Grant::new("DecryptTheJobsQueue", ["kms:Decrypt"], [key.key.attr("arn")]),
                Grant::new("WriteTheResultsTable", TABLE_ACTIONS, [table.attr("arn")]),
            ],
            environment: BTreeMap::from([("TABLE_NAME".to_owned(), table.attr("name")), ("LOG_LEVEL".to_owned(), Value::from("INFO"))]),
            egress: vec![Egress::prefix_list("HTTPS to DynamoDB through the gateway endpoint", dynamodb.attr("prefix_list_id"))],
            ..worker
        };
        let function = worker.build(&mut stack.scope("worker"), &code, &key.key, &net.vpc, &net.private_subnets, &aws);
        let worker_function: &Handle<aws_lambda_function> = &function.function;

        // Queue -> function. Failed messages alone go back to the queue
        // (the handler returns `batchItemFailures`); after the queue's
        // `maxReceiveCount` they move to the dead-letter queue.
        resource!(aws_lambda_event_source_mapping.jobs {
            event_source_arn: queue.arn,
            function_name: worker_function.arn,
            batch_size: self.batch_size,
            maximum_batching_window_in_seconds: 5,
            function_response_types: ["ReportBatchItemFailures"],
            scaling_config { maximum_concurrency: self.maximum_concurrency }
            enabled: true,
        });

        // ---------------------------------------------------------------- observability
        let watch = self.alarms(queue, &jobs.dead_letter, worker_function).build(&mut stack.scope("alarms"), &key.key, &aws);

        // ---------------------------------------------------------------- outputs
        let (dead_letter, topic): (&Handle<aws_sqs_queue>, &Handle<aws_sns_topic>) = (&jobs.dead_letter, &watch.topic);
        output!(queue_url { value: queue.url, description: "URL of the jobs queue: send {\"id\": ..., \"task\": ...} messages here" });
        output!(dead_letter_queue_url { value: dead_letter.url, description: "URL of the jobs dead-letter queue" });
        output!(table_name { value: table.name, description: "Name of the DynamoDB table the worker writes" });
        output!(function_name { value: worker_function.function_name, description: "Name of the worker Lambda function" });
        output!(alarm_topic_arn { value: topic.arn, description: "ARN of the SNS topic every alarm notifies" });
    }
}
