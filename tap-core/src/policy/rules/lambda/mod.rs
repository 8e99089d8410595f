//! Lambda rules.

pub mod function_url_auth;
pub mod inside_vpc;
pub mod permission_principal;
pub mod public_subnet;
