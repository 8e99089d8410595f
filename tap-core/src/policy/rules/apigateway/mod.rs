//! API Gateway rules.

pub mod stage_access_logs;
pub mod stage_tracing;
