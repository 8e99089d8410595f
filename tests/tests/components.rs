//! Components at run time: nesting, outputs as return values, collisions
//! of instances named at run time, and addresses that stay readable.

use tap::prelude::*;
use tap::synth::{synthesize, SynthError};

/// A customer managed key and its alias.
pub struct Keys {
    pub key: Handle<aws_kms_key>,
    pub alias: Handle<aws_kms_alias>,
}

#[component]
fn keys(scope: &mut Scope) -> Keys {
    let key = resource!(aws_kms_key.key { description: scope.name("key"), enable_key_rotation: true });
    let alias = resource!(aws_kms_alias.alias { name: format!("alias/{}", scope.name("key")), target_key_id: key.key_id });
    output!(key_arn { value: key.arn, description: "the key's ARN" });
    Keys { key, alias }
}

/// A topic with its own key: a component made of a component.
#[component]
fn encrypted_topic(scope: &mut Scope) -> (Keys, Handle<aws_sns_topic>) {
    let keys = keys(&mut scope.scope("keys"));
    let key: &Handle<aws_kms_key> = &keys.key;
    let topic = resource!(aws_sns_topic.topic { name: scope.name("topic"), kms_master_key_id: key.arn });
    (keys, topic)
}

struct Alerts {
    teams: Vec<&'static str>,
}

#[stack]
impl Alerts {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        for team in &self.teams {
            let (_keys, topic): (Keys, Handle<aws_sns_topic>) = encrypted_topic(&mut stack.scope(team));
            resource!(aws_sns_topic_subscription.email[team] { topic_arn: topic.arn, protocol: "email", endpoint: "oncall@example.com" });
        }
    }
}

fn config(stack: &Stack) -> serde_json::Value {
    let out = synthesize(stack).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap()
}

#[test]
fn nested_instances_get_readable_addresses_and_outputs() {
    let json = config(&Alerts { teams: vec!["payments", "search"] }.build());
    let keys: Vec<&String> = json["resource"]["aws_kms_key"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["payments_keys_key", "search_keys_key"]);
    let topic = &json["resource"]["aws_sns_topic"]["search_topic"];
    assert_eq!(topic["kms_master_key_id"], "${aws_kms_key.search_keys_key.arn}");
    assert_eq!(topic["name"], "search-topic");
    assert_eq!(json["resource"]["aws_kms_alias"]["payments_keys_alias"]["name"], "alias/payments-keys-key");
    assert_eq!(json["output"]["payments_keys_key_arn"]["value"], "${aws_kms_key.payments_keys_key.arn}");
}

#[test]
fn instances_record_their_component_and_call_site() {
    let stack = Alerts { teams: vec!["payments"] }.build();
    let paths: Vec<(&str, Option<&str>)> = stack.instances.iter().map(|i| (i.path.as_str(), i.component)).collect();
    assert_eq!(paths, [("payments", Some("encrypted_topic")), ("payments_keys", Some("keys"))]);
    assert!(stack.instances[0].call_site.file.ends_with("tests/components.rs"));
    assert!(stack.instances[1].describe().contains("of component `keys`, called at"));
}

#[test]
fn two_instances_named_alike_at_run_time_fail_naming_both_call_sites() {
    let stack = Alerts { teams: vec!["payments", "payments"] }.build();
    let Err(SynthError::Validation(errors)) = synthesize(&stack) else { panic!("a collision must fail synthesis") };
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let collision = text.iter().find(|e| e.starts_with("component instance `payments` is created twice")).unwrap_or_else(|| panic!("{text:#?}"));
    assert_eq!(collision.matches("tests/components.rs:").count(), 2, "{collision}");
    // The twins inside the instances are not reported once more each.
    assert!(!text.iter().any(|e| e.contains("payments_keys_key` is declared twice")), "{text:#?}");
}

#[test]
fn a_typed_handle_converts_to_an_untyped_one_and_back() {
    let mut stack = Stack::new("s");
    let key = keys(&mut stack.scope("k")).key;
    let any: Handle = key.clone().into();
    assert_eq!(Handle::<aws_kms_key>::of(&any), Some(key.clone()));
    assert_eq!(Handle::<aws_kms_alias>::of(&any), None);
    let borrowed: &Handle = key.as_ref();
    assert_eq!(borrowed.attr("arn"), any.attr("arn"));
}

/// A group whose ingress comes from the caller: whether it is open to the
/// internet is only known when the stack runs.
#[component]
fn firewall(scope: &mut Scope, vpc: &Handle<aws_vpc>, sources: &[&str]) -> Handle<aws_security_group> {
    let group = resource!(aws_security_group.group { name: scope.name("sg"), description: "service ingress", vpc_id: vpc.id });
    for (i, source) in sources.iter().enumerate() {
        resource!(aws_vpc_security_group_ingress_rule.https[i] {
            security_group_id: group.id,
            description: "HTTPS",
            ip_protocol: "tcp",
            from_port: 443,
            to_port: 443,
            cidr_ipv4: *source,
        });
    }
    group
}

struct Edge {
    precise: bool,
}

#[stack]
impl Edge {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let open = ["0.0.0.0/0", "0.0.0.0/0"];
        if self.precise {
            // One of the two open rules is accepted, by name inside the instance.
            #[suppress("TAP-EC2-001", reason = "the public health check answers on HTTPS from anywhere", finding = "https_0.cidr_ipv4")]
            let _edge = firewall(&mut stack.scope("edge"), &vpc, &open);
        } else {
            #[suppress("TAP-EC2-001", reason = "the public health check answers on HTTPS from anywhere")]
            let _edge = firewall(&mut stack.scope("edge"), &vpc, &open);
        }
    }
}

#[test]
fn a_precise_suppression_on_an_instance_covers_the_one_finding_it_names() {
    let Err(SynthError::Policy { report }) = synthesize(&Edge { precise: true }.build()) else { panic!("the second open rule must still fail") };
    let failing: Vec<String> = report.failures().map(|r| r.location()).collect();
    assert_eq!(failing, ["aws_vpc_security_group_ingress_rule.edge_https_1.cidr_ipv4"]);
    let used = &report.suppressions[0];
    assert_eq!(used.covered.len(), 1, "{used:?}");
    assert_eq!(used.covered[0].0.to_string(), "aws_vpc_security_group_ingress_rule.edge_https_0");
    // Without `finding`, the instance suppression covers both.
    let out = synthesize(&Edge { precise: false }.build()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.report.suppressions[0].covered.len(), 2);
}
