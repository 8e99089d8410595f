//! SNS and SQS rules.

pub mod sns_encryption;
pub mod sqs_encryption;
