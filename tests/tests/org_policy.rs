//! An organisation policy at synthesis: its rules run again on the values
//! only known when the stack runs (configuration, default tags set in
//! code), rules written in Rust run beside them with the same findings,
//! suppressions and report, and the policy's unsuppressible rules hold for
//! suppressions built in code too.

use tap::graph::{Graph, Resource};
use tap::policy::{Finding, Outcome, PolicyRule, SuppressionError};
use tap::prelude::*;
use tap::synth::{synthesize, SynthError};
use tap::value::Value;

/// Log retention and the provider's default tags come from configuration.
struct Configured {
    retention_days: i64,
    cost_center: Option<&'static str>,
}

#[stack(name = "configured", policy = "policies/org-policy.toml")]
impl Configured {
    fn define(&self, stack: &mut Stack) {
        let mut aws = Provider::aws("eu-west-1");
        if let Some(cc) = self.cost_center {
            aws = aws.default_tag("cost-center", cc);
        }
        stack.provider(aws);
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        let _logs = resource!(aws_cloudwatch_log_group.app {
            name: "/app",
            retention_in_days: self.retention_days,
            kms_key_id: key.arn,
        });
        let _alias = resource!(aws_kms_alias.logs {
            #[suppress("ACME-NAME-002", reason = "aliases follow the key's purpose, agreed with the platform team")]
            name: "alias/team-logs",
            target_key_id: key.key_id,
        });
    }
}

/// The stack with the organisation's naming rule, written in Rust,
/// registered on its policy.
fn defined(stack: &Configured) -> DefinedStack {
    let mut defined = stack.build();
    defined.policy.rule(AliasPrefix);
    defined
}

fn failure(err: SynthError) -> String {
    match err {
        SynthError::Policy { .. } => err.to_string(),
        other => panic!("unexpected error: {other}"),
    }
}

/// The `--acme` naming rule, in Rust: every KMS alias is `alias/acme-...`.
struct AliasPrefix;

impl PolicyRule for AliasPrefix {
    fn id(&self) -> &str {
        "ACME-NAME-002"
    }

    fn resource_types(&self) -> Vec<&str> {
        vec!["aws_kms_alias"]
    }

    fn message(&self) -> &str {
        "the KMS alias does not start with `alias/acme-`"
    }

    fn fix(&self) -> &str {
        "name the alias `alias/acme-<purpose>`"
    }

    fn check(&self, resource: &Resource, _graph: &Graph) -> Outcome {
        match resource.body.get("name") {
            Some(Value::Str(name)) if name.starts_with("alias/acme-") => Outcome::Compliant,
            Some(Value::Str(name)) => Outcome::NonCompliant(vec![Finding::at("name").with_detail(format!("`name` is `{name}`"))]),
            _ => Outcome::Unknown(Finding::at("name")),
        }
    }
}

/// Every resource's logical name is snake case (here: never `logs`).
struct NoLogsName;

impl PolicyRule for NoLogsName {
    fn id(&self) -> &str {
        "ACME-NAME-001"
    }

    fn resource_types(&self) -> Vec<&str> {
        vec!["aws_*"]
    }

    fn message(&self) -> &str {
        "the resource is named after its type"
    }

    fn fix(&self) -> &str {
        "name the resource after what it holds"
    }

    fn check(&self, resource: &Resource, _graph: &Graph) -> Outcome {
        if resource.address.name == "logs" {
            Outcome::NonCompliant(vec![Finding::at("")])
        } else {
            Outcome::Compliant
        }
    }
}

#[test]
fn run_time_values_are_checked_by_the_same_rules_at_synthesis() {
    let compliant = Configured { retention_days: 400, cost_center: Some("cc-42") };
    let out = synthesize(&defined(&compliant)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.report.failures().count(), 0);

    // Nothing of this was known to the compiler: the retention is a field,
    // the default tags are set in Rust code.
    let short = Configured { retention_days: 30, cost_center: Some("cc-42") };
    let text = failure(synthesize(&defined(&short)).unwrap_err());
    assert!(text.contains("[ORG-LOG-001] aws_cloudwatch_log_group.app.retention_in_days: the log group keeps its events for less than a year: `retention_in_days` is 30; the policy requires it to be at least 365"), "{text}");

    let untagged = Configured { retention_days: 400, cost_center: None };
    let Err(SynthError::Policy { report }) = synthesize(&defined(&untagged)) else { panic!("the missing tag must fail synthesis") };
    let tagless: Vec<String> = report.failures().filter(|r| r.rule_id == "ORG-TAG-001").map(|r| r.location()).collect();
    // The alias has no `tags` in its schema: the pattern leaves it alone.
    assert_eq!(tagless, ["aws_cloudwatch_log_group.app.tags.cost-center", "aws_kms_key.logs.tags.cost-center"]);
}

#[test]
fn rules_written_in_rust_run_at_synthesis_with_the_same_report() {
    let stack = defined(&Configured { retention_days: 400, cost_center: Some("cc-42") });
    let out = synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    // The alias breaks the Rust rule, and its suppression (written in the
    // macro, checked at compile time against the policy's `rust_rules`)
    // covers exactly that finding.
    let row = out.report.rows.iter().find(|r| r.rule_id == "ACME-NAME-002").expect("the Rust rule ran");
    assert_eq!(row.location(), "aws_kms_alias.logs.name");
    assert!(matches!(&row.state, tap::policy::RowState::Suppressed { reason } if reason.starts_with("aliases follow")));
    let report: serde_json::Value = serde_json::from_slice(&out.files["policy-report.json"]).unwrap();
    assert_eq!(report["findings"]["ACME-NAME-002"][0]["message"], "the KMS alias does not start with `alias/acme-`: `name` is `alias/team-logs`");
    assert_eq!(
        report["suppressions"],
        serde_json::json!([{
            "rule": "ACME-NAME-002",
            "on": "aws_kms_alias.logs",
            "reason": "aliases follow the key's purpose, agreed with the platform team",
            "covered": ["aws_kms_alias.logs.name"],
        }])
    );

    // Unsuppressed, a Rust rule fails synthesis like any rule.
    let mut stack = defined(&Configured { retention_days: 400, cost_center: Some("cc-42") });
    stack.policy.rule(NoLogsName);
    let text = failure(synthesize(&stack).unwrap_err());
    assert!(text.contains("error: [ACME-NAME-001] aws_kms_key.logs: the resource is named after its type"), "{text}");
    assert!(!text.contains("error: [ACME-NAME-001] aws_cloudwatch_log_group.app"), "{text}");
}

#[test]
fn a_rust_rule_with_the_id_of_another_rule_is_rejected() {
    struct Impostor;
    impl PolicyRule for Impostor {
        fn id(&self) -> &str {
            "ORG-LOG-001"
        }
        fn resource_types(&self) -> Vec<&str> {
            vec!["aws_s3_bucket"]
        }
        fn message(&self) -> &str {
            "m"
        }
        fn fix(&self) -> &str {
            "f"
        }
        fn check(&self, _: &Resource, _: &Graph) -> Outcome {
            Outcome::Compliant
        }
    }
    let mut stack = defined(&Configured { retention_days: 400, cost_center: Some("cc-42") });
    stack.policy.rule(Impostor);
    let err = synthesize(&stack).unwrap_err();
    assert!(matches!(&err, SynthError::PolicySetup(_)), "{err:?}");
    assert!(err.to_string().contains("two rules have the ID `ORG-LOG-001`"), "{err}");
}

#[test]
fn unsuppressible_rules_reject_suppressions_built_in_code() {
    let mut stack = defined(&Configured { retention_days: 30, cost_center: Some("cc-42") });
    stack.policy.rule(NoLogsName);
    stack.policy.suppress(Suppression::new("ORG-LOG-001", "the app's logs are exported to the archive daily"));
    let logs = stack.resources.iter_mut().find(|r| r.address.name == "logs").unwrap();
    logs.suppressions.push(Suppression::new("ACME-NAME-001", "the key is named by the team that owns it"));
    let Err(SynthError::Policy { report }) = synthesize(&stack) else { panic!("unsuppressible rules must fail synthesis") };
    let problems: Vec<String> = report.suppression_errors.iter().map(|p| p.message()).collect();
    assert_eq!(
        problems,
        [
            "`aws_kms_key.logs`: suppression of `ACME-NAME-001`: `policies/org-policy.toml` marks the rule unsuppressible",
            "stack-wide suppression of `ORG-LOG-001`: `policies/org-policy.toml` marks the rule unsuppressible",
        ]
    );
    assert!(report.suppression_errors.iter().all(|p| matches!(p.error, SuppressionError::Unsuppressible { .. })));
    // The findings stay failures: no suppression silences them.
    let failing: Vec<String> = report.failures().map(|r| format!("{} {}", r.rule_id, r.location())).collect();
    assert_eq!(failing, ["ACME-NAME-001 aws_kms_alias.logs", "ACME-NAME-001 aws_kms_key.logs", "ORG-LOG-001 aws_cloudwatch_log_group.app.retention_in_days"]);
}

#[test]
fn a_policy_built_in_code_is_parsed_at_synthesis() {
    let mut stack = defined(&Configured { retention_days: 400, cost_center: Some("cc-42") });
    stack.policy.org_policy = Some(PolicySource { file: "inline.toml".into(), text: "[[rule]]\nid = \"ORG-X-001\"\n".into() });
    let err = synthesize(&stack).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SynthError::PolicySetup(_)), "{text}");
    assert!(text.contains("inline.toml:1: rule `ORG-X-001` has no `message`\nhelp: add `message`"), "{text}");
}
