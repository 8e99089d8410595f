//! Rules on secrets, whatever the provider.

pub mod literal;
