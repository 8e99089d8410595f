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
pub mod regions;
pub mod stack;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tap::graph::{Stack, StackDefinition};
use tap::policy::RowState;
use tap::reference::Mode;
use tap::synth::{self, SynthError, Synthesized};

pub use cli::{Cidr, Cli, Config, ConfigError, NatLayout, StateConfig};
pub use stack::ItemsStack;

/// The stack model of a configuration (nothing checked yet).
pub fn build(config: &Config) -> Stack {
    ItemsStack::new(config.clone()).build()
}

/// Validates, evaluates the security rules and renders every file in memory.
pub fn synthesize(config: &Config) -> Result<(Stack, Synthesized), SynthError> {
    let stack = build(config);
    let synthesized = synth::synthesize(&stack)?;
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
pub fn summary(config: &Config, dir: &Path, stack: &Stack, synthesized: &Synthesized) -> String {
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
    let _ = writeln!(
        out,
        "state: s3://{}/{} in {}, locked by DynamoDB table {}",
        config.state.bucket, config.state.key, config.state.region, config.state.lock_table
    );
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
    let policy = stack.org_policy.as_ref().map(|p| format!("; organisation policy: {}", p.file)).unwrap_or_default();
    let _ = writeln!(
        out,
        "\nsecurity rules (packs: {}{policy}): {} checks, {} failures, {} suppressed",
        stack.packs.join(", "),
        report.evaluated,
        failures,
        suppressed.len()
    );
    for row in report.rows.iter().filter(|r| !matches!(r.state, RowState::Suppressed { .. })) {
        let _ = writeln!(out, "  [{}] {} {}: {}", row.rule_id, row.level.as_str(), row.address, row.message);
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
    let _ = writeln!(out, "\nnext: cd {} && terraform init && terraform apply", dir.display());
    if config.open_api {
        let _ = writeln!(out, "\n{OPEN_API_WARNING}");
    }
    out
}
