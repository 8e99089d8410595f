//! Lambda rules.

pub mod inside_vpc;
