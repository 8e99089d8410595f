//! The same rules run at synthesis on values the compiler could not see,
//! fail closed on values only Terraform knows, and keep suppressions visible.

use tap::prelude::*;
use tap::synth::{synthesize, synthesize_to, SynthError};
use tap::policy::SuppressionError;

/// Log retention and the Lambda's subnets come from configuration.
struct Configured {
    retention_days: i64,
    lambda_subnets: Vec<String>,
}

#[stack(name = "configured")]
impl Configured {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        let _logs = resource!(aws_cloudwatch_log_group.app {
            name: "/app",
            retention_in_days: self.retention_days,
            kms_key_id: key.arn,
        });
        let _f = resource!(aws_lambda_function.api {
            function_name: "api",
            role: "arn:aws:iam::123456789012:role/api",
            runtime: "python3.12",
            handler: "handler.handler",
            filename: "api.zip",
            vpc_config { subnet_ids: self.lambda_subnets.clone(), security_group_ids: ["sg-0123"] }
        });
    }
}

fn failure_text(err: SynthError) -> String {
    match err {
        SynthError::Policy { .. } | SynthError::Validation(_) => err.to_string(),
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn a_run_time_value_that_breaks_a_rule_fails_synthesis() {
    let stack = Configured { retention_days: 0, lambda_subnets: vec![] }.build();
    let text = failure_text(synthesize(&stack).unwrap_err());
    assert!(text.contains("[TAP-LOG-001] aws_cloudwatch_log_group.app.retention_in_days"), "{text}");
    assert!(text.contains("[TAP-LMB-001] aws_lambda_function.api"), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
}

#[test]
fn subnets_only_terraform_knows_fail_closed() {
    // Subnet ids from outside the stack: tap cannot tell whether they are public.
    let stack = Configured { retention_days: 30, lambda_subnets: vec!["subnet-0abc".into()] }.build();
    let text = failure_text(synthesize(&stack).unwrap_err());
    assert!(text.contains("[TAP-LMB-002]"), "{text}");
}

#[test]
fn a_run_time_value_of_the_wrong_kind_is_a_schema_error_at_synthesis() {
    struct WrongKind;
    #[stack]
    impl WrongKind {
        fn define(&self, stack: &mut Stack) {
            let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
            let _logs = resource!(aws_cloudwatch_log_group.app {
                name: "/app",
                retention_in_days: String::from("thirty"),
                kms_key_id: key.arn,
            });
        }
    }
    let text = failure_text(synthesize(&WrongKind.build()).unwrap_err());
    assert!(text.contains("`aws_cloudwatch_log_group.app.retention_in_days`: `retention_in_days` of `aws_cloudwatch_log_group` expects a number, found a string"), "{text}");
}

/// A stack whose one finding is suppressed with a reason.
struct Suppressed;

#[stack(name = "suppressed")]
impl Suppressed {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        let _logs = resource!(aws_cloudwatch_log_group.audit {
            #[suppress("TAP-LOG-001", reason = "audit logs are kept forever by regulation")]
            name: "/audit",
            kms_key_id: key.arn,
        });
    }
}

#[test]
fn suppressions_are_written_where_reviewers_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let (written, out) = synthesize_to(&Suppressed.build(), dir.path()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(written.join("cdk.tf.json")).unwrap()).unwrap();
    let stack_list = &doc["//"]["tap"]["suppressions"];
    assert_eq!(stack_list[0]["rule"], "TAP-LOG-001");
    assert_eq!(stack_list[0]["address"], "aws_cloudwatch_log_group.audit");
    assert_eq!(stack_list[0]["reason"], "audit logs are kept forever by regulation");
    let own = &doc["resource"]["aws_cloudwatch_log_group"]["audit"]["//"]["tap_suppressions"];
    assert_eq!(own[0]["rule"], "TAP-LOG-001");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(written.join("policy-report.json")).unwrap()).unwrap();
    assert_eq!(report["findings"]["TAP-LOG-001"][0]["state"], "suppressed");
    assert_eq!(report["suppressed"], 1);
    assert_eq!(report["failures"], 0);
    assert_eq!(out.report.suppressed().count(), 1);
}

#[test]
fn bad_suppressions_added_at_run_time_are_rejected_at_synthesis() {
    let mut stack = Suppressed.build();
    stack.policy.suppress(Suppression::new("TAP-LOG-01", "a reason long enough"));
    stack.policy.suppress(Suppression::new("TAP-KMS-001", "ok"));
    stack.policy.suppress(Suppression::new("TAP-SNS-001", "there is no topic in this stack at all"));
    let text = failure_text(synthesize(&stack).unwrap_err());
    assert!(text.contains("stack-wide suppression names unknown rule `TAP-LOG-01`\n  help: did you mean `TAP-LOG-001`?"), "{text}");
    assert!(text.contains("stack-wide suppression of `TAP-KMS-001`: the reason must say why"), "{text}");
    assert!(text.contains("stack-wide suppression of `TAP-SNS-001` matches no finding\n  help: remove it: every resource complies"), "{text}");
}

#[test]
fn a_suppression_of_a_rule_that_never_looks_at_the_type_is_rejected_at_synthesis() {
    let mut stack = Suppressed.build();
    // The macros reject this on a `resource!`; a resource built in code is held to the same check.
    let log_group = stack.resources.iter_mut().find(|r| r.type_name() == "aws_cloudwatch_log_group").unwrap();
    log_group.suppressions.push(Suppression::new("TAP-S3-002", "the bucket hosts a public website"));
    let Err(SynthError::Policy { report }) = synthesize(&stack) else { panic!("a suppression that cannot apply must fail synthesis") };
    let problem = &report.suppression_errors[0];
    assert!(
        matches!(&problem.error, SuppressionError::NotApplicable { rule_id, type_name, .. } if rule_id == "TAP-S3-002" && type_name == "aws_cloudwatch_log_group"),
        "{problem:?}"
    );
    assert!(matches!(&problem.on, tap::policy::SuppressionSite::Resource(a) if a.to_string() == "aws_cloudwatch_log_group.audit"), "{problem:?}");
    assert_eq!(
        problem.to_string(),
        "`aws_cloudwatch_log_group.audit`: rule `TAP-S3-002` does not apply to `aws_cloudwatch_log_group`, so this suppression can never match\n  help: `TAP-S3-002` checks `aws_s3_bucket`"
    );
}

#[test]
fn an_unknown_pack_fails_synthesis_instead_of_switching_rules_off() {
    let mut stack = Suppressed.build();
    stack.policy.packs = vec!["securty".into()];
    let err = synthesize(&stack).unwrap_err();
    assert!(matches!(&err, SynthError::UnknownPack(p) if p.name == "securty"), "{err:?}");
    assert!(err.to_string().contains("unknown pack `securty`") && err.to_string().contains("accepted packs: `security`, `serverless`"), "{err}");
}

/// A key read from configuration: a literal once the stack runs.
struct KeyFromConfig {
    key_pem: String,
}

#[stack(name = "key_from_config")]
impl KeyFromConfig {
    fn define(&self, stack: &mut Stack) {
        let _ca = resource!(tls_self_signed_cert.ca {
            private_key_pem: self.key_pem.clone(),
            validity_period_hours: 12,
            allowed_uses: ["cert_signing"],
        });
    }
}

#[test]
fn a_run_time_secret_is_a_literal_at_synthesis_and_is_never_shown() {
    let secret = "-----BEGIN PRIVATE KEY-----hunter2";
    let stack = KeyFromConfig { key_pem: secret.into() }.build();
    let text = failure_text(synthesize(&stack).unwrap_err());
    assert!(text.contains("[TAP-SEC-001] tls_self_signed_cert.ca.private_key_pem"), "{text}");
    assert!(!text.contains("hunter2"), "the error shows the secret: {text}");

    // Report-only: the configuration is written (with the secret, as asked), the reports and the summary are not.
    let dir = std::env::temp_dir().join(format!("tap-secret-{}", std::process::id()));
    let options = tap::synth::SynthOptions::default().report_only(true);
    let (written, out) = tap::synth::synthesize_to_with(&stack, &dir, &options).unwrap_or_else(|e| panic!("{e}"));
    let summary = tap::synth::policy_summary(&out, &written);
    assert!(summary.contains("TAP-SEC-001") && !summary.contains("hunter2"), "{summary}");
    for report in [tap::synth::REPORT_JSON, tap::synth::REPORT_SARIF] {
        let body = std::fs::read_to_string(written.join(report)).unwrap();
        assert!(body.contains("TAP-SEC-001") && !body.contains("hunter2"), "{report} shows the secret");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
