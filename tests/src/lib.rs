//! Integration and compile-fail tests for tap live under `tests/`; this
//! library holds no code of its own.
//!
//! It does hold the READMEs' Rust snippets as doctests
//! (`cargo test -p tap-tests --doc`), so every path they document keeps
//! compiling. They live here rather than in `tap` because this crate is not
//! published (the README is outside every published package) and depends on
//! every crate the snippets use.

/// The repository's README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct Readme;

/// tap-stack's README.
#[cfg(doctest)]
#[doc = include_str!("../../tap-stack/README.md")]
pub struct TapStackReadme;

/// The queue-worker example's README.
#[cfg(doctest)]
#[doc = include_str!("../../examples/queue-worker/README.md")]
pub struct QueueWorkerReadme;

/// The paths the README names in its prose rather than in a snippet, used
/// as it describes them.
///
/// ```
/// use tap::policy::PolicyRule;
/// use tap::prelude::*;
/// use tap::synth::{SynthOptions, Synthesized};
///
/// pub struct Hello;
///
/// #[stack(name = "hello")]
/// impl Hello {
///     fn define(&self, stack: &mut Stack) {
///         stack.provider(Provider::aws("us-west-2"));
///         resource!(aws_kms_key.main { enable_key_rotation: true });
///     }
/// }
///
/// let stack: tap::definition::DefinedStack = Hello.build();
/// let _model: &tap::graph::Stack = &stack;
/// let dir = tempfile::tempdir().unwrap();
/// let (written, _) = tap::synth::synthesize_to(&stack, dir.path()).unwrap();
/// let out: Synthesized = tap::synth::synthesize_with(&stack, &SynthOptions::default().report_only(true)).unwrap();
/// assert!(!out.policy_fails());
/// assert!(tap::synth::policy_summary(&out, &written).contains("policy-report"));
/// assert!(tap::policy::rules_markdown().contains("TAP-KMS-001"));
/// fn _a_rule_in_rust(rule: impl PolicyRule) -> impl PolicyRule { rule }
/// let _marker: Option<tap::types::aws_kms_key> = None;
/// ```
#[cfg(doctest)]
pub struct ReadmeProsePaths;

/// The README's precise-suppression example is `compile_fail` because
/// `sqs:*` still fails; the same stack without it compiles, so nothing else
/// in the example is what fails.
///
/// ```
/// use tap::prelude::*;
///
/// pub struct App;
///
/// #[stack(name = "app")]
/// impl App {
///     fn define(&self, stack: &mut Stack) {
///         let role = resource!(aws_iam_role.app {
///             assume_role_policy: tf::jsonencode({ Statement: [
///                 { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } },
///             ] }),
///         });
///         resource!(aws_iam_role_policy.app {
///             #[suppress("TAP-IAM-001", reason = "the app owns its bucket", finding = "policy.Statement[1].Action[0]")]
///             role: role.id,
///             policy: tf::jsonencode({ Statement: [
///                 { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" },
///                 { Effect: "Allow", Action: ["s3:*"], Resource: "*" },
///             ] }),
///         });
///     }
/// }
/// ```
#[cfg(doctest)]
pub struct ReadmePreciseSuppressionWithoutTheFailure;
