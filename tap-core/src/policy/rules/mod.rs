//! One rule per file, grouped by service. To add a rule: write the file,
//! add it to [`ALL`] and to a pack, and add a compliant, a non-compliant
//! and a not-applicable unit test beside it plus a compile-fail UI test.

pub mod lambda;

#[cfg(test)]
pub(crate) mod testing;

use super::Rule;

/// Every rule, sorted by ID.
pub static ALL: &[&Rule] = &[
    &lambda::inside_vpc::RULE,
];
