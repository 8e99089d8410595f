//! tap's on/off environment variables, read the same way by every stack
//! binary of this workspace: `tap-stack` and the tests' `insecure-stack`.
//! (The library leaves the environment to binaries; a binary of another
//! crate reads `TAP_REPORT_ONLY` itself, as `examples/hello-stack` does.)

use std::fmt;

/// The environment variable that turns report-only mode on
/// (`tap::synth::SynthOptions::report_only`).
pub const REPORT_ONLY_ENV: &str = "TAP_REPORT_ONLY";

/// An on/off environment variable with a value that is neither.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvError {
    /// The variable.
    pub name: &'static str,
    /// The value as found (lossily decoded if it is not UTF-8).
    pub value: String,
}

impl EnvError {
    /// What is accepted, for messages.
    pub const ACCEPTED: &'static str = "`1` or `true` (on), `0`, `false` or empty (off)";
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is {:?}, which is neither on nor off\n  help: set it to one of {}, or unset it", self.name, self.value, Self::ACCEPTED)
    }
}

impl std::error::Error for EnvError {}

/// Is report-only mode on, as [`REPORT_ONLY_ENV`] asks: on for `1` or
/// `true`; off when it is unset, empty, `0` or `false`; any other value is
/// an error, never silently off (nor on).
pub fn report_only() -> Result<bool, EnvError> {
    Ok(env_flag(REPORT_ONLY_ENV)?.unwrap_or(false))
}

/// An on/off environment variable: `Some(true)` for `1`/`true`,
/// `Some(false)` for `0`/`false`/empty, `None` when unset (`true` and
/// `false` in any case).
pub fn env_flag(name: &'static str) -> Result<Option<bool>, EnvError> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) => parse_flag(name, &value.to_string_lossy()).map(Some),
    }
}

/// [`env_flag`] on a given value: `TAP_REPORT_ONLY=yes` is rejected rather
/// than read as off, so a typo in CI cannot quietly change the mode.
pub fn parse_flag(name: &'static str, value: &str) -> Result<bool, EnvError> {
    match value {
        "1" => Ok(true),
        "" | "0" => Ok(false),
        v if v.eq_ignore_ascii_case("true") => Ok(true),
        v if v.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(EnvError { name, value: other.to_owned() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_off_values() {
        for on in ["1", "true", "TRUE", "True"] {
            assert_eq!(parse_flag(REPORT_ONLY_ENV, on), Ok(true), "{on}");
        }
        for off in ["", "0", "false", "FALSE"] {
            assert_eq!(parse_flag(REPORT_ONLY_ENV, off), Ok(false), "{off:?}");
        }
        for bad in ["yes", "on", "2", " 1", "true ", "report-only"] {
            let e = parse_flag(REPORT_ONLY_ENV, bad).unwrap_err();
            assert_eq!(e, EnvError { name: REPORT_ONLY_ENV, value: bad.to_owned() });
            let text = e.to_string();
            assert!(text.starts_with("`TAP_REPORT_ONLY` is "), "{text}");
            assert!(text.contains("help: set it to one of `1` or `true` (on), `0`, `false` or empty (off)"), "{text}");
        }
    }
}
