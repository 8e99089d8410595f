//! EC2 and VPC rules.

pub mod instance_public_ip;
pub mod open_ingress;
pub mod subnet_public_ip;
