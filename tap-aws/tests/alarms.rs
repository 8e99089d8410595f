//! `AlarmSet`: every alarm notifies an encrypted topic that only this
//! account's alarms may publish to; summed metrics; the dashboard.

use tap::prelude::*;
use tap::testing::{absent, json, reference_to, Template};
use tap_aws::alarms::{Alarm, AlarmSet, Metric, Watched, Widget};
use tap_aws::{Account, Naming};

struct Watch {
    email: Option<&'static str>,
}

#[stack(name = "watch")]
impl Watch {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-central-1"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new("eu-central-1", &caller, &partition);
        let key = resource!(aws_kms_key.main { enable_key_rotation: true });
        let table = resource!(aws_dynamodb_table.t {
            name: "t", billing_mode: "PAY_PER_REQUEST", hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
        let errors = Metric::new("AWS/Lambda", "Errors").dimension("FunctionName", Value::from("worker"));
        let throttles = Watched::Sum {
            metric: Metric::new("AWS/DynamoDB", "ThrottledRequests").dimension("TableName", table.attr("name")),
            dimension: "Operation".into(),
            values: vec!["GetItem".into(), "PutItem".into()],
        };
        let set = AlarmSet {
            email: self.email.map(str::to_owned),
            alarms: vec![
                Alarm::at_least("worker-errors", "The worker failed", errors.clone().into(), 1.0),
                Alarm::above("worker-errors-p90", "Slow", errors.clone().into(), 2.5).statistic("p90").periods(3),
                Alarm::at_least("table-throttles", "Throttled", throttles.clone(), 1.0),
            ],
            widgets: vec![Widget::new("Errors", "Sum").line(&errors), Widget::new("Throttles", "Sum").watching(&throttles)],
            ..AlarmSet::new("shop", Naming::new("acme-", "-qa"))
        };
        set.build(&mut stack.scope("alarms"), &key, &aws);
    }
}

#[test]
fn every_alarm_notifies_the_topic_when_it_fires_and_recovers() {
    let t = Template::of(&Watch { email: None });
    t.assert_resource_count("aws_cloudwatch_metric_alarm", 3);
    for alarm in t.resources("aws_cloudwatch_metric_alarm") {
        let expected = json!({ "alarm_actions": ["${aws_sns_topic.alarms_topic.arn}"], "ok_actions": ["${aws_sns_topic.alarms_topic.arn}"], "treat_missing_data": "notBreaching" });
        assert!(alarm.matches(&expected), "{}: {:?}", alarm.address(), alarm.differences(&expected));
    }
    t.assert_resource("aws_cloudwatch_metric_alarm", json!({ "alarm_name": "acme-worker-errors-qa", "statistic": "Sum", "extended_statistic": absent(), "threshold": 1, "dimensions": { "FunctionName": "worker" } }));
    t.assert_resource("aws_cloudwatch_metric_alarm", json!({ "alarm_name": "acme-worker-errors-p90-qa", "extended_statistic": "p90", "statistic": absent(), "threshold": 2.5, "evaluation_periods": 3, "comparison_operator": "GreaterThanThreshold" }));
    assert!(t.resource("aws_cloudwatch_metric_alarm.alarms_alarm_table_throttles").is_some());
}

#[test]
fn a_summed_metric_is_one_query_per_value_and_a_filled_sum() {
    let t = Template::of(&Watch { email: None });
    let alarm = t.assert_resource("aws_cloudwatch_metric_alarm", json!({ "alarm_name": "acme-table-throttles-qa", "namespace": absent(), "metric_name": absent() }));
    let queries = alarm.get("metric_query").unwrap().as_array().unwrap();
    assert_eq!(queries.len(), 3);
    assert_eq!(queries[1]["metric"][0]["dimensions"], json!({ "TableName": "${aws_dynamodb_table.t.name}", "Operation": "PutItem" }));
    assert_eq!(queries[2], json!({ "id": "total", "expression": "SUM([FILL(m0, 0), FILL(m1, 0)])", "label": "ThrottledRequests (all operations)", "return_data": true }));
}

#[test]
fn the_topic_is_encrypted_and_only_this_accounts_alarms_may_publish() {
    let t = Template::of(&Watch { email: None });
    t.assert_resource("aws_sns_topic", json!({ "name": "acme-alarms-qa", "kms_master_key_id": reference_to("aws_kms_key.main.arn") }));
    let policy = t.assert_resource("aws_sns_topic_policy", json!({ "arn": reference_to("aws_sns_topic.alarms_topic.arn") }));
    let text = policy.get("policy").unwrap().as_str().unwrap();
    assert!(text.contains("\"aws:SourceAccount\" = data.aws_caller_identity.current.account_id"), "{text}");
    assert!(text.contains(":cloudwatch:eu-central-1:${data.aws_caller_identity.current.account_id}:alarm:*"), "{text}");
    assert!(text.contains("\"Action\" = \"sns:Publish\"") && text.contains("\"Service\" = \"cloudwatch.amazonaws.com\""), "{text}");
    t.assert_resource_count("aws_sns_topic_subscription", 0);
    let t = Template::of(&Watch { email: Some("oncall@example.com") });
    t.assert_resource("aws_sns_topic_subscription", json!({ "protocol": "email", "endpoint": "oncall@example.com", "topic_arn": reference_to("aws_sns_topic.alarms_topic.arn") }));
}

#[test]
fn the_dashboard_lays_out_the_widgets_two_per_row() {
    let t = Template::of(&Watch { email: None });
    let dashboard = t.assert_resource("aws_cloudwatch_dashboard", json!({ "dashboard_name": "acme-shop-qa" }));
    let body = dashboard.get("dashboard_body").unwrap().as_str().unwrap();
    assert!(body.contains("\"metrics\" = [[\"AWS/Lambda\", \"Errors\", \"FunctionName\", \"worker\"]]"), "{body}");
    assert!(body.contains("[\"AWS/DynamoDB\", \"ThrottledRequests\", \"TableName\", aws_dynamodb_table.t.name, \"Operation\", \"GetItem\"]"), "{body}");
    assert!(body.contains("\"region\" = \"eu-central-1\"") && body.contains("\"x\" = 12"), "{body}");
}
