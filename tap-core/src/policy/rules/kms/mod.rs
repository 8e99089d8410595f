//! KMS rules.

pub mod rotation;
