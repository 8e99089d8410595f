//! API Gateway rules.

pub mod method_authorization;
pub mod stage_access_logs;
pub mod stage_tracing;
