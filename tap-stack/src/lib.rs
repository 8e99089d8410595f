//! tap-stack: the items service (a REST API, one Lambda function and one
//! DynamoDB table in a private VPC) defined with tap.
//!
//! - [`cli`]: flags, environment variables and their validation.
//! - [`regions`]: the regions and Availability Zone counts tap knows.
//! - [`stack`]: the `#[stack]` definition itself.
//!
//! [`synthesize`] renders a configuration in memory; [`write`](fn@write) puts it on
//! disk atomically; [`summary`] is what the command prints.

pub mod cli;
pub mod env;
pub mod moves;
pub mod regions;
pub mod stack;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tap::definition::{DefinedStack, StackDefinition};
use tap::graph::Suppression;
use tap::policy::{Place, RowState};
use tap::reference::Mode;
use tap::synth::{self, SynthError, SynthOptions, Synthesized, REPORT_JSON, REPORT_SARIF};

pub use cli::{Cidr, Cli, Config, ConfigError, NatLayout, StateConfig};
pub use stack::ItemsStack;

/// The stack model of a configuration and its policy (nothing checked yet).
pub fn build(config: &Config) -> DefinedStack {
    let mut defined = ItemsStack::new(config.clone()).build();
    if config.state.moves {
        moves::add_moved_blocks(&mut defined.stack);
    }
    // The demo flag opens every method; rule TAP-APG-003 then fails each of
    // them, so the exception is recorded as a stack suppression with its
    // reason (report, cdk.tf.json, summary).
    if config.open_api {
        defined.policy.suppress(Suppression::new("TAP-APG-003", stack::OPEN_API_REASON));
    }
    defined
}

/// Validates, evaluates the security rules and renders every file in memory.
pub fn synthesize(config: &Config) -> Result<(DefinedStack, Synthesized), SynthError> {
    synthesize_with(config, &SynthOptions::default())
}

/// [`synthesize`] with options: in report-only mode a security failure is
/// recorded in the reports instead of failing.
pub fn synthesize_with(config: &Config, options: &SynthOptions) -> Result<(DefinedStack, Synthesized), SynthError> {
    let stack = build(config);
    let synthesized = synth::synthesize_with(&stack, options)?;
    Ok((stack, synthesized))
}

/// Writes `stacks/<stack>/` under `out_dir`, replacing it atomically.
pub fn write(out_dir: &Path, synthesized: &Synthesized) -> Result<PathBuf, SynthError> {
    synth::write(out_dir, synthesized)
}

/// The banner printed when the API is open.
pub const OPEN_API_WARNING: &str = "WARNING: --demo-open-api: the API accepts UNAUTHENTICATED requests from ANYONE on the internet. Demo only; never for real data.";

/// What the command prints after writing: where, what, and what the
/// security rules found. Fits one screen.
pub fn summary(config: &Config, dir: &Path, stack: &DefinedStack, synthesized: &Synthesized) -> String {
    let mut out = String::new();
    if config.open_api {
        let _ = writeln!(out, "{OPEN_API_WARNING}\n");
    }
    let files: Vec<&str> = synthesized.files.keys().map(String::as_str).collect();
    let _ = writeln!(out, "wrote {} ({})", dir.display(), files.join(", "));
    let nat = match config.nat {
        NatLayout::PerZone => "one NAT gateway per zone",
        NatLayout::Single => "ONE NAT gateway for all zones",
    };
    let _ = writeln!(
        out,
        "environment `{}` in {}: {} Availability Zones ({}), {nat}, VPC {}{}",
        config.environment,
        config.region,
        config.zones,
        config.zone_ids().join(", "),
        config.vpc_cidr,
        if config.throwaway { ", THROWAWAY (deletion protection off)" } else { "" }
    );
    let lock = if config.state.lockfile {
        "a lock file beside it (use_lockfile, Terraform >= 1.11)".to_owned()
    } else {
        format!("DynamoDB table {}", config.state.lock_table)
    };
    let _ = writeln!(out, "state: s3://{}/{} in {}, locked by {lock}", config.state.bucket, config.state.key, config.state.region);
    let _ = writeln!(out, "alarms: {}", config.alarm_email.as_deref().map_or("topic only (no --alarm-email)".to_owned(), |e| format!("topic, e-mailed to {e}")));

    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    let mut data_sources = 0;
    for r in &stack.resources {
        if r.address.mode == Mode::Data {
            data_sources += 1;
        } else {
            *by_type.entry(r.type_name()).or_default() += 1;
        }
    }
    let total: usize = by_type.values().sum();
    let _ = writeln!(out, "\n{total} resources, {data_sources} data sources:");
    let rows: Vec<String> = by_type.iter().map(|(t, n)| format!("{n:>3} {t}")).collect();
    let half = rows.len().div_ceil(2);
    for i in 0..half {
        let right = rows.get(i + half).map(String::as_str).unwrap_or("");
        let _ = writeln!(out, "  {:<44}{right}", rows[i]);
    }

    let report = &synthesized.report;
    let failures = report.failures().count();
    let suppressed: Vec<_> = report.suppressed().collect();
    let policy = stack.policy.org_policy.as_ref().map(|p| format!("; organisation policy: {}", p.file)).unwrap_or_default();
    let _ = writeln!(
        out,
        "\nsecurity rules (packs: {}{policy}): {} checks, {} failures, {} suppressed",
        stack.policy.packs.join(", "),
        report.evaluated,
        failures,
        suppressed.len()
    );
    for row in report.rows.iter().filter(|r| !matches!(r.state, RowState::Suppressed { .. })) {
        let _ = writeln!(out, "  {}", row.line().with_level().at(Place::Address).without_context().with_origin());
    }
    // One line per rule and reason, however many resources it covers.
    let mut grouped: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for row in suppressed {
        if let RowState::Suppressed { reason } = &row.state {
            grouped.entry((row.rule_id.as_str(), reason.as_str())).or_default().push(row.location());
        }
    }
    for ((rule, reason), addresses) in grouped {
        let _ = writeln!(out, "  suppressed [{rule}] on {}: {reason}", addresses.join(", "));
    }
    for problem in &report.suppression_errors {
        let _ = writeln!(out, "  rejected suppression: {}", problem.message());
    }
    // Where the configuration departs from what tap models: a line each.
    if !synthesized.overrides.is_empty() {
        out.push_str(&tap::synth::override_summary(&synthesized.overrides));
    }
    let _ = writeln!(out, "reports: {}, {}", dir.join(REPORT_JSON).display(), dir.join(REPORT_SARIF).display());
    if synthesized.policy_fails() {
        let _ = writeln!(
            out,
            "\nREPORT-ONLY: {failures} security failure(s) and {} rejected suppression(s) did not block this run; the configuration was written, but fix them before applying it",
            report.suppression_errors.len()
        );
    } else {
        let _ = writeln!(out, "\nnext: cd {} && terraform init && terraform apply", dir.display());
    }
    if config.open_api {
        let _ = writeln!(out, "\n{OPEN_API_WARNING}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tap::prelude::*;

    /// A log group whose retention comes from configuration: 0 fails
    /// `TAP-LOG-001` and the crate's organisation policy (`ORG-LOG-001`),
    /// which also wants the `owner` and `cost-center` tags.
    struct Logs {
        retention_days: i64,
    }

    #[stack(name = "logs")]
    impl Logs {
        fn define(&self, stack: &mut Stack) {
            stack.provider(Provider::aws("us-west-2").default_tag("owner", "platform").default_tag("cost-center", "cc-1042"));
            let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
            resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: self.retention_days, kms_key_id: key.arn });
        }
    }

    #[test]
    fn the_summary_of_a_report_only_run_with_failures_says_not_to_apply() {
        let stack = Logs { retention_days: 0 }.build();
        let synthesized = synth::synthesize_with(&stack, &SynthOptions::default().report_only(true)).unwrap_or_else(|e| panic!("{e}"));
        let text = summary(&Config::default(), Path::new("out/stacks/logs"), &stack, &synthesized);
        assert!(text.contains("2 failures, 0 suppressed"), "{text}");
        assert!(text.contains("[ORG-LOG-001] error aws_cloudwatch_log_group.app: the log group keeps its events for less than a year"), "{text}");
        assert!(text.contains("[TAP-LOG-001] error aws_cloudwatch_log_group.app: the log group keeps its events forever"), "{text}");
        assert!(text.contains(" (tap-stack/src/lib.rs:"), "{text}");
        assert!(text.contains("REPORT-ONLY: 2 security failure(s) and 0 rejected suppression(s) did not block this run"), "{text}");
        assert!(text.contains(&format!("reports: {}", Path::new("out/stacks/logs/policy-report.json").display())), "{text}");
        assert!(!text.contains("terraform apply"), "{text}");
    }

    #[test]
    fn the_summary_of_a_passing_run_says_what_to_do_next() {
        let stack = Logs { retention_days: 365 }.build();
        let synthesized = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
        let text = summary(&Config::default(), Path::new("out"), &stack, &synthesized);
        assert!(!text.contains("REPORT-ONLY"), "{text}");
        assert!(text.contains("next: cd out && terraform init && terraform apply"), "{text}");
        assert!(text.contains("state: s3://tap-terraform-state/tap/dev/terraform.tfstate in us-west-2, locked by DynamoDB table tap-terraform-locks\n"), "{text}");
        let lockfile = Config { state: StateConfig { lockfile: true, ..Config::default().state }, ..Config::default() };
        let text = summary(&lockfile, Path::new("out"), &stack, &synthesized);
        assert!(text.contains("locked by a lock file beside it (use_lockfile, Terraform >= 1.11)\n"), "{text}");
    }
}
