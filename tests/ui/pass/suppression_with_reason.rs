//! A finding suppressed with a reason, on the resource and on the stack:
//! the stack compiles and synthesizes, and the synthesized output and the
//! report keep each suppression and its reason visible to reviewers.

use tap::policy::RowState;
use tap::prelude::*;
use tap::synth;

const FUNCTION_REASON: &str = "the function only calls public AWS endpoints and holds no credentials";
const TOPIC_REASON: &str = "the topics carry build notifications that are public anyway";

pub struct Notifications;

#[stack(name = "notifications", suppress("TAP-SNS-001", reason = "the topics carry build notifications that are public anyway"))]
impl Notifications {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let _notify = resource!(aws_lambda_function.notify {
            #[suppress("TAP-LMB-001", reason = "the function only calls public AWS endpoints and holds no credentials")]
            function_name: "notify",
            role: "arn:aws:iam::123456789012:role/notify",
            runtime: "python3.13",
            handler: "app.handler",
            filename: "notify.zip",
        });
        let _builds = resource!(aws_sns_topic.builds { name: "builds" });
    }
}

fn main() {
    let stack = Notifications.build();
    let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));

    // The report lists both findings as suppressed, with their reasons.
    let suppressed: Vec<(&str, String, &str)> = out
        .report
        .suppressed()
        .map(|row| match &row.state {
            RowState::Suppressed { reason } => (row.rule_id.as_str(), row.address.to_string(), reason.as_str()),
            other => panic!("suppressed() returned a row in state {other:?}"),
        })
        .collect();
    assert_eq!(
        suppressed,
        vec![("TAP-LMB-001", "aws_lambda_function.notify".to_owned(), FUNCTION_REASON), ("TAP-SNS-001", "aws_sns_topic.builds".to_owned(), TOPIC_REASON)]
    );
    assert_eq!(out.report.failures().count(), 0);

    // cdk.tf.json: every suppression under the top-level "//", and each
    // resource's own under its "//".
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).expect("cdk.tf.json is JSON");
    let all = &doc["//"]["tap"]["suppressions"];
    assert_eq!(
        *all,
        serde_json::json!([
            { "rule": "TAP-LMB-001", "address": "aws_lambda_function.notify", "attribute": "", "reason": FUNCTION_REASON },
            { "rule": "TAP-SNS-001", "address": "aws_sns_topic.builds", "attribute": "", "reason": TOPIC_REASON },
        ]),
        "{doc:#}"
    );
    let function = &doc["resource"]["aws_lambda_function"]["notify"]["//"]["tap_suppressions"];
    assert_eq!(*function, serde_json::json!([{ "rule": "TAP-LMB-001", "reason": FUNCTION_REASON }]), "{doc:#}");
    let topic = &doc["resource"]["aws_sns_topic"]["builds"]["//"]["tap_suppressions"];
    assert_eq!(*topic, serde_json::json!([{ "rule": "TAP-SNS-001", "reason": TOPIC_REASON }]), "{doc:#}");

    // policy-report.json says the same.
    let report: serde_json::Value = serde_json::from_slice(&out.files["policy-report.json"]).expect("policy-report.json is JSON");
    assert_eq!(report["failures"], 0);
    assert_eq!(report["suppressed"], 2);
    assert_eq!(report["findings"]["TAP-LMB-001"][0]["state"], "suppressed");
    assert_eq!(report["findings"]["TAP-LMB-001"][0]["reason"], FUNCTION_REASON);
    assert_eq!(report["findings"]["TAP-SNS-001"][0]["reason"], TOPIC_REASON);
    // And what each suppression covered.
    assert_eq!(
        report["suppressions"],
        serde_json::json!([
            { "rule": "TAP-LMB-001", "on": "aws_lambda_function.notify", "reason": FUNCTION_REASON, "covered": ["aws_lambda_function.notify"] },
            { "rule": "TAP-SNS-001", "on": "stack", "reason": TOPIC_REASON, "covered": ["aws_sns_topic.builds"] },
        ])
    );
}
