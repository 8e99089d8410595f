//! IAM rules.

pub mod admin_managed_policy;
pub mod wildcard_action;
