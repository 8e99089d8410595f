//! The `tap-stack` command: defaults, flags and environment variables,
//! exit codes, one-line errors, and that a rejected run writes nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// The command with no `TAP_*` variable from the caller's environment.
fn command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tap-stack"));
    cmd.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("TAP_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(dir);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn no_arguments_writes_the_default_development_stack_to_cdktf_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &[], &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stack = tmp.path().join("cdktf.out/stacks/tap-items-dev");
    for file in ["cdk.tf.json", "versions.tf.json", "policy-report.json", "policy-report.sarif", "assets/items.zip"] {
        assert!(stack.join(file).is_file(), "{file} missing");
    }
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("wrote cdktf.out/stacks/tap-items-dev"), "{stdout}");
    assert!(stdout.contains("us-west-2") && stdout.contains("2 Availability Zones"), "{stdout}");
    assert!(stdout.contains("aws_lambda_function") && stdout.contains("0 failures"), "{stdout}");
    assert!(stdout.lines().count() <= 45, "the summary is longer than a screen:\n{stdout}");
    assert!(!stdout.contains("WARNING"));
    // A second run writes the same bytes, zip included.
    let before = snapshot(&tmp.path().join("cdktf.out"));
    let again = run(tmp.path(), &[], &[]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(snapshot(&tmp.path().join("cdktf.out")), before);
}

/// A rejected run: arguments, environment, and the flag the message must name.
type BadCase = (&'static [&'static str], &'static [(&'static str, &'static str)], &'static str);

const BAD: &[BadCase] = &[
    (&["--region", "us-west-9"], &[], "--region"),
    (&[], &[("TAP_REGION", "mars-north-1")], "--region"),
    (&["--azs", "1"], &[], "--azs"),
    (&["--azs", "5"], &[], "--azs"),
    (&["--region", "us-west-1", "--azs", "3"], &[], "--azs"),
    (&["--azs", "two"], &[], "--azs"),
    (&["--vpc-cidr", "10.0.0/16"], &[], "--vpc-cidr"),
    (&["--vpc-cidr", "10.0.0.0/33"], &[], "--vpc-cidr"),
    (&["--vpc-cidr", "10.0.0.1/16"], &[], "--vpc-cidr"),
    (&["--vpc-cidr", "8.8.0.0/16"], &[], "--vpc-cidr"),
    (&["--env", "Dev_1"], &[], "--env"),
    (&["--env", "dev env"], &[], "--env"),
    (&[], &[("TAP_ENV", "prod!")], "--env"),
    (&["--alarm-email", "not-an-address"], &[], "--alarm-email"),
    (&["--alarm-email", "oncall@example"], &[], "--alarm-email"),
    (&["--state-bucket", "Bad_Bucket"], &[], "--state-bucket"),
    (&["--state-region", "moon-1"], &[], "--state-region"),
    (&["--owner", ""], &[], "--owner"),
    (&["--owner", "Payments Team"], &[], "--owner"),
    (&[], &[("TAP_COST_CENTER", "cc-42")], "--cost-center"),
    (&[], &[("TAP_REPORT_ONLY", "yes")], "TAP_REPORT_ONLY"),
    (&["--report-only"], &[("TAP_REPORT_ONLY", "maybe")], "TAP_REPORT_ONLY"),
    (&[], &[("TAP_STATE_LOCKFILE", "yes")], "--state-lockfile"),
    (&["--state-lockfile"], &[("TAP_STATE_LOCKFILE", "on")], "TAP_STATE_LOCKFILE"),
];

#[test]
fn every_bad_value_exits_2_with_one_line_naming_the_flag_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // An earlier, good run: its output must survive every bad one untouched.
    let first = run(tmp.path(), &["--out-dir", "out"], &[]);
    assert_eq!(first.status.code(), Some(0));
    let before = snapshot(&tmp.path().join("out"));
    assert!(before.len() >= 4);

    for (args, env, flag) in BAD {
        let mut all = vec!["--out-dir", "out"];
        all.extend_from_slice(args);
        let out = run(tmp.path(), &all, env);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: exit code; stderr: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?} {env:?}: not one line:\n{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(flag), "{args:?} {env:?}: `{flag}` not named in: {stderr}");
        assert!(stderr.contains("accepted"), "{args:?}: does not say what is accepted: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: printed {}", text(&out.stdout));
        assert_eq!(snapshot(&tmp.path().join("out")), before, "{args:?} {env:?} changed the earlier output");
    }
    // Nothing else appeared either (no default cdktf.out, no staging directory).
    let entries: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("out")]);
}

#[test]
fn an_unknown_flag_exits_2_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--regoin", "us-west-2"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--regoin"), "{stderr}");
    assert!(!tmp.path().join("cdktf.out").exists());
}

#[test]
fn help_explains_every_flag_and_its_environment_variable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--help"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for (flag, env) in [
        ("--env", "TAP_ENV"),
        ("--region", "TAP_REGION"),
        ("--azs", "TAP_AZS"),
        ("--vpc-cidr", "TAP_VPC_CIDR"),
        ("--single-nat", "TAP_SINGLE_NAT"),
        ("--state-bucket", "TAP_STATE_BUCKET"),
        ("--state-key", "TAP_STATE_KEY"),
        ("--lock-table", "TAP_LOCK_TABLE"),
        ("--state-region", "TAP_STATE_REGION"),
        ("--alarm-email", "TAP_ALARM_EMAIL"),
        ("--owner", "TAP_OWNER"),
        ("--cost-center", "TAP_COST_CENTER"),
        ("--out-dir", "TAP_OUT_DIR"),
        ("--demo-open-api", "TAP_DEMO_OPEN_API"),
        ("--throwaway", "TAP_THROWAWAY"),
        ("--report-only", "TAP_REPORT_ONLY"),
        ("--state-lockfile", "TAP_STATE_LOCKFILE"),
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
        assert!(help.contains(env), "--help does not mention {env}");
    }
    assert!(!tmp.path().join("cdktf.out").exists());
}

fn resources<'a>(doc: &'a serde_json::Value, type_name: &str) -> Vec<&'a serde_json::Value> {
    doc["resource"].get(type_name).and_then(|m| m.as_object()).map(|m| m.values().collect()).unwrap_or_default()
}

#[test]
fn flags_and_environment_variables_configure_the_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(
        tmp.path(),
        &["--single-nat", "--azs", "3", "--alarm-email", "oncall@example.com", "--throwaway", "--out-dir", "flags"],
        &[("TAP_ENV", "qa"), ("TAP_REGION", "eu-west-1"), ("TAP_VPC_CIDR", "172.16.0.0/20")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(tmp.path().join("flags/stacks/tap-items-qa/cdk.tf.json")).unwrap()).unwrap();
    assert_eq!(resources(&doc, "aws_nat_gateway").len(), 1);
    assert_eq!(resources(&doc, "aws_subnet").len(), 6);
    assert_eq!(resources(&doc, "aws_vpc")[0]["cidr_block"], "172.16.0.0/20");
    assert_eq!(doc["provider"]["aws"][0]["region"], "eu-west-1");
    assert_eq!(doc["terraform"]["backend"]["s3"]["key"], "tap/qa/terraform.tfstate");
    assert_eq!(doc["terraform"]["backend"]["s3"]["region"], "eu-west-1");
    assert_eq!(resources(&doc, "aws_sns_topic_subscription")[0]["endpoint"], "oncall@example.com");
    assert_eq!(resources(&doc, "aws_dynamodb_table")[0]["deletion_protection_enabled"], false);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ONE NAT gateway") && stdout.contains("THROWAWAY"), "{stdout}");
}

#[test]
fn state_lockfile_locks_with_use_lockfile_and_requires_terraform_1_11() {
    for (args, env) in [(&["--state-lockfile"][..], &[][..]), (&[], &[("TAP_STATE_LOCKFILE", "true")])] {
        let tmp = tempfile::tempdir().unwrap();
        let out = run(tmp.path(), args, env);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stack = tmp.path().join("cdktf.out/stacks/tap-items-dev");
        let doc = read_json(&stack.join("cdk.tf.json"));
        let s3 = &doc["terraform"]["backend"]["s3"];
        assert_eq!(s3["use_lockfile"], true, "{s3}");
        assert!(s3.get("dynamodb_table").is_none(), "{s3}");
        assert_eq!(read_json(&stack.join("versions.tf.json"))["terraform"]["required_version"], ">= 1.11.0");
        assert!(text(&out.stdout).contains("locked by a lock file beside it"), "{}", text(&out.stdout));
    }
    // Off, as by default: DynamoDB locking and Terraform 1.0.
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &[], &[("TAP_STATE_LOCKFILE", "0")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stack = tmp.path().join("cdktf.out/stacks/tap-items-dev");
    assert_eq!(read_json(&stack.join("cdk.tf.json"))["terraform"]["backend"]["s3"]["dynamodb_table"], "tap-terraform-locks");
    assert_eq!(read_json(&stack.join("versions.tf.json"))["terraform"]["required_version"], ">= 1.0.0");
}

#[test]
fn single_nat_routes_all_private_route_tables_through_one_gateway() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--single-nat", "--azs", "4", "--out-dir", "o"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(tmp.path().join("o/stacks/tap-items-dev/cdk.tf.json")).unwrap()).unwrap();
    let nats = doc["resource"]["aws_nat_gateway"].as_object().unwrap();
    assert_eq!(nats.len(), 1);
    let nat = format!("${{aws_nat_gateway.{}.id}}", nats.keys().next().unwrap());
    let nat_routes: Vec<_> = resources(&doc, "aws_route").into_iter().filter(|r| r.get("nat_gateway_id").is_some()).collect();
    assert_eq!(nat_routes.len(), 4);
    assert!(nat_routes.iter().all(|r| r["nat_gateway_id"] == nat.as_str()));
}

#[test]
fn the_demo_flag_warns_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--demo-open-api"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("WARNING: --demo-open-api"), "{stdout}");
    assert!(stdout.contains("suppressed [TAP-APG-003]"), "{stdout}");
    assert!(stdout.trim_end().ends_with("never for real data."), "{stdout}");
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// The directory `file!()` paths are relative to: SARIF's `%SRCROOT%`.
fn workspace_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

#[test]
fn report_only_writes_every_finding_and_exits_0() {
    for (args, env) in [(&["--demo-open-api", "--report-only"][..], &[][..]), (&["--demo-open-api"], &[("TAP_REPORT_ONLY", "1")])] {
        let tmp = tempfile::tempdir().unwrap();
        let out = run(tmp.path(), args, env);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?} {env:?}: {}", text(&out.stderr));
        let dir = tmp.path().join("cdktf.out/stacks/tap-items-dev");
        let report = read_json(&dir.join("policy-report.json"));
        let sarif = read_json(&dir.join("policy-report.sarif"));
        assert!(dir.join("cdk.tf.json").is_file() && dir.join("assets/items.zip").is_file());
        // Every finding of the JSON report is a SARIF result, suppressed with its reason.
        let rows: Vec<&serde_json::Value> = report["findings"].as_object().unwrap().values().flat_map(|v| v.as_array().unwrap()).collect();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert!(rows.len() >= 6, "the open API should have a suppressed finding per method: {report}");
        assert_eq!(results.len(), rows.len());
        for (row, result) in rows.iter().zip(results) {
            assert_eq!(result["properties"]["address"], row["address"]);
            assert_eq!(result["suppressions"][0]["justification"], row["reason"]);
            assert_eq!(result["suppressions"][0]["kind"], "inSource");
            assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], row["source"]["file"]);
            assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], row["source"]["line"]);
        }
        let stack_dir = Path::new("cdktf.out").join("stacks").join("tap-items-dev");
        let reports = format!("reports: {}, {}", stack_dir.join("policy-report.json").display(), stack_dir.join("policy-report.sarif").display());
        assert!(stdout.contains(&reports), "{stdout}");
        // Nothing fails, so nothing is said about not blocking.
        assert!(!stdout.contains("REPORT-ONLY"), "{stdout}");
    }
}

#[test]
fn every_sarif_location_is_the_line_of_the_resource_macro() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--demo-open-api", "--report-only"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sarif = read_json(&tmp.path().join("cdktf.out/stacks/tap-items-dev/policy-report.sarif"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let address = result["properties"]["address"].as_str().unwrap();
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%", "{result}");
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        let file = workspace_root().join(uri);
        let line = physical["region"]["startLine"].as_u64().unwrap() as usize;
        let source = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{uri} (for {address}): {e}"));
        let text = source.lines().nth(line - 1).unwrap_or_else(|| panic!("{uri}:{line} does not exist"));
        // `resource!(aws_api_gateway_method.health_get {`, or for one made in
        // a loop `resource!(aws_subnet.private[i] {` (address `aws_subnet.private_0`).
        let (type_name, name) = address.split_once('.').unwrap();
        let declared = text.split_once("resource!(").map(|(_, rest)| rest.split(|c: char| c.is_whitespace() || c == '[' || c == '{').next().unwrap_or(""));
        let Some((declared_type, declared_name)) = declared.and_then(|d| d.split_once('.')) else {
            panic!("{uri}:{line} is `{text}`, which holds no `resource!` (for {address})")
        };
        assert_eq!(declared_type, type_name, "{uri}:{line} declares another type than {address}");
        // Inside a component the name has the instance's prefix: `api_route_health_get` for `route[...]` in the instance `api`.
        let is_declared = |n: &str| n == declared_name || n.starts_with(&format!("{declared_name}_"));
        let named = is_declared(name) || name.match_indices('_').any(|(i, _)| is_declared(&name[i + 1..]));
        assert!(named, "{uri}:{line} declares `{declared_name}`, not {address}");
    }
}

#[test]
fn owner_and_cost_center_become_the_tags_the_organisation_policy_requires() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--owner", "payments"], &[("TAP_COST_CENTER", "cc-7001")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let config = read_json(&tmp.path().join("cdktf.out/stacks/tap-items-dev/cdk.tf.json"));
    let tags = &config["provider"]["aws"][0]["default_tags"][0]["tags"];
    assert_eq!(tags["owner"], "payments");
    assert_eq!(tags["cost-center"], "cc-7001");
}
