//! `EncryptedQueue`: a component written in this crate, the way a user of
//! tap-aws writes one for what the library does not have yet.
//!
//! An SQS queue and its dead-letter queue, both encrypted with the customer
//! managed key they are given. A message that fails `max_receive_count`
//! receives moves to the dead-letter queue instead of being lost or retried
//! forever; only this queue may redrive into it (`byQueue`); both queues
//! refuse requests that do not use TLS.

use tap::prelude::*;
use tap_aws::Naming;

/// The queue's configuration.
#[derive(Clone, Debug)]
pub struct EncryptedQueue {
    /// `jobs` gives the queues `<prefix>jobs<suffix>` and `<prefix>jobs-dlq<suffix>`.
    pub name: String,
    pub naming: Naming,
    /// Seconds a received message stays hidden. For a Lambda event source,
    /// at least six times the function's timeout (AWS's advice), so a batch
    /// retried after throttling is not delivered twice.
    pub visibility_timeout_seconds: i64,
    /// Seconds a message waits to be processed.
    pub message_retention_seconds: i64,
    /// Seconds a message waits in the dead-letter queue. SQS keeps a
    /// message's original enqueue time when it moves it, so this must be
    /// longer than `message_retention_seconds` or moved messages expire early.
    pub dead_letter_retention_seconds: i64,
    /// Receives before a message moves to the dead-letter queue.
    pub max_receive_count: i64,
    /// How long SQS reuses a data key before asking KMS again (60 to 86,400).
    pub kms_data_key_reuse_period_seconds: i64,
}

/// What [`EncryptedQueue::build`] declares.
#[derive(Clone, Debug)]
pub struct Queue {
    pub queue: Handle<aws_sqs_queue>,
    pub dead_letter: Handle<aws_sqs_queue>,
}

impl EncryptedQueue {
    /// 3-minute visibility (a function timeout of up to 30 s), 4 days to
    /// process, 14 days (SQS's maximum) in the dead-letter queue, 5 receives.
    pub fn new(name: &str, naming: Naming) -> Self {
        EncryptedQueue {
            name: name.to_owned(),
            naming,
            visibility_timeout_seconds: 180,
            message_retention_seconds: 4 * 24 * 3600,
            dead_letter_retention_seconds: 14 * 24 * 3600,
            max_receive_count: 5,
            kms_data_key_reuse_period_seconds: 300,
        }
    }

    /// The queue's name in AWS.
    pub fn queue_name(&self) -> String {
        self.naming.name(&self.name)
    }

    /// The dead-letter queue's name in AWS.
    pub fn dead_letter_name(&self) -> String {
        self.naming.name(&format!("{}-dlq", self.name))
    }
}

/// Denies every request to `queue` that does not use TLS.
fn tls_only(queue: Value) -> Value {
    Value::jsonencode(Value::map([
        ("Version", Value::from("2012-10-17")),
        (
            "Statement",
            Value::list([Value::map([
                ("Sid", Value::from("DenyInsecureTransport")),
                ("Effect", Value::from("Deny")),
                ("Principal", Value::from("*")),
                ("Action", Value::from("sqs:*")),
                ("Resource", queue),
                ("Condition", Value::map([("Bool", Value::map([("aws:SecureTransport", Value::from("false"))]))])),
            ])]),
        ),
    ]))
}

#[component]
impl EncryptedQueue {
    /// Declares `aws_sqs_queue.<instance>_queue` and
    /// `aws_sqs_queue.<instance>_dead_letter`, both encrypted with `key`,
    /// the redrive between them and their TLS-only policies.
    pub fn build(&self, scope: &mut Scope, key: &Handle<aws_kms_key>) -> Queue {
        let dead_letter = resource!(aws_sqs_queue.dead_letter {
            name: self.dead_letter_name(),
            kms_master_key_id: key.arn,
            kms_data_key_reuse_period_seconds: self.kms_data_key_reuse_period_seconds,
            message_retention_seconds: self.dead_letter_retention_seconds,
        });
        let queue = resource!(aws_sqs_queue.queue {
            name: self.queue_name(),
            kms_master_key_id: key.arn,
            kms_data_key_reuse_period_seconds: self.kms_data_key_reuse_period_seconds,
            visibility_timeout_seconds: self.visibility_timeout_seconds,
            message_retention_seconds: self.message_retention_seconds,
            // Long polling: fewer empty receives.
            receive_wait_time_seconds: 20,
            redrive_policy: tf::jsonencode({
                deadLetterTargetArn: dead_letter.arn,
                maxReceiveCount: self.max_receive_count,
            }),
        });
        // A separate resource: on the dead-letter queue itself it would
        // name the queue that names it, a cycle.
        resource!(aws_sqs_queue_redrive_allow_policy.dead_letter_sources {
            queue_url: dead_letter.url,
            redrive_allow_policy: tf::jsonencode({
                redrivePermission: "byQueue",
                sourceQueueArns: [queue.arn],
            }),
        });
        resource!(aws_sqs_queue_policy.queue_tls_only {
            queue_url: queue.url,
            policy: tls_only(queue.attr("arn")),
        });
        resource!(aws_sqs_queue_policy.dead_letter_tls_only {
            queue_url: dead_letter.url,
            policy: tls_only(dead_letter.attr("arn")),
        });
        Queue { queue, dead_letter }
    }
}
