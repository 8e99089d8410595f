//! `cargo run -p tap-stack -- [FLAGS]`: synthesize the items service.
//!
//! Exit codes: 0 written; 1 the stack failed validation or a security
//! rule, or could not be written; 2 a bad flag or environment value
//! (one line on stderr, nothing written).

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Parser;
use tap_stack::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap explains over several lines; keep the first, which names
            // the flag, and add the accepted values when clap knows them.
            let text = e.render().to_string();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("error: bad arguments");
            let accepted = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(values)) if !values.is_empty() => format!("; accepted: {}", values.join(", ")),
                _ => String::new(),
            };
            eprintln!("{first}{accepted} (see --help)");
            return ExitCode::from(2);
        }
    };
    let (config, out_dir) = match cli.into_config() {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (stack, synthesized) = match tap_stack::synthesize(&config) {
        Ok(done) => done,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match tap_stack::write(&out_dir, &synthesized) {
        Ok(dir) => {
            print!("{}", tap_stack::summary(&config, &dir, &stack, &synthesized));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
