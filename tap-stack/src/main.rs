//! `cargo run -p tap-stack -- [FLAGS]`: synthesize the items service.
//!
//! Exit codes: 0 written (in report-only mode also when security rules
//! fail: the summary and the reports say so); 1 the stack failed
//! validation or a security rule, or could not be written (nothing
//! written); 2 a bad flag or environment value (one line on stderr,
//! nothing written).

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
    let checked = cli.synth_options().and_then(|options| cli.into_config().map(|(config, out_dir)| (config, out_dir, options)));
    let (config, out_dir, options) = match checked {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (stack, synthesized) = match tap_stack::synthesize_with(&config, &options) {
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
