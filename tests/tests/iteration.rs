//! Iteration at synthesis: `count` and `for_each` with Terraform's own
//! addresses in the JSON, the rules run on each instance the stack knows
//! (failing closed, naming the collection, where it is known only at
//! plan), and the checks a stack built in plain Rust gets.

use tap::prelude::*;
use tap::synth::{synthesize, SynthError};
use tap::validate::{validate, ValidationError};
use tap::value::Value;

/// Subnets by a variable's map, NAT gateways by a count, and references
/// to one instance, to all, and to one chosen by Terraform.
struct Network;

#[stack(name = "network")]
impl Network {
    fn define(&self, stack: &mut Stack) {
        variable!(subnets: map(object({ cidr: string })) { description: "subnets by name", default: { a: { cidr: "10.0.1.0/24" }, b: { cidr: "10.0.2.0/24" } } });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let private = resource!(aws_subnet.private {
            #[for_each(var.subnets)]
            vpc_id: vpc.id,
            cidr_block: each.value.cidr,
        });
        let ips = resource!(aws_eip.nat { #[count(2)] domain: "vpc" });
        resource!(aws_nat_gateway.main {
            #[count(2)]
            allocation_id: ips[count.index].id,
            subnet_id: private["a"].id,
        });
        output!(all_ips { value: ips[*].public_ip, description: "every NAT address" });
        output!(all_subnets { value: private[*].id, description: "every private subnet" });
        output!(first_ip { value: ips[0].public_ip, description: "the first NAT address" });
    }
}

/// Log groups by a map the program computes: known when the stack runs,
/// so each instance is checked at synthesis. (A map written in the
/// stack is checked when it compiles: `tests/ui/iteration/rules_per_instance.rs`.)
struct KnownGroups;

fn retention_by_group() -> Value {
    Value::map([("api", Value::Int(400)), ("debug", Value::Int(30))])
}

#[stack(name = "known_groups", policy = "policies/retention-year.toml")]
impl KnownGroups {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.service {
            #[for_each(retention_by_group())]
            name: concat!("/svc/", each.key),
            retention_in_days: each.value,
            kms_key_id: key.arn,
        });
    }
}

/// The same, by a variable's map: known only at plan.
struct PlanTimeGroups;

#[stack(name = "plan_time_groups", policy = "policies/retention-year.toml")]
impl PlanTimeGroups {
    fn define(&self, stack: &mut Stack) {
        variable!(groups: map(number) { description: "retention by log group" });
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.service {
            #[for_each(var.groups)]
            name: concat!("/svc/", each.key),
            retention_in_days: each.value,
            kms_key_id: key.arn,
        });
    }
}

fn config(s: &tap::synth::Synthesized) -> serde_json::Value {
    serde_json::from_slice(&s.files["cdk.tf.json"]).unwrap()
}

#[test]
fn count_and_for_each_keep_terraforms_addresses() {
    let s = synthesize(&Network.build()).expect("the network synthesizes");
    let c = config(&s);
    let subnets = &c["resource"]["aws_subnet"];
    assert_eq!(subnets.as_object().unwrap().keys().collect::<Vec<_>>(), ["private"], "one resource, not `private_a` and `private_b`");
    assert_eq!(subnets["private"]["for_each"], "${var.subnets}");
    assert_eq!(subnets["private"]["cidr_block"], "${each.value.cidr}");
    let nat = &c["resource"]["aws_nat_gateway"]["main"];
    assert_eq!(nat["count"], 2);
    assert_eq!(nat["allocation_id"], "${aws_eip.nat[count.index].id}");
    assert_eq!(nat["subnet_id"], "${aws_subnet.private[\"a\"].id}");
    assert_eq!(c["output"]["first_ip"]["value"], "${aws_eip.nat[0].public_ip}");
    assert_eq!(c["output"]["all_ips"]["value"], "${aws_eip.nat[*].public_ip}");
    // A map of instances has no order: its splat goes through `values`.
    assert_eq!(c["output"]["all_subnets"]["value"], "${values(aws_subnet.private)[*].id}");
    assert_eq!(synthesize(&Network.build()).unwrap().files, s.files, "byte-identical output");
}

#[test]
fn the_rules_check_each_instance_the_stack_knows() {
    let err = synthesize(&KnownGroups.build()).unwrap_err();
    let SynthError::Policy { .. } = &err else { panic!("expected a policy failure, got {err}") };
    let text = err.to_string();
    assert!(text.contains("aws_cloudwatch_log_group.service[\"debug\"].retention_in_days"), "the instance is named by its key: {text}");
    assert!(!text.contains("service[\"api\"]"), "the compliant instance passes: {text}");
}

#[test]
fn instances_known_only_at_plan_fail_closed_naming_the_collection() {
    let err = synthesize(&PlanTimeGroups.build()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("the value differs between the instances of `aws_cloudwatch_log_group.service`, which iterates over `var.groups` (`for_each`)"), "{text}");
    assert!(text.contains("ORG-LOG-001") && text.contains("TAP-LOG-001"), "both rules fail closed: {text}");
}

/// A stack built in code gets the compile-time checks at synthesis.
#[test]
fn stacks_built_in_code_are_checked_at_synthesis() {
    use tap::reference::{Address, Reference};
    let mut stack = Stack::new("by_hand");
    stack.variable::<()>("names", Variable { ty: Some(tap::schema::TypeConstraint::parse("list(string)").unwrap()), ..Variable::default() });
    let subnets = stack.add(
        Resource::new(Address::resource("aws_subnet", "private"))
            .set("cidr_block", Value::Ref(Reference::each_value()))
            .repeated(Repetition::ForEach(Value::Ref(Reference::variable("names")))),
    );
    stack.add(Resource::new(Address::resource("aws_route_table", "rt")).set("vpc_id", subnets.attr("vpc_id")).set("tags", Value::Ref(Reference::count_index())));
    stack.add(Resource::new(Address::resource("aws_route_table", "ok")).set("vpc_id", Value::Ref(subnets.instance(InstanceKey::Key("a".into())).attr("vpc_id"))));
    let errors: Vec<String> = validate(&stack).iter().filter(|e| matches!(e, ValidationError::Iteration { .. })).map(ToString::to_string).collect();
    assert!(errors.iter().any(|e| e.contains("`for_each` takes a map or a set of strings, and this is list(string)")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("`aws_subnet.private` has `for_each`: it is a map of instances")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("`count.index` is defined only in a resource with `count`")), "{errors:#?}");
    assert_eq!(errors.len(), 3, "the instance reference is fine: {errors:#?}");
}

/// Buckets by a set of names, each with its own encryption and public
/// access block keyed alike: the rules that look for the resources that
/// protect a bucket find them through `buckets[each.key]`.
struct Buckets;

#[stack(name = "buckets")]
impl Buckets {
    fn define(&self, stack: &mut Stack) {
        let key = resource!(aws_kms_key.data { enable_key_rotation: true });
        let buckets = resource!(aws_s3_bucket.data {
            #[for_each(tf::toset(["raw", "curated"]))]
            bucket_prefix: concat!("data-", each.key, "-"),
        });
        resource!(aws_s3_bucket_server_side_encryption_configuration.data {
            #[for_each(buckets)]
            bucket: buckets[each.key].id,
            rule { apply_server_side_encryption_by_default { sse_algorithm: "aws:kms", kms_master_key_id: key.arn } }
        });
        resource!(aws_s3_bucket_public_access_block.data {
            #[for_each(buckets)]
            bucket: each.value.id,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        });
    }
}

#[test]
fn protections_keyed_like_their_buckets_are_found() {
    let s = synthesize(&Buckets.build()).unwrap_or_else(|e| panic!("every bucket is protected: {e}"));
    let c = config(&s);
    assert_eq!(c["resource"]["aws_s3_bucket_public_access_block"]["data"]["for_each"], "${aws_s3_bucket.data}");
    assert_eq!(c["resource"]["aws_s3_bucket_public_access_block"]["data"]["bucket"], "${each.value.id}");
}
