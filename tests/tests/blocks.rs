//! `moved`, `import`, `removed` and `check` blocks: what the macros
//! generate, the Terraform JSON they render, the required version they
//! raise, and the address rules synthesis applies to stacks built in code.

use serde_json::{json, Value as J};
use tap::graph::{Check, Target};
// `tap::graph` re-exports it with the count/for_each work; the model has it now.
use tap::__private::graph::Repetition;
use tap::prelude::*;
use tap::reference::InstanceKey;
use tap::synth::{synthesize_allowing_findings, SynthError, Synthesized};
use tap::validate::{validate, ValidationError};

fn config(out: &Synthesized) -> J {
    serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap()
}

fn required_version(out: &Synthesized) -> String {
    let versions: J = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    versions["terraform"]["required_version"].as_str().unwrap().to_owned()
}

#[component]
fn orders(scope: &mut Scope) -> Handle<aws_subnet> {
    resource!(aws_subnet.table { vpc_id: "vpc-0123456789abcdef0", cidr_block: "10.0.9.0/24" })
}

struct Adopted;

#[stack]
impl Adopted {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        variable!(names: map(string) { default: { a: "vpc-a" }, description: "IDs of the VPCs to adopt" });
        // Declared after the `moved!` that names it: the check sees the whole item.
        moved!(from: aws_vpc.old, to: aws_vpc.main);
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        for i in 0..2 {
            resource!(aws_subnet.private[i] { vpc_id: vpc.id, cidr_block: format!("10.0.{i}.0/24") });
        }
        let table: Handle<aws_subnet> = orders(&mut stack.scope("orders"));
        moved!(from: aws_subnet.table, to: table);
        moved!(from: aws_subnet.legacy, to: aws_subnet.table);
        import!(to: aws_vpc.main, id: "vpc-0123456789abcdef0");
        import!(#[for_each(var.names)] to: aws_vpc.main, id: each.value);
        removed!(from: aws_instance.legacy, destroy: false);
        check!(vpc_health {
            let current = data!(aws_vpc.current { id: vpc.id });
            assert { condition: current.enable_dns_support, error_message: "the VPC resolves no DNS names" }
            assert { condition: current.cidr_block == "10.0.0.0/16", error_message: "the VPC's range changed" }
        });
    }
}

#[test]
fn the_macros_render_every_block() {
    let out = synthesize_allowing_findings(&Adopted.build()).unwrap_or_else(|e| panic!("{e}"));
    let c = config(&out);
    assert_eq!(
        c["moved"],
        json!([
            { "from": "aws_vpc.old", "to": "aws_vpc.main" },
            { "from": "aws_subnet.table", "to": "aws_subnet.orders_table" },
            { "from": "aws_subnet.legacy", "to": "aws_subnet.table" },
        ])
    );
    assert_eq!(
        c["import"],
        json!([
            { "to": "aws_vpc.main", "id": "vpc-0123456789abcdef0" },
            { "for_each": "${var.names}", "to": "aws_vpc.main", "id": "${each.value}" },
        ])
    );
    assert_eq!(c["removed"], json!([{ "from": "aws_instance.legacy", "lifecycle": { "destroy": false } }]));
    let check = &c["check"]["vpc_health"];
    assert_eq!(check["data"]["aws_vpc"]["current"], json!({ "id": "${aws_vpc.main.id}" }));
    assert_eq!(check["assert"][1], json!({ "condition": "${data.aws_vpc.current.cidr_block == \"10.0.0.0/16\"}", "error_message": "the VPC's range changed" }));
    // The scoped data source lives in the check only.
    assert!(c.get("data").is_none(), "{c:#}");
    // `removed` and `import` with `for_each` need Terraform 1.7.
    assert_eq!(required_version(&out), ">= 1.7.0");
}

fn base() -> (Stack, Handle) {
    let mut stack = Stack::new("blocks");
    let subnet = stack.add(Resource::new(Address::resource("aws_subnet", "private")));
    (stack, subnet)
}

/// The stack's validation errors, without `MissingSchema` (resources
/// built in code carry no schema facts).
fn block_errors(stack: &Stack) -> Vec<String> {
    validate(stack).into_iter().filter(|e| !matches!(e, ValidationError::MissingSchema { .. })).map(|e| e.to_string()).collect()
}

/// Adds blocks to a stack built in code.
type Build<'a> = &'a dyn Fn(&mut Stack, &Handle);

#[test]
fn required_version_follows_the_blocks_used() {
    let version = |f: &dyn Fn(&mut Stack, &Handle)| {
        let (mut stack, subnet) = base();
        f(&mut stack, &subnet);
        let errors = block_errors(&stack);
        assert!(errors.is_empty(), "{errors:?}");
        stack
    };
    let cases: [(Build, &str); 5] = [
        (&|_, _| {}, ">= 1.0.0"),
        (&|s, h| { s.moved(Target::resource("aws_subnet", "old"), Target::of(h)); }, ">= 1.1.0"),
        (&|s, h| { s.import(Target::of(h), "subnet-1"); }, ">= 1.5.0"),
        (&|s, _| { s.check(Check::new("ok").assert(true, "never")); }, ">= 1.5.0"),
        (&|s, _| { s.removed(Target::resource("aws_instance", "gone"), false); }, ">= 1.7.0"),
    ];
    for (f, expected) in cases {
        let stack = version(f);
        assert_eq!(tap::synth::required_version(&stack), expected);
    }
    let (mut stack, subnet) = base();
    stack.import_each(Value::map([("a", Value::from("subnet-a"))]), Target::of(&subnet).keyed_by(Reference::each_key()), Reference::each_value());
    stack.resources[0].repetition = Some(Repetition::ForEach(Value::map([("a", Value::from("x"))])));
    assert_eq!(tap::synth::required_version(&stack), ">= 1.7.0");
}

#[test]
fn an_address_the_stack_does_not_declare_is_an_error_with_a_suggestion() {
    let (mut stack, _) = base();
    stack.moved(Target::resource("aws_subnet", "old"), Target::resource("aws_subnet", "privat"));
    stack.import(Target::resource("aws_subnet", "privte"), "subnet-1");
    let errors = block_errors(&stack);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("`moved.to` names `aws_subnet.privat`, which this stack does not declare") && errors[0].contains("did you mean `aws_subnet.private`?"), "{}", errors[0]);
    assert!(errors[1].contains("`import.to` names `aws_subnet.privte`") && errors[1].contains("did you mean `aws_subnet.private`?"), "{}", errors[1]);
}

#[test]
fn from_must_be_gone_and_of_the_same_type() {
    let (mut stack, subnet) = base();
    stack.add(Resource::new(Address::resource("aws_subnet", "still_here")));
    stack.moved(Target::resource("aws_subnet", "still_here"), Target::of(&subnet));
    stack.moved(Target::resource("aws_vpc", "old"), Target::of(&subnet));
    stack.removed(Target::resource("aws_subnet", "still_here"), false);
    stack.removed(Target::resource("aws_subnet", "old").at(InstanceKey::Index(0)), false);
    let errors = block_errors(&stack);
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(errors[0].contains("`moved.from` names `aws_subnet.still_here`, which this stack still declares"), "{}", errors[0]);
    assert!(errors[1].contains("changes the resource type") && errors[1].contains("aws_vpc.old"), "{}", errors[1]);
    assert!(errors[2].contains("`removed.from` names `aws_subnet.still_here`, which this stack still declares"), "{}", errors[2]);
    assert!(errors[3].contains("whole resources only"), "{}", errors[3]);
}

#[test]
fn an_instance_key_must_fit_the_resource() {
    let (mut stack, subnet) = base();
    let counted = stack.add(Resource::new(Address::resource("aws_subnet", "counted")));
    stack.resources[1].repetition = Some(Repetition::Count(Value::from(2)));
    // Fits: an index on `count`, and the move from a Rust loop's name into it.
    stack.moved(Target::resource("aws_subnet", "counted_1"), Target::of(&counted).at(InstanceKey::Index(1)));
    // Does not fit: an index on a single resource, a string key on `count`.
    stack.moved(Target::resource("aws_subnet", "a"), Target::of(&subnet).at(InstanceKey::Index(0)));
    stack.moved(Target::resource("aws_subnet", "b"), Target::of(&counted).at(InstanceKey::Key("x".into())));
    // Adding `count` to a resource: between instances of one address.
    stack.moved(Target::of(&counted), Target::of(&counted).at(InstanceKey::Index(0)));
    let errors = block_errors(&stack);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("gives `aws_subnet.private` an index") && errors[0].contains("neither `count` nor `for_each`"), "{}", errors[0]);
    assert!(errors[1].contains("gives `aws_subnet.counted` a string key") && errors[1].contains("has `count`"), "{}", errors[1]);
}

#[test]
fn two_moves_into_one_address_are_ambiguous() {
    let (mut stack, subnet) = base();
    stack.moved(Target::resource("aws_subnet", "old"), Target::of(&subnet));
    stack.moved(Target::resource("aws_subnet", "older"), Target::of(&subnet));
    let errors = block_errors(&stack);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("is the `to` of two `moved` blocks, from `aws_subnet.old` and from `aws_subnet.older`") && errors[0].contains("Ambiguous move statements"), "{}", errors[0]);
}

#[test]
fn a_check_needs_an_assertion_and_reads_its_own_data_only() {
    let (mut stack, subnet) = base();
    stack.check(Check::new("empty"));
    let probe = Resource::new(Address::data("aws_vpc", "probe"));
    let condition = Value::Ref(Reference::new(std::sync::Arc::new(Address::data("aws_vpc", "probe")), AttrPath::root().name("id")));
    stack.check(Check::new("reads").data(probe).assert(condition.clone(), "no VPC"));
    // Outside the check, its data source is not declared.
    stack.output("probe", "the probe's ID", condition);
    let _ = subnet;
    let errors = block_errors(&stack);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("`output.probe.value` refers to `data.aws_vpc.probe`, which is not declared"), "{}", errors[0]);
    assert!(errors[1].contains("check `empty` has no `assert`"), "{}", errors[1]);
}

#[test]
fn synthesis_refuses_a_stack_with_a_bad_block() {
    struct Bad;
    #[stack]
    impl Bad {
        fn define(&self, stack: &mut Stack) {
            stack.provider(Provider::aws("eu-west-1"));
            resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
            // Built in code: the macro cannot see it, synthesis can.
            stack.moved(Target::resource("aws_vpc", "old"), Target::resource("aws_vpc", "mian"));
        }
    }
    match synthesize_allowing_findings(&Bad.build()) {
        Err(SynthError::Validation(errors)) => {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            assert!(text.iter().any(|e| e.contains("`moved.to` names `aws_vpc.mian`") && e.contains("did you mean `aws_vpc.main`?")), "{text:?}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}
