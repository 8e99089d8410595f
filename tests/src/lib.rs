//! Integration and compile-fail tests for tap live under `tests/`; this
//! library is empty so the crate can hold them.
