//! `cargo run -p queue-worker -- [OUT_DIR]`: synthesize the queue worker
//! into `OUT_DIR/stacks/queue-worker/` (default `OUT_DIR`: `cdktf.out`).
//!
//! Exit codes: 0 written; 1 the stack failed validation or a security rule,
//! or could not be written; 2 bad arguments (nothing written).

use std::path::PathBuf;
use std::process::ExitCode;

use queue_worker::QueueWorker;
use tap::prelude::StackDefinition;
use tap::synth;

const USAGE: &str = "usage: queue-worker [OUT_DIR]   (writes OUT_DIR/stacks/queue-worker/; OUT_DIR defaults to cdktf.out)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.as_slice() {
        [] => PathBuf::from("cdktf.out"),
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [dir] if !dir.starts_with('-') => PathBuf::from(dir),
        _ => {
            eprintln!("error: unexpected arguments `{}`; {USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match synth::synthesize_to(&QueueWorker::default().build(), &out) {
        Ok((dir, s)) => {
            println!("wrote {} ({})", dir.display(), s.files.keys().map(String::as_str).collect::<Vec<_>>().join(", "));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{e}");
            ExitCode::FAILURE
        }
    }
}
