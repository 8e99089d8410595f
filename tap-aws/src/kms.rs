//! A customer managed KMS key with an explicit key policy.
//!
//! [`KeyPolicy`] builds the policy from typed statements: the account
//! (AWS's default statement, which lets the account's IAM policies govern
//! the key), CloudWatch Logs for named log groups only (the
//! `kms:EncryptionContext:aws:logs:arn` condition), and other service
//! principals, optionally bound to this account (`aws:SourceAccount`).
//! [`EncryptionKey`] declares the key, always rotating, and its alias.
//!
//! ```
//! use tap::prelude::*;
//! use tap_aws::kms::{EncryptionKey, KeyPolicy};
//! use tap_aws::{Account, Naming};
//!
//! pub struct Keys;
//!
//! #[stack(name = "keys")]
//! impl Keys {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let caller = data!(aws_caller_identity.current {});
//!         let partition = data!(aws_partition.current {});
//!         let aws = Account::new("us-west-2", &caller, &partition);
//!         let policy = KeyPolicy::new(&aws)
//!             .allow_log_groups("AppLogs", [Value::from("/aws/lambda/app-prod")])
//!             .allow_service("AlarmsPublish", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"]);
//!         let key = EncryptionKey::new("app", Naming::new("", "-prod"), policy).build(&mut stack.scope("app"));
//!         // A handle inside a returned struct is referenced where it is:
//!         // rustc checks `arn` against `aws_kms_key` through the field's type.
//!         output!(key_arn { value: key.key.arn, description: "the application's key" });
//!     }
//! }
//!
//! let out = tap::synth::synthesize(&Keys.build()).unwrap();
//! let json: String = String::from_utf8_lossy(&out.files["cdk.tf.json"]).into_owned();
//! assert!(json.contains("kms:EncryptionContext:aws:logs:arn"));
//! assert!(json.contains("\"alias/app-prod\""));
//! ```

use tap::prelude::*;

use crate::iam::one_or_many;
use crate::{Account, Naming};

/// What CloudWatch Logs needs of a key to encrypt a log group.
pub const LOGS_ACTIONS: [&str; 7] = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

/// Who a key-policy statement allows.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// The account root: the key is then governed by the account's IAM policies.
    Account,
    /// An AWS service principal, such as `cloudwatch.amazonaws.com`.
    Service(String),
}

/// When a statement applies.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// Only for these log groups (ARNs), through CloudWatch Logs' encryption context.
    LogGroups(Vec<Value>),
    /// Only when the service acts for this account.
    SourceAccount,
}

/// One `Allow` statement of a key policy. `Resource` is always `*`, which
/// in a key policy means the key itself.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyStatement {
    /// The statement ID: what the statement is for, unique in the policy.
    pub sid: String,
    /// Who the statement allows.
    pub principal: Principal,
    /// The KMS actions allowed (`kms:Decrypt`).
    pub actions: Vec<String>,
    /// What limits the statement, if anything: service principals are
    /// usually bound to a log group or to this account.
    pub condition: Option<Condition>,
}

/// A key policy under construction. [`KeyPolicy::new`] starts with the
/// account statement (`AccountRootManagesTheKey`, the only `kms:*`);
/// without it, no principal could ever change the policy again.
#[derive(Clone, Debug)]
pub struct KeyPolicy {
    account: Account,
    /// The statements in policy order, the account statement first; public
    /// so a caller can inspect or adjust one before the key is declared.
    pub statements: Vec<KeyStatement>,
}

impl KeyPolicy {
    /// A policy with only the account statement, for `account`'s root.
    pub fn new(account: &Account) -> Self {
        let root = KeyStatement { sid: "AccountRootManagesTheKey".into(), principal: Principal::Account, actions: vec!["kms:*".into()], condition: None };
        KeyPolicy { account: account.clone(), statements: vec![root] }
    }

    /// CloudWatch Logs of this region may use the key for exactly these log
    /// groups (by name), and no others.
    pub fn allow_log_groups(mut self, sid: &str, names: impl IntoIterator<Item = Value>) -> Self {
        let arns = names.into_iter().map(|n| self.account.log_group_arn(n)).collect();
        self.statements.push(KeyStatement {
            sid: sid.to_owned(),
            principal: Principal::Service(format!("logs.{}.amazonaws.com", self.account.region)),
            actions: LOGS_ACTIONS.iter().map(|a| (*a).to_owned()).collect(),
            condition: Some(Condition::LogGroups(arns)),
        });
        self
    }

    /// A service principal may use the key for `actions`.
    pub fn allow_service<A: Into<String>>(mut self, sid: &str, service: &str, actions: impl IntoIterator<Item = A>) -> Self {
        self.statements.push(KeyStatement { sid: sid.to_owned(), principal: Principal::Service(service.to_owned()), actions: actions.into_iter().map(Into::into).collect(), condition: None });
        self
    }

    /// As [`KeyPolicy::allow_service`], only when the service acts for this account.
    pub fn allow_service_for_account<A: Into<String>>(self, sid: &str, service: &str, actions: impl IntoIterator<Item = A>) -> Self {
        let mut policy = self.allow_service(sid, service, actions);
        if let Some(last) = policy.statements.last_mut() {
            last.condition = Some(Condition::SourceAccount);
        }
        policy
    }

    /// The policy document as the `jsonencode(...)` value of `aws_kms_key.policy`.
    pub fn to_value(&self) -> Value {
        let statements = self.statements.iter().map(|s| self.statement(s)).collect();
        crate::iam::document(statements)
    }

    fn statement(&self, s: &KeyStatement) -> Value {
        let principal = match &s.principal {
            Principal::Account => Value::map([("AWS", self.account.root_arn())]),
            Principal::Service(service) => Value::map([("Service", Value::from(service.as_str()))]),
        };
        let actions: Vec<Value> = s.actions.iter().map(|a| Value::from(a.as_str())).collect();
        let mut fields = vec![
            ("Sid", Value::from(s.sid.as_str())),
            ("Effect", Value::from("Allow")),
            ("Principal", principal),
            ("Action", one_or_many(&actions)),
            ("Resource", Value::from("*")),
        ];
        match &s.condition {
            Some(Condition::LogGroups(arns)) => {
                fields.push(("Condition", Value::map([("ArnEquals", Value::map([("kms:EncryptionContext:aws:logs:arn", Value::List(arns.clone()))]))])));
            }
            Some(Condition::SourceAccount) => {
                fields.push(("Condition", Value::map([("StringEquals", Value::map([("aws:SourceAccount", self.account.id())]))])));
            }
            None => {}
        }
        Value::map(fields)
    }
}

/// A customer managed key that rotates its material every year, with an
/// explicit policy and an alias `alias/<name>`.
#[derive(Clone, Debug)]
pub struct EncryptionKey {
    /// The alias's base name (`items` gives `alias/tap-items-dev`).
    pub name: String,
    /// How the alias name is written around [`EncryptionKey::name`].
    pub naming: Naming,
    /// KMS's description of the key (`tap-items-dev key` by default), which
    /// is what the console lists keys by.
    pub description: String,
    /// 7 to 30 days between scheduling deletion and deletion.
    pub deletion_window_in_days: i64,
    /// The key policy, written explicitly rather than left to KMS's
    /// default, so every principal that may use the key is named.
    pub policy: KeyPolicy,
}

/// What [`EncryptionKey::build`] declares.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key, whose `arn` the encrypted resources name.
    pub key: Handle<aws_kms_key>,
    /// Its alias, a stable name for people and for tools that take one.
    pub alias: Handle<aws_kms_alias>,
}

impl EncryptionKey {
    /// A key with the longest deletion window (30 days).
    pub fn new(name: &str, naming: Naming, policy: KeyPolicy) -> Self {
        EncryptionKey { name: name.to_owned(), description: format!("{} key", naming.name(name)), naming, deletion_window_in_days: 30, policy }
    }
}

#[component]
impl EncryptionKey {
    /// Declares `aws_kms_key.<instance>_key` and `aws_kms_alias.<instance>_alias`.
    pub fn build(&self, scope: &mut Scope) -> Key {
        let key = resource!(aws_kms_key.key {
            description: self.description.clone(),
            enable_key_rotation: true,
            is_enabled: true,
            deletion_window_in_days: self.deletion_window_in_days,
            policy: self.policy.to_value(),
        });
        let alias = resource!(aws_kms_alias.alias {
            name: format!("alias/{}", self.naming.name(&self.name)),
            target_key_id: key.key_id,
        });
        Key { key, alias }
    }
}
