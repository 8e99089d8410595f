//! DynamoDB rules.

pub mod encryption;
pub mod point_in_time_recovery;
