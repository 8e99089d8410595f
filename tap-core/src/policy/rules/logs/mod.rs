//! CloudWatch Logs rules.

pub mod kms;
pub mod retention;
