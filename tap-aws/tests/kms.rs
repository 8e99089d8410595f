//! `EncryptionKey` and `KeyPolicy`: a rotating key whose policy names its
//! users and scopes service principals.

use tap::prelude::*;
use tap::testing::{json, reference_to, string_containing, Template};
use tap_aws::kms::{EncryptionKey, KeyPolicy, LOGS_ACTIONS};
use tap_aws::{Account, Naming};

struct Keys {
    short_window: bool,
}

#[stack(name = "keys")]
impl Keys {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new("eu-west-1", &caller, &partition);
        let policy = KeyPolicy::new(&aws)
            .allow_log_groups("AppLogs", [Value::from("/aws/lambda/app"), Value::from("/aws/vpc/flow-logs/net")])
            .allow_service("Alarms", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"])
            .allow_service_for_account("Events", "events.amazonaws.com", ["kms:GenerateDataKey"]);
        let mut key = EncryptionKey::new("app", Naming::new("acme-", "-prod"), policy);
        if self.short_window {
            key.deletion_window_in_days = 7;
        }
        key.build(&mut stack.scope("main"));
    }
}

fn policy(t: &Template) -> String {
    t.resource("aws_kms_key.main_key").expect("the key").get("policy").unwrap().as_str().unwrap().to_owned()
}

#[test]
fn the_key_rotates_is_enabled_and_has_an_alias() {
    let t = Template::of(&Keys { short_window: false });
    t.assert_resource("aws_kms_key", json!({ "enable_key_rotation": true, "is_enabled": true, "deletion_window_in_days": 30 }));
    t.assert_resource("aws_kms_alias", json!({ "name": "alias/acme-app-prod", "target_key_id": reference_to("aws_kms_key.main_key.key_id") }));
    let t = Template::of(&Keys { short_window: true });
    t.assert_resource_with("aws_kms_key", "deletion_window_in_days", 7);
}

#[test]
fn the_account_statement_comes_first_and_is_the_only_wildcard() {
    let p = policy(&Template::of(&Keys { short_window: false }));
    let first = p.find("\"Sid\" = \"AccountRootManagesTheKey\"").expect("the account statement");
    assert!(p.find("\"Sid\" = \"AppLogs\"").unwrap() > first);
    assert!(p.contains("\"AWS\" = \"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root\""), "{p}");
    assert_eq!(p.matches("kms:*").count(), 1, "{p}");
}

#[test]
fn cloudwatch_logs_may_use_the_key_only_for_the_named_groups_in_its_region() {
    let p = policy(&Template::of(&Keys { short_window: false }));
    let prefix = "arn:${data.aws_partition.current.partition}:logs:eu-west-1:${data.aws_caller_identity.current.account_id}:log-group:";
    let expected = format!(
        "\"Condition\" = {{\"ArnEquals\" = {{\"kms:EncryptionContext:aws:logs:arn\" = [\"{prefix}/aws/lambda/app\", \"{prefix}/aws/vpc/flow-logs/net\"]}}}}"
    );
    assert!(p.contains(&expected), "{p}");
    assert!(p.contains("\"Service\" = \"logs.eu-west-1.amazonaws.com\""), "{p}");
    let actions = LOGS_ACTIONS.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    assert!(p.contains(&format!("\"Action\" = [{actions}]")), "{p}");
}

#[test]
fn a_service_statement_can_be_bound_to_the_account() {
    let t = Template::of(&Keys { short_window: false });
    t.assert_resource_with("aws_kms_key", "policy", string_containing("\"Condition\" = {\"StringEquals\" = {\"aws:SourceAccount\" = data.aws_caller_identity.current.account_id}}"));
    let p = policy(&t);
    // Keys are sorted, so a statement runs from its `Action` to its `Sid`.
    let statement = |sid: &str| {
        let end = p.find(&format!("\"Sid\" = \"{sid}\"")).unwrap();
        p[p[..end].rfind("{\"Action\"").unwrap()..end].to_owned()
    };
    assert!(!statement("Alarms").contains("Condition"), "{}", statement("Alarms"));
    assert!(statement("Events").contains("aws:SourceAccount"), "{}", statement("Events"));
}
