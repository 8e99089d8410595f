//! A set of CloudWatch alarms, the topic they notify, and a dashboard.
//!
//! Secure defaults: the topic is encrypted with the given key and only
//! CloudWatch alarms of this account may publish to it (`aws:SourceAccount`
//! and an `alarm:*` source ARN); every alarm notifies the topic when it
//! fires and when it recovers, and treats missing data as not breaching
//! (a quiet service is not an outage). The key's policy must let
//! `cloudwatch.amazonaws.com` use it (`kms:Decrypt`, `kms:GenerateDataKey`):
//! [`KeyPolicy::allow_service`](crate::kms::KeyPolicy::allow_service).
//!
//! Alarms are data: one [`Alarm`] per alarm, declared by one `resource!`
//! in a loop. A [`Watched::Sum`] alarm adds up a metric that CloudWatch
//! publishes per dimension value (DynamoDB's per-operation metrics) with
//! metric math.
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::alarms::{Alarm, AlarmSet, Metric, Widget};
//! use tap_aws::{Account, Naming};
//!
//! pub struct Watch;
//!
//! #[stack(name = "watch")]
//! impl Watch {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let caller = data!(aws_caller_identity.current {});
//!         let partition = data!(aws_partition.current {});
//!         let aws = Account::new("us-west-2", &caller, &partition);
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         let queue = resource!(aws_sqs_queue.jobs { name: "jobs", sqs_managed_sse_enabled: true });
//!         let depth = Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible").dimension("QueueName", queue.attr("name"));
//!         let set = AlarmSet {
//!             alarms: vec![Alarm::above("jobs-backlog", "More than 100 jobs wait, for 15 minutes", depth.clone().into(), 100.0).periods(3).statistic("Maximum")],
//!             widgets: vec![Widget::new("Jobs waiting", "Maximum").line(&depth)],
//!             ..AlarmSet::new("jobs", Naming::new("", "-prod"))
//!         };
//!         set.build(&mut stack.scope("alarms"), &key, &aws);
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Watch.build()).unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
//! let alarm = &json["resource"]["aws_cloudwatch_metric_alarm"]["alarms_alarm_jobs_backlog"];
//! assert_eq!(alarm["alarm_actions"][0], "${aws_sns_topic.alarms_topic.arn}");
//! assert_eq!(alarm["threshold"], 100);
//! ```

use tap::prelude::*;

use crate::{block, Account, Naming};

/// One CloudWatch metric: namespace, name and dimensions.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// The publishing service's namespace (`AWS/Lambda`, `AWS/DynamoDB`).
    pub namespace: String,
    /// The metric's name in that namespace (`Errors`).
    pub metric_name: String,
    /// Name and value pairs that pick one resource's series (`FunctionName`
    /// and the function's name), in order; values may be references.
    pub dimensions: Vec<(String, Value)>,
}

impl Metric {
    /// The metric `metric_name` of `namespace`, with no dimension yet.
    pub fn new(namespace: &str, metric_name: &str) -> Self {
        Metric { namespace: namespace.to_owned(), metric_name: metric_name.to_owned(), dimensions: Vec::new() }
    }

    /// The metric narrowed to the series whose dimension `name` is `value`
    /// (a literal or a reference such as `function.attr("function_name")`).
    pub fn dimension(mut self, name: &str, value: Value) -> Self {
        self.dimensions.push((name.to_owned(), value));
        self
    }

    /// The metric with one more dimension.
    fn with(&self, name: &str, value: Value) -> Metric {
        self.clone().dimension(name, value)
    }

    /// The metric as a dashboard line: `[namespace, metric, dim, value, ...]`.
    pub fn line(&self) -> Value {
        let mut parts = vec![Value::from(self.namespace.as_str()), Value::from(self.metric_name.as_str())];
        for (name, value) in &self.dimensions {
            parts.extend([Value::from(name.as_str()), value.clone()]);
        }
        Value::List(parts)
    }

    fn dimension_map(&self) -> Value {
        Value::map(self.dimensions.iter().map(|(k, v)| (k.clone(), v.clone())))
    }
}

/// What an alarm watches.
#[derive(Clone, Debug, PartialEq)]
pub enum Watched {
    /// One metric, as CloudWatch publishes it.
    Metric(Metric),
    /// The sum of `metric` over the values of one more dimension, for
    /// metrics CloudWatch only publishes per value (DynamoDB's
    /// `ThrottledRequests` per `Operation`). A value without data counts 0.
    Sum {
        /// The metric without the summed dimension.
        metric: Metric,
        /// The dimension whose values are added up (`Operation`).
        dimension: String,
        /// Its values, each a series of its own (`GetItem`, `PutItem`).
        values: Vec<String>,
    },
}

impl From<Metric> for Watched {
    fn from(metric: Metric) -> Self {
        Watched::Metric(metric)
    }
}

impl Watched {
    /// The dashboard lines of what is watched: one per summed value.
    pub fn lines(&self) -> Vec<Value> {
        match self {
            Watched::Metric(m) => vec![m.line()],
            Watched::Sum { metric, dimension, values } => values.iter().map(|v| metric.with(dimension, Value::from(v.as_str())).line()).collect(),
        }
    }
}

/// One alarm: it fires when the statistic of what it watches crosses the
/// threshold for `evaluation_periods` periods of `period` seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Alarm {
    /// Named `<naming prefix><name><naming suffix>`; `_` of the name in the address.
    pub name: String,
    /// What firing means and what to do, sent in every notification.
    pub description: String,
    /// The metric, or the sum of metrics, compared with the threshold.
    pub watched: Watched,
    /// `Sum`, `Average`, `Maximum`, or a percentile such as `p99`.
    pub statistic: String,
    /// Seconds per evaluated period; 300 by default.
    pub period: i64,
    /// How many periods in a row must breach before the alarm fires; more
    /// periods ride out short spikes.
    pub evaluation_periods: i64,
    /// The value the statistic is compared with.
    pub threshold: f64,
    /// `GreaterThanOrEqualToThreshold`, `GreaterThanThreshold`, ...
    pub comparison: String,
}

impl Alarm {
    /// Fires when the 5-minute sum reaches `threshold` once.
    pub fn at_least(name: &str, description: &str, watched: Watched, threshold: f64) -> Self {
        Alarm {
            name: name.to_owned(),
            description: description.to_owned(),
            watched,
            statistic: "Sum".into(),
            period: 300,
            evaluation_periods: 1,
            threshold,
            comparison: "GreaterThanOrEqualToThreshold".into(),
        }
    }

    /// Fires when the 5-minute sum exceeds `threshold` once.
    pub fn above(name: &str, description: &str, watched: Watched, threshold: f64) -> Self {
        Alarm { comparison: "GreaterThanThreshold".into(), ..Alarm::at_least(name, description, watched, threshold) }
    }

    /// The alarm on `statistic` instead of `Sum` (`Maximum` for a backlog,
    /// `p99` for a latency).
    pub fn statistic(mut self, statistic: &str) -> Self {
        self.statistic = statistic.to_owned();
        self
    }

    /// The alarm fires only after `evaluation_periods` breaching periods in a row.
    pub fn periods(mut self, evaluation_periods: i64) -> Self {
        self.evaluation_periods = evaluation_periods;
        self
    }

    fn threshold_value(&self) -> Value {
        if self.threshold.fract() == 0.0 && self.threshold.abs() < 1e15 {
            Value::from(self.threshold as i64)
        } else {
            Value::from(self.threshold)
        }
    }

    /// `statistic` or `extended_statistic` (percentiles).
    fn statistics(&self) -> (Value, Value) {
        match self.statistic.starts_with('p') {
            true => (Value::Null, Value::from(self.statistic.as_str())),
            false => (Value::from(self.statistic.as_str()), Value::Null),
        }
    }

    /// The metric-math queries of a [`Watched::Sum`].
    fn queries(&self) -> Value {
        let Watched::Sum { metric, dimension, values } = &self.watched else { return Value::Null };
        let mut queries: Vec<Value> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let m = metric.with(dimension, Value::from(v.as_str()));
                block([
                    ("id", Value::from(format!("m{i}"))),
                    ("return_data", Value::from(false)),
                    (
                        "metric",
                        block([
                            ("namespace", Value::from(m.namespace.as_str())),
                            ("metric_name", Value::from(m.metric_name.as_str())),
                            ("period", Value::from(self.period)),
                            ("stat", Value::from(self.statistic.as_str())),
                            ("dimensions", m.dimension_map()),
                        ]),
                    ),
                ])
            })
            .collect();
        let terms: Vec<String> = (0..values.len()).map(|i| format!("FILL(m{i}, 0)")).collect();
        queries.push(block([
            ("id", Value::from("total")),
            ("expression", Value::from(format!("SUM([{}])", terms.join(", ")))),
            ("label", Value::from(format!("{} (all {}s)", metric.metric_name, dimension.to_lowercase()))),
            ("return_data", Value::from(true)),
        ]));
        Value::List(queries)
    }
}

/// One time-series graph of the dashboard.
#[derive(Clone, Debug, PartialEq)]
pub struct Widget {
    /// The graph's title on the dashboard.
    pub title: String,
    /// The statistic every line is drawn with (`Sum`, `p99`).
    pub statistic: String,
    /// One dashboard metric array per line ([`Metric::line`]).
    pub lines: Vec<Value>,
}

impl Widget {
    /// A graph titled `title` of `statistic`, with no lines yet.
    pub fn new(title: &str, statistic: &str) -> Self {
        Widget { title: title.to_owned(), statistic: statistic.to_owned(), lines: Vec::new() }
    }

    /// The graph with one more line, for `metric`.
    pub fn line(mut self, metric: &Metric) -> Self {
        self.lines.push(metric.line());
        self
    }

    /// The lines of what an alarm watches.
    pub fn watching(mut self, watched: &Watched) -> Self {
        self.lines.extend(watched.lines());
        self
    }
}

/// The alarm set's configuration.
#[derive(Clone, Debug)]
pub struct AlarmSet {
    /// Names the topic (`<name>-alarms`... see [`AlarmSet::new`]) and the dashboard.
    pub name: String,
    /// How [`AlarmSet::name`] and the alarms' names become cloud names.
    pub naming: Naming,
    /// The sender name of the topic's e-mail notifications.
    pub topic_display_name: String,
    /// Subscribed to the topic by e-mail (AWS asks the address to confirm).
    pub email: Option<String>,
    /// The alarms, each declared as one `aws_cloudwatch_metric_alarm`.
    pub alarms: Vec<Alarm>,
    /// Two per row, in order.
    pub widgets: Vec<Widget>,
}

/// What [`AlarmSet::build`] declares.
#[derive(Clone, Debug)]
pub struct Alarms {
    /// The encrypted topic every alarm notifies, for further subscriptions
    /// (a chat or paging integration).
    pub topic: Handle<aws_sns_topic>,
    /// In the order of [`AlarmSet::alarms`].
    pub alarms: Vec<Handle<aws_cloudwatch_metric_alarm>>,
    /// The dashboard of [`AlarmSet::widgets`].
    pub dashboard: Handle<aws_cloudwatch_dashboard>,
}

impl AlarmSet {
    /// Topic `<prefix>alarms<suffix>`, dashboard `<prefix><name><suffix>`, no alarms yet.
    pub fn new(name: &str, naming: Naming) -> Self {
        AlarmSet { topic_display_name: format!("{} alarms", naming.name(name)), name: name.to_owned(), naming, email: None, alarms: Vec::new(), widgets: Vec::new() }
    }

    fn dashboard_body(&self, region: &str) -> Value {
        let widgets = self.widgets.iter().enumerate().map(|(i, w)| {
            Value::map([
                ("type", Value::from("metric")),
                ("x", Value::from(12 * (i % 2))),
                ("y", Value::from(6 * (i / 2))),
                ("width", Value::from(12)),
                ("height", Value::from(6)),
                (
                    "properties",
                    Value::map([
                        ("title", Value::from(w.title.as_str())),
                        ("region", Value::from(region)),
                        ("view", Value::from("timeSeries")),
                        ("stat", Value::from(w.statistic.as_str())),
                        ("period", Value::from(300)),
                        ("metrics", Value::List(w.lines.clone())),
                    ]),
                ),
            ])
        });
        Value::jsonencode(Value::map([("widgets", Value::list(widgets))]))
    }
}

#[component]
impl AlarmSet {
    /// Declares the topic (encrypted with `key`), its policy, the optional
    /// e-mail subscription, one alarm per [`Alarm`] and the dashboard.
    pub fn build(&self, scope: &mut Scope, key: &Handle<aws_kms_key>, aws: &Account) -> Alarms {
        let topic = resource!(aws_sns_topic.topic {
            name: self.naming.name("alarms"),
            display_name: self.topic_display_name.clone(),
            kms_master_key_id: key.arn,
        });
        // Only CloudWatch alarms of this account may publish.
        resource!(aws_sns_topic_policy.topic {
            arn: topic.arn,
            policy: tf::jsonencode({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "CloudWatchAlarmsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: {
                        StringEquals: { "aws:SourceAccount": aws.id() },
                        ArnLike: { "aws:SourceArn": aws.arn("cloudwatch", "alarm:*") },
                    },
                }],
            }),
        });
        if let Some(email) = &self.email {
            resource!(aws_sns_topic_subscription.email {
                topic_arn: topic.arn,
                protocol: "email",
                endpoint: email.clone(),
            });
        }

        let mut alarms = Vec::new();
        for alarm in &self.alarms {
            let (metric, sum) = match &alarm.watched {
                Watched::Metric(m) => (Some(m), Value::Null),
                Watched::Sum { .. } => (None, alarm.queries()),
            };
            let (statistic, extended_statistic) = if metric.is_some() { alarm.statistics() } else { (Value::Null, Value::Null) };
            let alarm_key = alarm.name.replace('-', "_");
            alarms.push(resource!(aws_cloudwatch_metric_alarm.alarm[alarm_key] {
                alarm_name: self.naming.name(&alarm.name),
                alarm_description: alarm.description.clone(),
                namespace: metric.map(|m| m.namespace.clone()),
                metric_name: metric.map(|m| m.metric_name.clone()),
                dimensions: metric.map(Metric::dimension_map),
                statistic: statistic,
                extended_statistic: extended_statistic,
                period: metric.map(|_| alarm.period),
                metric_query: sum,
                evaluation_periods: alarm.evaluation_periods,
                threshold: alarm.threshold_value(),
                comparison_operator: alarm.comparison.clone(),
                treat_missing_data: "notBreaching",
                alarm_actions: [topic.arn],
                ok_actions: [topic.arn],
            }));
        }

        let dashboard = resource!(aws_cloudwatch_dashboard.dashboard {
            dashboard_name: self.naming.name(&self.name),
            dashboard_body: self.dashboard_body(&aws.region),
        });
        Alarms { topic, alarms, dashboard }
    }
}
