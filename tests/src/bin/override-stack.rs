//! `override-stack OUT_DIR`: synthesizes the stack with an override of
//! each kind (`tests/src/override_stack.rs`) into `OUT_DIR/stacks/overridden/`
//! and prints the summary, overrides included, so that its configuration
//! can be validated by Terraform. Exit codes: 0 written; 1 synthesis failed.

use std::process::ExitCode;

use tap::prelude::StackDefinition;
use tap::synth;

#[path = "../override_stack.rs"]
mod override_stack;

fn main() -> ExitCode {
    let out = std::env::args().nth(1).unwrap_or_else(|| "override.out".into());
    match synth::synthesize_to(&override_stack::Overridden.build(), std::path::Path::new(&out)) {
        Ok((dir, s)) => {
            print!("wrote {}\n{}", dir.display(), synth::policy_summary(&s, &dir));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
