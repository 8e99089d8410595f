//! tap-aws: secure-by-default AWS components for tap.
//!
//! Each component is a configuration struct with secure defaults and a
//! `#[component]` method `build(&self, scope, ...)` that declares its
//! resources into the instance it is given and returns their typed handles.
//! Everything a component declares is checked like a stack's resources: at
//! compile time against the provider schema and tap's security rules, and
//! at synthesis for the values that come from its configuration.
//!
//! | module | component | what it declares |
//! |---|---|---|
//! | [`network`] | [`PrivateNetwork`](network::PrivateNetwork) | a VPC with a public and a private subnet per zone, NAT gateways (per zone or one), flow logs to an encrypted group, gateway endpoints with policies |
//! | [`kms`] | [`EncryptionKey`](kms::EncryptionKey), [`KeyPolicy`](kms::KeyPolicy) | a rotating customer managed key and its alias, with a key policy built from typed statements |
//! | [`table`] | [`EncryptedTable`](table::EncryptedTable) | a DynamoDB table encrypted with a given key, with point-in-time recovery and deletion protection |
//! | [`function`] | [`PrivateFunction`](function::PrivateFunction) | a Lambda function in private subnets, with its own least-privilege role, an egress-only security group, an encrypted log group and X-Ray |
//! | [`rest_api`] | [`PrivateRestApi`](rest_api::PrivateRestApi) | routes to a function behind IAM authorization, request validation, a stage with X-Ray and access logs, execution logs, throttling and a WAF |
//! | [`alarms`] | [`AlarmSet`](alarms::AlarmSet) | an encrypted SNS topic only CloudWatch may publish to, one alarm per spec, and a dashboard |
//!
//! Names: a component names its cloud resources (`tap-items-dev`) with a
//! [`Naming`]: a prefix and a suffix around what the component calls
//! each thing. Addresses come from the instance: `build(&mut
//! stack.scope("items"), ...)` declares `aws_dynamodb_table.items_table`.
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::kms::{EncryptionKey, KeyPolicy};
//! use tap_aws::table::EncryptedTable;
//! use tap_aws::{Account, Naming};
//!
//! pub struct Orders;
//!
//! #[stack(name = "orders")]
//! impl Orders {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("eu-west-1"));
//!         let caller = data!(aws_caller_identity.current {});
//!         let partition = data!(aws_partition.current {});
//!         let aws = Account::new("eu-west-1", &caller, &partition);
//!         let naming = Naming::new("shop-", "-prod");
//!         let key = EncryptionKey::new("orders", naming.clone(), KeyPolicy::new(&aws)).build(&mut stack.scope("main"));
//!         EncryptedTable::new("orders", naming).build(&mut stack.scope("orders"), &key.key);
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Orders.build()).unwrap();
//! let json = String::from_utf8_lossy(&out.files["cdk.tf.json"]).into_owned();
//! assert!(json.contains("\"orders_table\"") && json.contains("${aws_kms_key.main_key.arn}"));
//! ```

#![deny(missing_docs)]

pub mod alarms;
pub mod function;
pub mod kms;
pub mod network;
pub mod rest_api;
pub mod table;

use tap::prelude::*;

/// How a component names its cloud resources: `<prefix><what><suffix>`,
/// where `what` is the component's word for the thing (`items`,
/// `items-function`). Resources of one environment share the suffix, so
/// environments sharing an account never collide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Naming {
    /// Put before every name, usually the project (`tap-`); end it with a
    /// separator, as nothing is added between it and the name.
    pub prefix: String,
    /// Put after every name, usually the environment (`-dev`), which keeps
    /// environments that share an account apart.
    pub suffix: String,
}

impl Naming {
    /// A naming that writes `prefix` and `suffix` as given: `Naming::new("tap-", "-dev")`.
    pub fn new(prefix: &str, suffix: &str) -> Self {
        Naming { prefix: prefix.to_owned(), suffix: suffix.to_owned() }
    }

    /// `tap-` + `items` + `-dev`.
    pub fn name(&self, what: &str) -> String {
        format!("{}{what}{}", self.prefix, self.suffix)
    }

    /// The `i`-th of several: `tap-public-dev-0`.
    pub fn nth(&self, what: &str, i: usize) -> String {
        format!("{}-{i}", self.name(what))
    }
}

/// The account and region a stack deploys to, as Terraform knows them:
/// the `aws_caller_identity` and `aws_partition` data sources and the
/// region name. Components use it for ARNs and confused-deputy conditions
/// (`aws:SourceAccount`), so no account ID is ever written by hand.
#[derive(Clone, Debug)]
pub struct Account {
    /// The region name (`us-west-2`), written into ARNs and the regional
    /// service principals (`logs.<region>.amazonaws.com`). A plain string,
    /// so policies are readable in the synthesized JSON.
    pub region: String,
    /// The `aws_caller_identity` data source: the account ID, known only
    /// when Terraform runs with the deploying credentials.
    pub caller: Handle<data::aws_caller_identity>,
    /// The `aws_partition` data source, so ARNs are right in GovCloud and
    /// China (`aws-us-gov`, `aws-cn`) as well as in `aws`.
    pub partition: Handle<data::aws_partition>,
}

impl Account {
    /// The account of `caller` and `partition` (declared once in the stack
    /// with `data!`), in `region`.
    pub fn new(region: &str, caller: &Handle<data::aws_caller_identity>, partition: &Handle<data::aws_partition>) -> Self {
        Account { region: region.to_owned(), caller: caller.clone(), partition: partition.clone() }
    }

    /// The account ID.
    pub fn id(&self) -> Value {
        self.caller.attr("account_id")
    }

    /// `arn:<partition>:<service>:<region>:<account>:<rest>`.
    pub fn arn(&self, service: &str, rest: impl Into<Value>) -> Value {
        template(vec![
            Value::from("arn:"),
            self.partition.attr("partition"),
            Value::from(format!(":{service}:{}:", self.region)),
            self.id(),
            Value::from(":"),
            rest.into(),
        ])
    }

    /// A log group's ARN from its name (or a pattern such as
    /// `API-Gateway-Execution-Logs_*`), as CloudWatch Logs writes it in the
    /// `aws:logs:arn` encryption context.
    pub fn log_group_arn(&self, name: impl Into<Value>) -> Value {
        self.arn("logs", template(vec![Value::from("log-group:"), name.into()]))
    }

    /// `arn:<partition>:iam::<account>:root`: the account itself as a principal.
    pub fn root_arn(&self) -> Value {
        template(vec![Value::from("arn:"), self.partition.attr("partition"), Value::from(":iam::"), self.id(), Value::from(":root")])
    }
}

/// A template of `parts`, nested templates flattened, so it renders as
/// one string.
pub fn template(parts: Vec<Value>) -> Value {
    let mut flat = Vec::new();
    for part in parts {
        match part {
            Value::Template(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    Value::template(flat)
}

/// A nested block instance built in Rust, for blocks whose count or
/// content is data (metric queries, WAF rules).
pub(crate) fn block<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Block(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Least-privilege grants and IAM policy documents, built in Rust.
pub mod iam {
    use tap::prelude::*;

    /// What a principal may do: exactly `actions` on exactly `resources`.
    /// Components that take grants put each in its own statement, so a
    /// reviewer reads one statement per purpose.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Grant {
        /// The statement ID: what the grant is for (`ItemsTable`).
        pub sid: String,
        /// The IAM actions allowed (`dynamodb:GetItem`), each named: a
        /// wildcard would fail TAP-IAM-001.
        pub actions: Vec<String>,
        /// The resources the actions apply to, usually ARNs read from handles
        /// (`table.attr("arn")`), so the grant follows the resource it names.
        pub resources: Vec<Value>,
    }

    impl Grant {
        /// `Grant::new("ItemsTable", ["dynamodb:GetItem"], [table.attr("arn")])`.
        pub fn new<A: Into<String>>(sid: &str, actions: impl IntoIterator<Item = A>, resources: impl IntoIterator<Item = Value>) -> Self {
            Grant { sid: sid.to_owned(), actions: actions.into_iter().map(Into::into).collect(), resources: resources.into_iter().collect() }
        }

        /// The statement of an identity policy.
        pub fn statement(&self) -> Value {
            statement(&self.sid, &self.actions, &self.resources)
        }
    }

    /// One `Allow` statement; one action or resource is written as a
    /// scalar, several as a list.
    pub fn statement<A: AsRef<str>>(sid: &str, actions: &[A], resources: &[Value]) -> Value {
        Value::map([
            ("Sid", Value::from(sid)),
            ("Effect", Value::from("Allow")),
            ("Action", Value::list(actions.iter().map(|a| Value::from(a.as_ref())))),
            ("Resource", one_or_many(resources)),
        ])
    }

    /// A value, or a list of them when there are several.
    pub fn one_or_many(values: &[Value]) -> Value {
        match values {
            [one] => one.clone(),
            many => Value::list(many.iter().cloned()),
        }
    }

    /// `jsonencode({ Version = "2012-10-17", Statement = [...] })`.
    pub fn document(statements: Vec<Value>) -> Value {
        Value::jsonencode(Value::map([("Version", Value::from("2012-10-17")), ("Statement", Value::List(statements))]))
    }

    /// A trust policy: only `service` may assume the role, and with
    /// `source_account`, only on behalf of that account (the confused-deputy
    /// guard AWS recommends).
    pub fn trust(service: &str, source_account: Option<Value>, source_arn: Option<Value>) -> Value {
        let mut st = vec![
            ("Effect", Value::from("Allow")),
            ("Principal", Value::map([("Service", Value::from(service))])),
            ("Action", Value::from("sts:AssumeRole")),
        ];
        let mut condition = Vec::new();
        if let Some(account) = source_account {
            condition.push(("StringEquals", Value::map([("aws:SourceAccount", account)])));
        }
        if let Some(arn) = source_arn {
            condition.push(("ArnLike", Value::map([("aws:SourceArn", arn)])));
        }
        if !condition.is_empty() {
            st.push(("Condition", Value::map(condition)));
        }
        document(vec![Value::map(st)])
    }
}
