//! Command line and environment configuration, and its validation.
//!
//! Every flag has an environment variable (`TAP_*`), so CI can configure a
//! run without arguments. Values are taken as text and checked here rather
//! than by clap, so that a bad value gives exactly one line that names the
//! flag and says what is accepted, and nothing is written.

// The flags' doc comments are clap's `--help` text, where placeholders
// such as `<env>` must read as written, not as HTML.
#![allow(rustdoc::invalid_html_tags)]

use std::fmt;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use clap::Parser;
use tap::synth::SynthOptions;
use tap_aws::network::mask;

use crate::env::{self, EnvError, REPORT_ONLY_ENV};
use crate::regions;

/// Synthesize the items service (VPC, Lambda, REST API, DynamoDB) as Terraform JSON.
///
/// With no arguments it writes the default development environment to
/// `cdktf.out/stacks/tap-items-dev/`, without AWS credentials or network access.
/// Every flag can also be set through the environment variable shown.
#[derive(Debug, Parser)]
#[command(name = "tap-stack", version, max_term_width = 100)]
pub struct Cli {
    /// Environment name, appended to every AWS name so that several environments can share one
    /// account. 1 to 20 lowercase letters, digits and hyphens, starting with a letter.
    #[arg(long = "env", env = "TAP_ENV", hide_env_values = true, value_name = "NAME", default_value = "dev")]
    pub environment: String,

    /// AWS region to deploy to.
    #[arg(long, env = "TAP_REGION", hide_env_values = true, value_name = "REGION", default_value = "us-west-2")]
    pub region: String,

    /// Number of Availability Zones to spread subnets, NAT gateways and the function over:
    /// at least 2, at most what the region has.
    #[arg(long = "azs", env = "TAP_AZS", hide_env_values = true, value_name = "N", default_value = "2")]
    pub zones: String,

    /// IPv4 range of the VPC: a private (RFC 1918) network from /16 to /24. Each zone gets a
    /// public and a private subnet of 1/16 of it.
    #[arg(long = "vpc-cidr", env = "TAP_VPC_CIDR", hide_env_values = true, value_name = "CIDR", default_value = "10.0.0.0/16")]
    pub vpc_cidr: String,

    /// Use one NAT gateway for all zones instead of one per zone: cheaper, for development
    /// environments, but private subnets lose internet access when that zone fails.
    #[arg(long = "single-nat", env = "TAP_SINGLE_NAT", hide_env_values = true)]
    pub single_nat: bool,

    /// S3 bucket of the Terraform state (create it first: see tap-stack/README.md).
    #[arg(long = "state-bucket", env = "TAP_STATE_BUCKET", hide_env_values = true, value_name = "BUCKET", default_value = "tap-terraform-state")]
    pub state_bucket: String,

    /// Object key of this environment's state in the bucket [default: tap/<env>/terraform.tfstate].
    #[arg(long = "state-key", env = "TAP_STATE_KEY", hide_env_values = true, value_name = "KEY")]
    pub state_key: Option<String>,

    /// DynamoDB table that locks the state while Terraform runs (unless --state-lockfile).
    #[arg(long = "lock-table", env = "TAP_LOCK_TABLE", hide_env_values = true, value_name = "TABLE", default_value = "tap-terraform-locks")]
    pub lock_table: String,

    /// Lock the state with a lock file beside it in the bucket (the S3 backend's `use_lockfile`)
    /// instead of the DynamoDB table: the configuration then requires Terraform 1.11 or later.
    /// Also on when TAP_STATE_LOCKFILE is `1` or `true` (`0`, `false` or empty: off; anything
    /// else is an error).
    #[arg(long = "state-lockfile")]
    pub state_lockfile: bool,

    /// Write the `moved` blocks of tap-stack/README.md's address table, so that the next plan
    /// moves an existing deployment's state to the addresses the components gave it: the
    /// configuration then requires Terraform 1.1 or later. Also on when TAP_STATE_MOVES is `1`
    /// or `true` (`0`, `false` or empty: off; anything else is an error).
    #[arg(long = "state-moves")]
    pub state_moves: bool,

    /// Region of the state bucket and lock table [default: the --region].
    #[arg(long = "state-region", env = "TAP_STATE_REGION", hide_env_values = true, value_name = "REGION")]
    pub state_region: Option<String>,

    /// E-mail address subscribed to the alarm topic (AWS sends a confirmation message first).
    #[arg(long = "alarm-email", env = "TAP_ALARM_EMAIL", hide_env_values = true, value_name = "ADDRESS")]
    pub alarm_email: Option<String>,

    /// The team that answers for the stack: the `owner` tag of every resource, which the organisation policy requires: a lowercase team name (a letter, then letters, digits and `-`)
    #[arg(long, env = "TAP_OWNER", hide_env_values = true, value_name = "TEAM", default_value = "platform")]
    pub owner: String,

    /// The cost center the stack's spend is charged to: the `cost-center` tag of every resource, which the organisation policy requires: `cc-` and four digits
    #[arg(long = "cost-center", env = "TAP_COST_CENTER", hide_env_values = true, value_name = "CODE", default_value = "cc-1042")]
    pub cost_center: String,

    /// Directory to write into; the stack goes to <DIR>/stacks/tap-items-<env>/, replaced as a whole.
    #[arg(long = "out-dir", env = "TAP_OUT_DIR", hide_env_values = true, value_name = "DIR", default_value = "cdktf.out")]
    pub out_dir: PathBuf,

    /// DEMO ONLY: let anyone on the internet call the API, without IAM (SigV4) authentication.
    /// The policy report records the exception and the run prints a warning.
    #[arg(long = "demo-open-api", env = "TAP_DEMO_OPEN_API", hide_env_values = true)]
    pub demo_open_api: bool,

    /// Throwaway environment: turn deletion protection off (the table can be destroyed, the KMS
    /// key is deleted after 7 days instead of 30).
    #[arg(long, env = "TAP_THROWAWAY", hide_env_values = true)]
    pub throwaway: bool,

    /// Do not fail on security findings: write the configuration and the policy reports
    /// (policy-report.json, policy-report.sarif) all the same, print a summary and exit 0. For
    /// CI while rules are adopted; errors in the stack itself still fail. Also on when
    /// TAP_REPORT_ONLY is `1` or `true` (`0`, `false` or empty: off; anything else is an error).
    #[arg(long = "report-only")]
    pub report_only: bool,
}

/// Where the Terraform state lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateConfig {
    pub bucket: String,
    pub key: String,
    pub lock_table: String,
    /// Lock with `use_lockfile` (Terraform 1.11) instead of `lock_table`.
    pub lockfile: bool,
    /// Write `moved` blocks from the addresses before the components
    /// (Terraform 1.1) instead of leaving the moves to `terraform state mv`.
    pub moves: bool,
    pub region: String,
}

// The network's types are tap-aws's: the configuration hands them to the
// `PrivateNetwork` component as they are.
pub use tap_aws::network::{Cidr, NatLayout};

/// A checked configuration: everything the stack needs, nothing unchecked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub environment: String,
    pub region: String,
    pub zones: usize,
    pub vpc_cidr: Cidr,
    pub nat: NatLayout,
    pub state: StateConfig,
    pub alarm_email: Option<String>,
    /// The `owner` and `cost-center` tags of every resource.
    pub owner: String,
    pub cost_center: String,
    /// Methods without authorization (demo only).
    pub open_api: bool,
    /// Deletion protection off.
    pub throwaway: bool,
}

impl Default for Config {
    /// The development environment `cargo run -p tap-stack` synthesizes.
    fn default() -> Self {
        Config {
            environment: "dev".into(),
            region: "us-west-2".into(),
            zones: 2,
            vpc_cidr: Cidr { network: Ipv4Addr::new(10, 0, 0, 0), prefix: 16 },
            nat: NatLayout::PerZone,
            state: StateConfig {
                bucket: "tap-terraform-state".into(),
                key: "tap/dev/terraform.tfstate".into(),
                lock_table: "tap-terraform-locks".into(),
                lockfile: false,
                moves: false,
                region: "us-west-2".into(),
            },
            alarm_email: None,
            owner: "platform".into(),
            cost_center: "cc-1042".into(),
            open_api: false,
            throwaway: false,
        }
    }
}

impl Config {
    /// The IDs of the Availability Zones the stack uses: the first `zones` of the region.
    pub fn zone_ids(&self) -> &'static [&'static str] {
        let all = regions::zone_ids(&self.region).expect("BUG: the region of a checked configuration is known");
        &all[..self.zones.min(all.len())]
    }
}

/// A rejected value: which flag, what was given, what is accepted. Its
/// `Display` is the one line the command prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub flag: &'static str,
    pub env: &'static str,
    pub value: String,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: invalid {} (or {}) {:?}: {}", self.flag, self.env, self.value, self.problem)
    }
}

impl std::error::Error for ConfigError {}

impl Cli {
    /// How to synthesize: report-only when `--report-only` is given or
    /// `TAP_REPORT_ONLY` says so. The variable is read by [`env::report_only`],
    /// which the workspace's stack binaries share, and a value that is neither on nor
    /// off is an error even with the flag, so a typo never goes unnoticed.
    pub fn synth_options(&self) -> Result<SynthOptions, ConfigError> {
        let from_env = env::report_only().map_err(|e| ConfigError {
            flag: "--report-only",
            env: REPORT_ONLY_ENV,
            value: e.value,
            problem: format!("neither on nor off; accepted: {}", EnvError::ACCEPTED),
        })?;
        Ok(SynthOptions::default().report_only(from_env || self.report_only))
    }

    /// Checks every value; the first bad one is the error.
    pub fn into_config(self) -> Result<(Config, PathBuf), ConfigError> {
        let err = |flag: &'static str, env: &'static str, value: &str, problem: String| ConfigError { flag, env, value: value.to_owned(), problem };

        let environment = check_environment(&self.environment).map_err(|p| err("--env", "TAP_ENV", &self.environment, p))?;
        let region = check_region(&self.region).map_err(|p| err("--region", "TAP_REGION", &self.region, p))?;
        let zones = check_zones(&self.zones, &region).map_err(|p| err("--azs", "TAP_AZS", &self.zones, p))?;
        let vpc_cidr = check_cidr(&self.vpc_cidr).map_err(|p| err("--vpc-cidr", "TAP_VPC_CIDR", &self.vpc_cidr, p))?;
        let bucket = check_bucket(&self.state_bucket).map_err(|p| err("--state-bucket", "TAP_STATE_BUCKET", &self.state_bucket, p))?;
        let key = match &self.state_key {
            Some(k) => check_state_key(k).map_err(|p| err("--state-key", "TAP_STATE_KEY", k, p))?,
            None => format!("tap/{environment}/terraform.tfstate"),
        };
        let lock_table = check_lock_table(&self.lock_table).map_err(|p| err("--lock-table", "TAP_LOCK_TABLE", &self.lock_table, p))?;
        let lockfile = state_lockfile_from_env()? || self.state_lockfile;
        let moves = state_moves_from_env()? || self.state_moves;
        let state_region = match &self.state_region {
            Some(r) => check_region(r).map_err(|p| err("--state-region", "TAP_STATE_REGION", r, p))?,
            None => region.clone(),
        };
        let alarm_email = match &self.alarm_email {
            Some(e) => Some(check_email(e).map_err(|p| err("--alarm-email", "TAP_ALARM_EMAIL", e, p))?),
            None => None,
        };
        let owner = check_owner(&self.owner).map_err(|p| err("--owner", "TAP_OWNER", &self.owner, p))?;
        let cost_center = check_cost_center(&self.cost_center).map_err(|p| err("--cost-center", "TAP_COST_CENTER", &self.cost_center, p))?;
        let config = Config {
            environment,
            region,
            zones,
            vpc_cidr,
            nat: if self.single_nat { NatLayout::Single } else { NatLayout::PerZone },
            state: StateConfig { bucket, key, lock_table, lockfile, moves, region: state_region },
            alarm_email,
            owner,
            cost_center,
            open_api: self.demo_open_api,
            throwaway: self.throwaway,
        };
        Ok((config, self.out_dir))
    }
}

/// The environment variable that turns `--state-lockfile` on.
pub const STATE_LOCKFILE_ENV: &str = "TAP_STATE_LOCKFILE";

/// [`STATE_LOCKFILE_ENV`], read strictly like `TAP_REPORT_ONLY`: a value
/// that is neither on nor off is an error even with the flag, since a
/// typo would otherwise change how the state is locked.
fn state_lockfile_from_env() -> Result<bool, ConfigError> {
    env::env_flag(STATE_LOCKFILE_ENV).map(|on| on.unwrap_or(false)).map_err(lockfile_env_error)
}

/// The environment variable that turns `--state-moves` on.
pub const STATE_MOVES_ENV: &str = "TAP_STATE_MOVES";

/// [`STATE_MOVES_ENV`], read as strictly as [`STATE_LOCKFILE_ENV`].
fn state_moves_from_env() -> Result<bool, ConfigError> {
    env::env_flag(STATE_MOVES_ENV).map(|on| on.unwrap_or(false)).map_err(|e| ConfigError {
        flag: "--state-moves",
        env: STATE_MOVES_ENV,
        value: e.value,
        problem: format!("neither on nor off; accepted: {}", EnvError::ACCEPTED),
    })
}

fn lockfile_env_error(e: EnvError) -> ConfigError {
    ConfigError { flag: "--state-lockfile", env: STATE_LOCKFILE_ENV, value: e.value, problem: format!("neither on nor off; accepted: {}", EnvError::ACCEPTED) }
}

/// The longest environment name: the longest AWS name built from it
/// (`tap-apigw-cloudwatch-<env>`, an IAM role, 64 at most) keeps room to spare.
pub const MAX_ENV_LEN: usize = 20;

/// Lowercase letters, digits and single hyphens, starting with a letter:
/// the characters every name it suffixes accepts (S3 and IAM are the strictest).
pub fn check_environment(name: &str) -> Result<String, String> {
    const ACCEPTED: &str = "accepted: 1 to 20 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, no `--` (e.g. `dev`, `prod`, `pr-42`)";
    let ok = !name.is_empty()
        && name.len() <= MAX_ENV_LEN
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(name.to_owned())
    } else {
        Err(format!("AWS rejects it in some of the names it suffixes; {ACCEPTED}"))
    }
}

pub fn check_region(region: &str) -> Result<String, String> {
    if regions::zone_count(region).is_some() {
        return Ok(region.to_owned());
    }
    let names: Vec<&str> = regions::REGIONS.iter().map(|(name, _)| *name).collect();
    Err(format!("not an AWS region; accepted: {}", names.join(", ")))
}

/// At least 2 zones (one zone is no high availability), at most what the region has.
pub fn check_zones(text: &str, region: &str) -> Result<usize, String> {
    let max = regions::zone_count(region).expect("BUG: the region is checked before the zones");
    let accepted = format!("accepted: a whole number from 2 to {max} (the Availability Zones of {region})");
    match text.trim().parse::<usize>() {
        Ok(n) if (2..=max).contains(&n) => Ok(n),
        Ok(n) if n < 2 => Err(format!("at least 2 Availability Zones are needed for high availability; {accepted}")),
        Ok(_) => Err(format!("{region} has only {max} Availability Zones; {accepted}")),
        Err(_) => Err(format!("not a number; {accepted}")),
    }
}

/// A private IPv4 network, /16 to /24, written as its network address.
pub fn check_cidr(text: &str) -> Result<Cidr, String> {
    const ACCEPTED: &str = "accepted: a network address inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a prefix from /16 to /24, e.g. 10.0.0.0/16";
    let parsed = text.split_once('/').and_then(|(addr, prefix)| {
        let network = addr.parse::<Ipv4Addr>().ok()?;
        let prefix_ok = !prefix.is_empty() && prefix.len() <= 2 && prefix.bytes().all(|b| b.is_ascii_digit());
        let prefix = if prefix_ok { prefix.parse::<u8>().ok()? } else { return None };
        (prefix <= 32).then_some(Cidr { network, prefix })
    });
    let Some(cidr) = parsed else {
        return Err(format!("not an IPv4 CIDR block; {ACCEPTED}"));
    };
    if !(16..=24).contains(&cidr.prefix) {
        return Err(format!("a VPC of /{} does not fit the subnet layout; {ACCEPTED}", cidr.prefix));
    }
    if mask(u32::from(cidr.network), cidr.prefix) != u32::from(cidr.network) {
        let network = Ipv4Addr::from(mask(u32::from(cidr.network), cidr.prefix));
        return Err(format!("host bits are set (the network is {network}/{}); {ACCEPTED}", cidr.prefix));
    }
    let private = [
        Cidr { network: Ipv4Addr::new(10, 0, 0, 0), prefix: 8 },
        Cidr { network: Ipv4Addr::new(172, 16, 0, 0), prefix: 12 },
        Cidr { network: Ipv4Addr::new(192, 168, 0, 0), prefix: 16 },
    ];
    if !private.iter().any(|p| p.contains(&cidr)) {
        return Err(format!("not a private (RFC 1918) range; {ACCEPTED}"));
    }
    Ok(cidr)
}

/// S3 bucket naming rules (general purpose buckets).
pub fn check_bucket(name: &str) -> Result<String, String> {
    const ACCEPTED: &str = "accepted: 3 to 63 lowercase letters, digits, hyphens and dots, starting and ending with a letter or digit";
    let ok = (3..=63).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !name.contains("..")
        && name.parse::<Ipv4Addr>().is_err();
    if ok {
        Ok(name.to_owned())
    } else {
        Err(format!("not a valid S3 bucket name; {ACCEPTED}"))
    }
}

pub fn check_state_key(key: &str) -> Result<String, String> {
    let ok = !key.is_empty()
        && key.len() <= 1024
        && !key.starts_with('/')
        && !key.ends_with('/')
        && !key.split('/').any(|part| part.is_empty() || part == "." || part == "..")
        && !key.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok {
        Ok(key.to_owned())
    } else {
        Err("not a usable S3 object key; accepted: a path such as `tap/dev/terraform.tfstate` (no leading or trailing `/`, no empty, `.` or `..` segments, no spaces)".to_owned())
    }
}

/// DynamoDB table naming rules.
pub fn check_lock_table(name: &str) -> Result<String, String> {
    let ok = (3..=255).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err("not a valid DynamoDB table name; accepted: 3 to 255 letters, digits, `_`, `-` and `.`".to_owned())
    }
}

/// The `owner` tag: a team name as `org-policy.toml` (ORG-TAG-001) wants
/// it, checked here so a bad flag is one line and not a finding on every
/// resource.
pub fn check_owner(value: &str) -> Result<String, String> {
    const ACCEPTED: &str = "accepted: a lowercase team name, a letter then letters, digits and `-` (ORG-TAG-001 of org-policy.toml), such as `payments`";
    let mut chars = value.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && value.len() <= 256;
    if ok {
        Ok(value.to_owned())
    } else {
        Err(format!("not a team name; {ACCEPTED}"))
    }
}

/// The `cost-center` tag: `cc-` and four digits, as `org-policy.toml`
/// (ORG-TAG-002) wants it.
pub fn check_cost_center(value: &str) -> Result<String, String> {
    let digits = value.strip_prefix("cc-").unwrap_or_default();
    if digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err("not a cost center; accepted: `cc-` and four digits (ORG-TAG-002 of org-policy.toml), such as `cc-1042`".to_owned())
    }
}

/// A plain address `local@domain.tld`; quoted local parts, IP literals and
/// internationalized addresses, which SNS e-mail delivery handles poorly, are refused.
pub fn check_email(address: &str) -> Result<String, String> {
    const ACCEPTED: &str = "accepted: one address such as `oncall@example.com`";
    let bad = || Err(format!("not an e-mail address; {ACCEPTED}"));
    if address.len() > 254 || address.matches('@').count() != 1 {
        return bad();
    }
    let (local, domain) = address.split_once('@').expect("one `@`");
    const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    let local_ok = (1..=64).contains(&local.len())
        && local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !l.starts_with('-') && !l.ends_with('-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if local_ok && domain_ok {
        Ok(address.to_owned())
    } else {
        bad()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names() {
        for ok in ["dev", "prod", "pr-42", "a", "abcdefghij0123456789"] {
            assert!(check_environment(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Dev", "dev_1", "1dev", "dev-", "d--v", "dev.1", "dev 1", "abcdefghij0123456789x", "dév"] {
            assert!(check_environment(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zones_are_bounded_by_the_region() {
        assert_eq!(check_zones("2", "us-west-2"), Ok(2));
        assert_eq!(check_zones("4", "us-west-2"), Ok(4));
        assert!(check_zones("1", "us-west-2").unwrap_err().contains("at least 2"));
        assert!(check_zones("5", "us-west-2").unwrap_err().contains("only 4"));
        assert!(check_zones("3", "us-west-1").is_err());
        assert!(check_zones("two", "us-west-2").unwrap_err().contains("not a number"));
        assert!(check_zones("-2", "us-west-2").is_err());
    }

    #[test]
    fn cidrs() {
        assert_eq!(check_cidr("10.0.0.0/16").unwrap().to_string(), "10.0.0.0/16");
        assert_eq!(check_cidr("192.168.4.0/22").unwrap().to_string(), "192.168.4.0/22");
        for bad in ["10.0.0.0", "10.0.0/16", "10.0.0.0/33", "10.0.0.0/8", "10.0.0.0/28", "10.0.0.1/16", "8.8.0.0/16", "10.0.0.0/+16", "10.0.0.0/016", "300.0.0.0/16", "10.0.0.0/"] {
            assert!(check_cidr(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subnets_match_terraform_cidrsubnet() {
        let vpc = check_cidr("10.0.0.0/16").unwrap();
        assert_eq!(vpc.subnet(4, 0).to_string(), "10.0.0.0/20");
        assert_eq!(vpc.subnet(4, 1).to_string(), "10.0.16.0/20");
        assert_eq!(vpc.subnet(4, 8).to_string(), "10.0.128.0/20");
        let small = check_cidr("172.16.5.0/24").unwrap();
        assert_eq!(small.subnet(4, 15).to_string(), "172.16.5.240/28");
        assert!(vpc.contains(&vpc.subnet(4, 13)));
    }

    #[test]
    fn emails() {
        for ok in ["oncall@example.com", "first.last+tap@sub.example.co.uk", "a@b.io"] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in ["", "oncall", "oncall@", "@example.com", "a@@example.com", "a@b@example.com", "a b@example.com", "a@example", "a@-example.com", "a@example.c", ".a@example.com", "a..b@example.com", "a@exa_mple.com", "a@example.com\n"] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn buckets_keys_and_tables() {
        assert!(check_bucket("tap-terraform-state").is_ok());
        for bad in ["ab", "Tap-state", "tap_state", "-tap", "tap-", "tap..state", "192.168.1.1"] {
            assert!(check_bucket(bad).is_err(), "{bad}");
        }
        assert!(check_state_key("tap/dev/terraform.tfstate").is_ok());
        for bad in ["", "/tap", "tap/", "tap//x", "tap/../x", "tap dev"] {
            assert!(check_state_key(bad).is_err(), "{bad}");
        }
        assert!(check_lock_table("tap-terraform-locks").is_ok());
        assert!(check_lock_table("t!").is_err());
    }

    #[test]
    fn the_default_config_is_what_no_arguments_give() {
        let cli = Cli::try_parse_from(["tap-stack"]).unwrap();
        let (config, out) = cli.into_config().unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(out, PathBuf::from("cdktf.out"));
    }

    #[test]
    fn a_bad_state_lockfile_value_names_the_flag_and_what_is_accepted() {
        let e = lockfile_env_error(env::parse_flag(STATE_LOCKFILE_ENV, "yes").unwrap_err()).to_string();
        assert_eq!(e, "error: invalid --state-lockfile (or TAP_STATE_LOCKFILE) \"yes\": neither on nor off; accepted: `1` or `true` (on), `0`, `false` or empty (off)");
    }

    #[test]
    fn the_state_moves_flag_turns_the_moved_blocks_on() {
        let (config, _) = Cli::try_parse_from(["tap-stack", "--state-moves"]).unwrap().into_config().unwrap();
        assert_eq!(config.state, StateConfig { moves: true, ..Config::default().state });
    }

    #[test]
    fn the_state_lockfile_flag_switches_the_locking() {
        let (config, _) = Cli::try_parse_from(["tap-stack", "--state-lockfile"]).unwrap().into_config().unwrap();
        assert!(config.state.lockfile);
        assert_eq!(config.state, StateConfig { lockfile: true, ..Config::default().state });
    }

    #[test]
    fn errors_are_one_line_naming_the_flag() {
        let cli = Cli::try_parse_from(["tap-stack", "--region", "us-west-9"]).unwrap();
        let e = cli.into_config().unwrap_err().to_string();
        assert!(e.starts_with("error: invalid --region (or TAP_REGION) \"us-west-9\": not an AWS region; accepted: "), "{e}");
        assert!(!e.contains('\n'));
    }
}
