//! A stack that fails tap's security rules on purpose, for the report-only
//! tests (`tests/tests/report_only.rs`, `tests/sarif/`). Never deploy it.
//!
//! `insecure-stack [--report-only] OUT_DIR`, and `TAP_REPORT_ONLY` as for
//! every stack binary. Exit codes: 0 written; 1 synthesis failed (nothing
//! written); 2 a bad argument or environment value.
//!
//! The offending values are Rust expressions, known only when the stack
//! runs: the compiler refuses literal ones, and report-only mode does not
//! change that. It has every kind of row: failures, a finding tap cannot
//! decide (unknown until apply), a suppressed finding, a resource built in
//! plain code, which has no `resource!` line, and a rejected suppression.

use std::path::PathBuf;
use std::process::ExitCode;

use tap::prelude::*;
use tap::synth::{self, SynthOptions};

// tap-stack's reading of the environment, shared by file: a binary of this
// crate cannot use tap-stack, which is only a dev-dependency here so that
// `cargo package --workspace` need not find the unpublished tap-stack.
#[path = "../../../tap-stack/src/env.rs"]
mod env;

struct Insecure {
    retention_days: i64,
    lambda_subnets: Vec<String>,
}

#[stack(name = "insecure")]
impl Insecure {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        let _app = resource!(aws_cloudwatch_log_group.app {
            name: "/app",
            retention_in_days: self.retention_days,
            kms_key_id: key.arn,
        });
        let _audit = resource!(aws_cloudwatch_log_group.audit {
            #[suppress("TAP-LOG-001", reason = "audit logs are kept forever by regulation")]
            name: "/audit",
            kms_key_id: key.arn,
        });
        let _api = resource!(aws_lambda_function.api {
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.12",
            handler: "handler.handler",
            filename: "api.zip",
            vpc_config { subnet_ids: self.lambda_subnets.clone(), security_group_ids: ["sg-0123"] }
        });
        // A queue built in plain code, with the schema facts of one that
        // `resource!` declared: it has no Rust line of its own.
        let _events = resource!(aws_sqs_queue.events { name: "events", sqs_managed_sse_enabled: true });
        let mut jobs = stack.resources.last().expect("`events` was just declared").clone();
        jobs.address = std::sync::Arc::new(Address::resource("aws_sqs_queue", "jobs"));
        jobs.origin = Origin::default();
        jobs.body.clear();
        stack.add(jobs.set("name", "jobs"));
    }
}

fn main() -> ExitCode {
    let mut report_only = false;
    let mut out_dir = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--report-only" => report_only = true,
            flag if flag.starts_with('-') => {
                eprintln!("error: unknown flag `{flag}`; accepted: --report-only");
                return ExitCode::from(2);
            }
            dir => out_dir = Some(PathBuf::from(dir)),
        }
    }
    let Some(out_dir) = out_dir else {
        eprintln!("error: no output directory\n  help: insecure-stack [--report-only] OUT_DIR");
        return ExitCode::from(2);
    };
    let options = match env::report_only() {
        Ok(from_env) => SynthOptions::default().report_only(from_env || report_only),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut stack = Insecure { retention_days: 0, lambda_subnets: vec!["subnet-0abc".into()] }.build();
    // Matches nothing, so it is rejected: a policy failure too.
    stack.policy.suppress(Suppression::new("TAP-SNS-001", "the stack has no topic, so this covers nothing"));
    match synth::synthesize_to_with(&stack, &out_dir, &options) {
        Ok((dir, synthesized)) => {
            println!("wrote {}", dir.display());
            print!("{}", synth::policy_summary(&synthesized, &dir));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{e}");
            ExitCode::FAILURE
        }
    }
}
