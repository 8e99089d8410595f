//! Report-only mode: a stack that fails the policy is written whole, with
//! every finding in `policy-report.json` and `policy-report.sarif`, and the
//! binary exits 0; without the mode nothing is written. The stack is
//! `src/bin/insecure-stack.rs`, a binary built on `tap::synth` alone, as any
//! stack binary can be.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as J;

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insecure-stack"));
    cmd.current_dir(dir).env_remove("TAP_REPORT_ONLY").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn read_json(path: &Path) -> J {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// The directory `file!()` paths are relative to: `%SRCROOT%`.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The rows every report-only run must record: (rule, address, attribute, state).
const ROWS: &[(&str, &str, &str, &str)] = &[
    ("TAP-LMB-002", "aws_lambda_function.api", "vpc_config[0].subnet_ids[0]", "unknown"),
    ("TAP-LOG-001", "aws_cloudwatch_log_group.app", "retention_in_days", "non_compliant"),
    ("TAP-LOG-001", "aws_cloudwatch_log_group.audit", "", "suppressed"),
    ("TAP-SQS-001", "aws_sqs_queue.jobs", "", "non_compliant"),
];

#[test]
fn without_the_mode_policy_failures_exit_1_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for env in [&[][..], &[("TAP_REPORT_ONLY", "0")], &[("TAP_REPORT_ONLY", "false")], &[("TAP_REPORT_ONLY", "")]] {
        let out = run(tmp.path(), &["out"], env);
        assert_eq!(out.status.code(), Some(1), "{env:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("nothing was written"), "{}", text(&out.stderr));
        assert!(!tmp.path().join("out").exists(), "{env:?} wrote something");
    }
}

#[test]
fn report_only_writes_every_finding_and_exits_0() {
    for (args, env) in [(&["--report-only", "out"][..], &[][..]), (&["out"], &[("TAP_REPORT_ONLY", "1")]), (&["out"], &[("TAP_REPORT_ONLY", "true")])] {
        let tmp = tempfile::tempdir().unwrap();
        let out = run(tmp.path(), args, env);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?} {env:?}: {}", text(&out.stderr));
        let dir = tmp.path().join("out/stacks/insecure");
        let files: BTreeSet<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(files, ["cdk.tf.json", "policy-report.json", "policy-report.sarif", "versions.tf.json"].map(String::from).into(), "{args:?}");
        // No staging or retired directory left beside it.
        assert_eq!(std::fs::read_dir(tmp.path().join("out/stacks")).unwrap().count(), 1);

        // The summary: counts, each failure at its line, where the reports are.
        assert!(stdout.contains("policy: 3 failure(s), 1 suppressed, 1 rejected suppression(s)"), "{stdout}");
        assert!(stdout.contains("[TAP-LOG-001] aws_cloudwatch_log_group.app.retention_in_days"), "{stdout}");
        assert!(stdout.contains("--> tests/src/bin/insecure-stack.rs:"), "{stdout}");
        assert!(stdout.contains("REPORT-ONLY"), "{stdout}");
        assert!(stdout.contains(&format!("reports: {}, {}", Path::new("out/stacks/insecure/policy-report.json").display(), Path::new("out/stacks/insecure/policy-report.sarif").display())), "{stdout}");

        // policy-report.json: every row, with its source where it has one.
        let report = read_json(&dir.join("policy-report.json"));
        assert_eq!(report["failures"], 3);
        assert_eq!(report["suppressed"], 1);
        let mut rows = Vec::new();
        for (rule, entries) in report["findings"].as_object().unwrap() {
            for e in entries.as_array().unwrap() {
                rows.push((rule.clone(), e["address"].as_str().unwrap().to_owned(), e["attribute"].as_str().unwrap().to_owned(), e["state"].as_str().unwrap().to_owned()));
                let plain_code = e["address"] == "aws_sqs_queue.jobs";
                assert_eq!(e.get("source").is_none(), plain_code, "{e}");
                if !plain_code {
                    assert_eq!(e["source"]["file"], "tests/src/bin/insecure-stack.rs");
                }
            }
        }
        let want: Vec<_> = ROWS.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
        assert_eq!(rows, want);
        let rejected = report["suppression_errors"].as_array().unwrap();
        assert_eq!(rejected.len(), 1);
        assert!(rejected[0]["message"].as_str().unwrap().contains("`TAP-SNS-001` matches no finding"), "{}", rejected[0]);

        // policy-report.sarif: the same rows, in the same order.
        let sarif = read_json(&dir.join("policy-report.sarif"));
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let got: Vec<_> = results
            .iter()
            .map(|r| (r["ruleId"].as_str().unwrap().to_owned(), r["properties"]["address"].as_str().unwrap().to_owned(), r["properties"]["attribute"].as_str().unwrap().to_owned(), r["properties"]["state"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(results.iter().filter(|r| r.get("suppressions").is_some()).count(), 1);
        assert_eq!(sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"].as_array().unwrap().len(), 1);

        // The configuration is written, and says that it fails the policy.
        let config = read_json(&dir.join("cdk.tf.json"));
        let failures = config["//"]["tap"]["report_only_failures"].as_array().unwrap();
        assert_eq!(failures.len(), 3);
        assert_eq!(failures[1], serde_json::json!({ "rule": "TAP-LOG-001", "address": "aws_cloudwatch_log_group.app", "attribute": "retention_in_days" }));
        assert_eq!(config["resource"]["aws_cloudwatch_log_group"]["app"]["retention_in_days"], 0);
    }
}

#[test]
fn every_sarif_line_holds_the_resource_macro_of_its_resource() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["--report-only", "out"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sarif = read_json(&tmp.path().join("out/stacks/insecure/policy-report.sarif"));
    let mut checked = 0;
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let address = result["properties"]["address"].as_str().unwrap();
        let Some(physical) = result["locations"][0].get("physicalLocation") else {
            assert_eq!(address, "aws_sqs_queue.jobs", "only the queue built in plain code has no Rust line");
            continue;
        };
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let file = workspace_root().join(physical["artifactLocation"]["uri"].as_str().unwrap());
        let line = physical["region"]["startLine"].as_u64().unwrap() as usize;
        let source = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let text = source.lines().nth(line - 1).unwrap_or_else(|| panic!("{}:{line} does not exist", file.display()));
        let (type_name, name) = address.split_once('.').unwrap();
        assert!(text.contains(&format!("resource!({type_name}.{name} ")), "{}:{line} is `{text}`, not the `resource!` of {address}", file.display());
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn a_bad_report_only_value_exits_2_naming_the_variable() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["yes", "on", "2"] {
        let out = run(tmp.path(), &["out"], &[("TAP_REPORT_ONLY", bad)]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.starts_with(&format!("error: `TAP_REPORT_ONLY` is \"{bad}\"")), "{stderr}");
        assert!(stderr.contains("help: set it to one of `1` or `true` (on), `0`, `false` or empty (off)"), "{stderr}");
        assert!(!tmp.path().join("out").exists());
    }
}

#[test]
fn report_only_does_not_let_an_invalid_stack_through() {
    use tap::prelude::*;
    use tap::synth::{synthesize_to_with, SynthError, SynthOptions};
    // A resource without schema facts cannot be checked: a validation error.
    let mut stack = Stack::new("broken");
    stack.add(Resource::new(Address::resource("aws_sqs_queue", "jobs")));
    let tmp = tempfile::tempdir().unwrap();
    let err = synthesize_to_with(&stack, tmp.path(), &SynthOptions::default().report_only(true)).unwrap_err();
    assert!(matches!(err, SynthError::Validation(_)), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "something was written");
}

#[test]
fn report_only_changes_nothing_for_a_stack_that_passes() {
    use tap::synth::{synthesize, synthesize_with, SynthOptions};
    let stack = tap_stack::build(&tap_stack::Config::default());
    let plain = synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    let reporting = synthesize_with(&stack, &SynthOptions::default().report_only(true)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plain.files, reporting.files);
    assert!(!reporting.policy_fails());
}
