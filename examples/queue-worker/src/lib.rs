//! queue-worker: an example crate built on tap and tap-aws through their
//! public API. Jobs sent to an encrypted SQS queue are recorded by a Lambda
//! function in private subnets in an encrypted DynamoDB table.
//!
//! - [`stack`]: the [`QueueWorker`] stack.
//! - [`queue`]: [`EncryptedQueue`](queue::EncryptedQueue), a `#[component]`
//!   of this crate (tap-aws has no queue component).
//!
//! `cargo run -p queue-worker -- [OUT_DIR]` writes
//! `OUT_DIR/stacks/queue-worker/` (default `cdktf.out`).

pub mod queue;
pub mod stack;

pub use stack::QueueWorker;
