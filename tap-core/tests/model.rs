//! tap-core without the macros: escaping, reference rendering, validation,
//! cycles and deterministic synthesis.

use std::sync::Arc;

use proptest::prelude::*;
use tap_core::__private::{provider_facts, type_facts};
use tap_core::graph::{Backend, Origin, Provider, ProviderFacts, Resource, Stack, TypeFacts};
use tap_core::path::Step;
use tap_core::reference::{Address, Mode, Reference};
use tap_core::synth::{synthesize, synthesize_to, SynthError};
use tap_core::validate::{validate, ValidationError};
use tap_core::value::{to_terraform_json, Value};

// What `#[stack]` emits for each type it uses; built by hand here to test the model without the macros.
static AWS: ProviderFacts = provider_facts(
    "aws",
    "hashicorp/aws",
    "~> 6.25",
    r#"{"attributes":{"region":{"type":"string","optional":true}},"block_types":{"default_tags":{"nesting_mode":"list","max_items":1,"block":{"attributes":{"tags":{"type":["map","string"],"optional":true}}}}}}"#,
);
static VPC: TypeFacts = type_facts(
    "aws_vpc",
    Mode::Managed,
    r#"{"attributes":{"cidr_block":{"type":"string","optional":true},"id":{"type":"string","optional":true,"computed":true},"arn":{"type":"string","computed":true},"tags":{"type":["map","string"],"optional":true}}}"#,
    &AWS,
);
static SUBNET: TypeFacts = type_facts(
    "aws_subnet",
    Mode::Managed,
    r#"{"attributes":{"vpc_id":{"type":"string","required":true},"cidr_block":{"type":"string","optional":true},"id":{"type":"string","computed":true},"map_public_ip_on_launch":{"type":"bool","optional":true}}}"#,
    &AWS,
);

fn vpc(name: &str) -> Resource {
    tap_core::__private::declare(Address::resource("aws_vpc", name), &VPC, Origin::default(), Vec::new()).set("cidr_block", "10.0.0.0/16")
}

fn subnet(name: &str, vpc_ref: Value) -> Resource {
    tap_core::__private::declare(Address::resource("aws_subnet", name), &SUBNET, Origin::default(), Vec::new()).set("vpc_id", vpc_ref)
}

fn reference(type_name: &str, name: &str, attr: &str) -> Value {
    Value::Ref(Reference::new(Arc::new(Address::resource(type_name, name)), vec![Step::Attr(attr.into())]))
}

/// Decodes a Terraform template that holds no interpolation back to its text,
/// and says whether an unescaped `${` or `%{` (an interpolation) is present.
fn decode_template(s: &str) -> (String, bool) {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut interpolates = false;
    while i < chars.len() {
        let c = chars[i];
        if (c == '$' || c == '%') && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&'{') {
            out.push(c);
            out.push('{');
            i += 3;
            continue;
        }
        if (c == '$' || c == '%') && chars.get(i + 1) == Some(&'{') {
            interpolates = true;
        }
        out.push(c);
        i += 1;
    }
    (out, interpolates)
}

proptest! {
    #[test]
    fn literal_strings_survive_terraform_template_evaluation(s in "[a-z$%{}:/ ]{0,40}") {
        let rendered = to_terraform_json(&Value::Str(s.clone()));
        let text = rendered.as_str().unwrap();
        let (decoded, interpolates) = decode_template(text);
        prop_assert!(!interpolates, "unescaped interpolation in {text:?}");
        prop_assert_eq!(decoded, s);
    }
}

#[test]
fn iam_policy_variables_are_escaped_in_literals_and_inside_expressions() {
    assert_eq!(to_terraform_json(&Value::Str("${aws:username}".into())), "$${aws:username}");
    assert_eq!(to_terraform_json(&Value::Str("%{if x}".into())), "%%{if x}");
    let policy = Value::jsonencode(Value::map([("Resource", Value::from("arn:aws:s3:::b/${aws:username}/*"))]));
    assert_eq!(to_terraform_json(&policy), "${jsonencode({\"Resource\" = \"arn:aws:s3:::b/$${aws:username}/*\"})}");
}

#[test]
fn references_render_as_interpolations_only_at_synthesis() {
    let r = reference("aws_vpc", "main", "id");
    assert_eq!(to_terraform_json(&r), "${aws_vpc.main.id}");
    let azs = Reference::new(Arc::new(Address::data("aws_availability_zones", "available")), vec![Step::Attr("names".into()), Step::Index(1)]);
    assert_eq!(to_terraform_json(&Value::Ref(azs)), "${data.aws_availability_zones.available.names[1]}");
    let t = Value::template(vec![Value::from("arn:"), reference("aws_vpc", "main", "arn"), Value::from("/${x}")]);
    assert_eq!(to_terraform_json(&t), "arn:${aws_vpc.main.arn}/$${x}");
    let list = Value::list([reference("aws_subnet", "a", "id"), Value::from("subnet-literal")]);
    assert_eq!(to_terraform_json(&list), serde_json::json!(["${aws_subnet.a.id}", "subnet-literal"]));
}

#[test]
fn validation_names_both_ends() {
    let mut s = Stack::new("t");
    let mut first = vpc("main");
    first.origin.line = 10;
    let mut second = vpc("main");
    second.origin.line = 20;
    s.add(first);
    s.add(second);
    s.add(subnet("a", reference("aws_vpc", "missing", "id")));
    s.add(subnet("b", reference("aws_vpc", "main", "idd")));
    s.add(tap_core::__private::declare(Address::resource("aws_subnet", "c"), &SUBNET, Origin::default(), Vec::new()).set("vpc_id", 5));
    let errors = validate(&s);
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(matches!(&errors[0], ValidationError::DuplicateName { first, second, .. } if first.line == 10 && second.line == 20), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`aws_subnet.a.vpc_id` refers to `aws_vpc.missing`, which is not declared")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`aws_subnet.b.vpc_id` refers to `aws_vpc.main.idd`") && t.contains("did you mean `id`?")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`aws_subnet.c.vpc_id`") && t.contains("expects a string, found a number")), "{text:?}");
}

#[test]
fn invalid_identifiers_and_missing_required_are_reported() {
    let mut s = Stack::new("bad name");
    s.add(tap_core::__private::declare(Address::resource("aws_subnet", "0x"), &SUBNET, Origin::default(), Vec::new()));
    let text: Vec<String> = validate(&s).iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("stack name `bad name` is not a valid Terraform identifier")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`aws_subnet.0x` is not a valid Terraform identifier")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("missing required argument `vpc_id`")), "{text:?}");
}

#[test]
fn cycles_are_found_and_named() {
    let mut s = Stack::new("t");
    s.add(subnet("a", reference("aws_subnet", "b", "id")));
    s.add(subnet("b", reference("aws_subnet", "c", "id")));
    s.add(subnet("c", reference("aws_subnet", "a", "id")));
    s.add(vpc("free"));
    let cycles: Vec<_> = validate(&s).into_iter().filter(|e| matches!(e, ValidationError::Cycle { .. })).collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].to_string().lines().next().unwrap(), "dependency cycle: aws_subnet.a -> aws_subnet.b -> aws_subnet.c -> aws_subnet.a");
}

#[test]
fn depends_on_counts_as_an_edge_and_must_be_declared() {
    let mut s = Stack::new("t");
    let mut a = vpc("a");
    a.depends_on.push(Arc::new(Address::resource("aws_vpc", "b")));
    let mut b = vpc("b");
    b.depends_on.push(Arc::new(Address::resource("aws_vpc", "a")));
    let mut c = vpc("c");
    c.depends_on.push(Arc::new(Address::resource("aws_vpc", "nowhere")));
    s.add(a);
    s.add(b);
    s.add(c);
    let text: Vec<String> = validate(&s).iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.starts_with("dependency cycle: aws_vpc.a -> aws_vpc.b -> aws_vpc.a")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`aws_vpc.c.depends_on` refers to `aws_vpc.nowhere`")), "{text:?}");
}

fn sample(order_reversed: bool) -> Stack {
    let mut s = Stack::new("sample");
    s.provider(Provider::aws("us-west-2").default_tag("b", "2").default_tag("a", "1"));
    s.backend(Backend::s3_dynamodb("state", "k", "us-west-2", "locks"));
    let mut resources = vec![vpc("main"), subnet("one", reference("aws_vpc", "main", "id")), subnet("two", reference("aws_vpc", "main", "id"))];
    if order_reversed {
        resources.reverse();
    }
    for r in resources {
        s.add(r);
    }
    s.output("vpc_id", "the VPC", reference("aws_vpc", "main", "id"));
    s
}

#[test]
fn synthesis_is_deterministic_and_independent_of_declaration_order() {
    let a = synthesize(&sample(false)).unwrap();
    let b = synthesize(&sample(false)).unwrap();
    let c = synthesize(&sample(true)).unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!(a.files["cdk.tf.json"], c.files["cdk.tf.json"]);
    let doc: serde_json::Value = serde_json::from_slice(&a.files["cdk.tf.json"]).unwrap();
    assert!(doc["terraform"].get("required_version").is_none(), "required_version belongs in versions.tf.json");
    assert_eq!(doc["terraform"]["backend"]["s3"]["encrypt"], true);
    let versions: serde_json::Value = serde_json::from_slice(&a.files["versions.tf.json"]).unwrap();
    assert_eq!(versions, serde_json::json!({"terraform": {"required_version": ">= 1.0.0"}}));
}

#[test]
fn failed_synthesis_leaves_earlier_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (written, _) = synthesize_to(&sample(false), dir.path()).unwrap();
    let before = std::fs::read(written.join("cdk.tf.json")).unwrap();
    let mut broken = sample(false);
    broken.add(subnet("three", reference("aws_vpc", "ghost", "id")));
    let err = synthesize_to(&broken, dir.path()).unwrap_err();
    assert!(matches!(err, SynthError::Validation(_)));
    assert_eq!(std::fs::read(written.join("cdk.tf.json")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("stacks")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("sample")], "no staging directories remain");
}

#[test]
fn meta_arguments_are_rendered() {
    let mut s = sample(false);
    let mut r = vpc("aliased");
    r.provider_alias = Some("east".into());
    r.depends_on.push(Arc::new(Address::resource("aws_vpc", "main")));
    r.lifecycle = Some(tap_core::graph::Lifecycle { prevent_destroy: true, create_before_destroy: false, ignore_changes: vec!["tags".into()], ..Default::default() });
    s.add(r);
    s.provider(Provider::aws("us-east-1").alias("east"));
    let out = synthesize(&s).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    let body = &doc["resource"]["aws_vpc"]["aliased"];
    assert_eq!(body["provider"], "aws.east");
    assert_eq!(body["depends_on"], serde_json::json!(["aws_vpc.main"]));
    assert_eq!(body["lifecycle"], serde_json::json!({"prevent_destroy": true, "ignore_changes": ["tags"]}));
    assert_eq!(doc["provider"]["aws"][1], serde_json::json!({"alias": "east", "region": "us-east-1"}));
}

#[test]
fn provider_arguments_are_checked_against_the_providers_schema_at_synthesis() {
    let mut stack = Stack::new("providers");
    stack.provider(Provider::aws("us-west-2").set("regoin", "us-east-1"));
    stack.add(vpc("main"));
    let Err(SynthError::Validation(errors)) = synthesize(&stack) else { panic!("an unknown provider argument must fail synthesis") };
    let text = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(text.contains("`provider.aws.regoin`: `provider.aws` has no argument or block `regoin`") && text.contains("did you mean `region`?"), "{text}");
}

#[test]
fn required_providers_name_every_provider_a_resource_implies() {
    static RANDOM: ProviderFacts = provider_facts("random", "hashicorp/random", "~> 3.7", "{}");
    static PASSWORD: TypeFacts = type_facts("random_password", Mode::Managed, r#"{"attributes":{"length":{"type":"number","required":true},"result":{"type":"string","computed":true}}}"#, &RANDOM);
    let mut stack = Stack::new("implied");
    stack.provider(Provider::aws("us-west-2"));
    stack.add(vpc("main"));
    stack.add(tap_core::__private::declare(Address::resource("random_password", "db"), &PASSWORD, Origin::default(), Vec::new()).set("length", 32));
    let out = synthesize(&stack).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    assert_eq!(
        doc["terraform"]["required_providers"],
        serde_json::json!({ "aws": { "source": "hashicorp/aws", "version": "~> 6.25" }, "random": { "source": "hashicorp/random", "version": "~> 3.7" } })
    );
    assert!(doc["provider"].get("random").is_none(), "an implied provider needs no configuration block");
}

#[test]
fn provider_configurations_are_unique_and_aliases_resolve() {
    let mut stack = Stack::new("providers");
    stack.provider(Provider::aws("us-west-2"));
    stack.provider(Provider::aws("us-east-1"));
    stack.provider(Provider::aws("eu-west-1").alias("eu"));
    let mut subnet_in_ap = vpc("ap");
    subnet_in_ap.provider_alias = Some("ap".into());
    stack.add(subnet_in_ap);
    let mut in_eu = vpc("eu");
    in_eu.provider_alias = Some("eu".into());
    stack.add(in_eu);
    let Err(SynthError::Validation(errors)) = synthesize(&stack) else { panic!("must fail") };
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(matches!(&errors[0], ValidationError::DuplicateProvider { .. }) && errors[0].to_string().starts_with("`provider.aws` is configured twice"), "{}", errors[0]);
    assert!(errors[1].to_string().starts_with("`aws_vpc.ap` uses provider `aws.ap`, which the stack does not configure"), "{}", errors[1]);
}

#[test]
fn every_pack_an_embedded_descriptor_brings_is_shipped() {
    for d in tap_core::schema::Descriptor::all_embedded() {
        assert!(!d.packs.is_empty(), "{}", d.local_name);
        for name in &d.packs {
            assert!(tap_core::policy::pack(name).is_ok(), "{}: pack `{name}`", d.local_name);
        }
    }
}

#[test]
fn a_provider_with_facts_carrying_a_descriptor_renders_its_default_tags_where_the_descriptor_says() {
    static PET: ProviderFacts = tap_core::__private::described_provider_facts(
        "pet",
        "example/pet",
        "",
        r#"{"block_types":{"default_labels":{"nesting_mode":"list","max_items":1,"block":{"attributes":{"labels":{"type":["map","string"],"optional":true}}}}}}"#,
        r#"{"origin":"test","local_name":"pet","default_tags":{"block":"default_labels","attribute":"labels","merged_into":"labels"}}"#,
    );
    let mut stack = Stack::new("pets");
    stack.provider(tap_core::__private::configured_provider(&PET, None, Vec::new()).default_tag("team", "a"));
    let out = synthesize(&stack).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    assert_eq!(doc["provider"]["pet"], serde_json::json!([{ "default_labels": [{ "labels": { "team": "a" } }] }]));
}

/// `required_version` follows the functions a stack calls: the floor stays
/// `>= 1.0.0` until a function newer than 1.0 appears.
#[test]
fn required_version_follows_the_functions_used() {
    let versions = |value: Value, floor: Option<&str>| {
        let mut stack = Stack::new("versions");
        if let Some(floor) = floor {
            stack.required_version = floor.to_owned();
        }
        static NULL: ProviderFacts = provider_facts("null", "hashicorp/null", "~> 3.2", "{}");
        static RESOURCE: TypeFacts = type_facts("null_resource", Mode::Managed, r#"{"attributes":{"triggers":{"type":["map","string"],"optional":true}}}"#, &NULL);
        stack.add(tap_core::__private::declare(Address::resource("null_resource", "n"), &RESOURCE, Origin::default(), Vec::new()).set("triggers", Value::map([("v", value)])));
        let out = synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
        let doc: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
        doc["terraform"]["required_version"].as_str().unwrap().to_owned()
    };
    let jsonencode = Value::call("jsonencode", vec![Value::from("a")]);
    assert_eq!(versions(jsonencode.clone(), None), ">= 1.0.0");
    // Nested inside another call's arguments still counts.
    let strcontains = Value::call("upper", vec![Value::call("strcontains", vec![Value::from("abc"), Value::from("b")])]);
    assert_eq!(versions(strcontains.clone(), None), ">= 1.5.0");
    // A higher floor of the author's stays; one that is not `>= X.Y.Z` is kept as written.
    assert_eq!(versions(strcontains.clone(), Some(">= 1.7.0")), ">= 1.7.0");
    assert_eq!(versions(strcontains, Some("~> 1.4")), "~> 1.4");
}

/// A provider-defined function renders as Terraform calls it, needs
/// Terraform 1.8, and puts its provider in `required_providers` even when
/// no resource of that provider does.
#[test]
fn a_provider_function_needs_terraform_1_8_and_its_provider() {
    use tap_core::value::CallProvider;
    let aws = CallProvider { local_name: "aws".into(), source: "hashicorp/aws".into(), version: "~> 6.25".into() };
    let mut stack = Stack::new("functions");
    let role = Value::provider_call(aws, "trim_iam_role_path", vec![Value::from("arn:aws:iam::123456789012:role/path/r")]);
    stack.output("role", "the role's ARN without its path", role);
    let out = synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    let versions: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.8.0");
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    assert_eq!(doc["terraform"]["required_providers"]["aws"], serde_json::json!({ "source": "hashicorp/aws", "version": "~> 6.25" }));
    assert_eq!(doc["output"]["role"]["value"], "${provider::aws::trim_iam_role_path(\"arn:aws:iam::123456789012:role/path/r\")}");
    // Built by name alone, without its provider, it still needs 1.8.
    let mut stack = Stack::new("by_name");
    stack.output("parts", "a timestamp's parts", Value::call("provider::time::rfc3339_parse", vec![Value::from("2024-01-01T00:00:00Z")]));
    let out = synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    let versions: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.8.0");
}

/// A stack whose subnet uses every lifecycle setting, a provisioner and a connection.
fn lifecycle_stack(lifecycle: tap_core::graph::Lifecycle, provisioners: Vec<tap_core::graph::Provisioner>, connection: Option<tap_core::value::Fields>) -> Stack {
    let mut s = sample(false);
    let mut r = subnet("lc", reference("aws_vpc", "main", "id"));
    r.lifecycle = Some(lifecycle);
    r.provisioners = provisioners;
    r.connection = connection;
    s.add(r);
    s
}

fn fields(entries: Vec<(&str, Value)>) -> tap_core::value::Fields {
    entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[test]
fn lifecycle_conditions_provisioners_and_connection_render_as_terraform_json() {
    use tap_core::graph::lifecycle::self_reference;
    use tap_core::graph::{Condition, Lifecycle, Provisioner};
    use tap_core::value::{BinaryOp, Expr};
    let ne = |r: Reference| Value::expr(Expr::Binary { op: BinaryOp::Ne, left: Value::Ref(r), right: Value::from("") });
    let vpc_id = Reference::new(Arc::new(Address::resource("aws_vpc", "main")), vec![Step::Attr("id".into())]);
    let lifecycle = Lifecycle {
        create_before_destroy: true,
        ignore_changes: vec!["map_public_ip_on_launch".into(), "cidr_block".into()],
        replace_triggered_by: vec![vpc_id.clone(), Reference::new(Arc::new(Address::resource("aws_vpc", "main")), tap_core::path::AttrPath::root())],
        preconditions: vec![Condition::new(ne(vpc_id), "The VPC has no id.")],
        postconditions: vec![Condition::new(ne(self_reference("id")), "No id.")],
        ..Default::default()
    };
    let command = Value::Template(vec![Value::from("echo "), Value::Ref(self_reference("id"))]);
    let provisioners = vec![Provisioner::new("local-exec", fields(vec![("command", command), ("when", Value::from("destroy"))]))];
    let s = lifecycle_stack(lifecycle, provisioners, None);
    let out = synthesize(&s).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    let body = &doc["resource"]["aws_subnet"]["lc"];
    assert_eq!(
        body["lifecycle"],
        serde_json::json!({
            "create_before_destroy": true,
            "ignore_changes": ["map_public_ip_on_launch", "cidr_block"],
            "replace_triggered_by": ["aws_vpc.main.id", "aws_vpc.main"],
            "precondition": [{ "condition": "${aws_vpc.main.id != \"\"}", "error_message": "The VPC has no id." }],
            "postcondition": [{ "condition": "${self.id != \"\"}", "error_message": "No id." }],
        })
    );
    assert_eq!(body["provisioner"], serde_json::json!([{ "local-exec": { "command": "echo ${self.id}", "when": "destroy" } }]));
    let versions: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.2.0", "replace_triggered_by and conditions need Terraform 1.2");

    let all = lifecycle_stack(tap_core::graph::Lifecycle { ignore_all_changes: true, ignore_changes: vec!["cidr_block".into()], ..Default::default() }, Vec::new(), None);
    let out = synthesize(&all).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    assert_eq!(doc["resource"]["aws_subnet"]["lc"]["lifecycle"], serde_json::json!({ "ignore_changes": "all" }));
    let versions: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.0.0", "`all` and the flags are Terraform 1.0");
}

#[test]
fn lifecycle_and_provisioners_built_in_code_are_checked_at_synthesis() {
    use tap_core::graph::lifecycle::self_reference;
    use tap_core::graph::{Condition, Lifecycle, Provisioner};
    let lifecycle = Lifecycle {
        ignore_changes: vec!["tagz".into()],
        replace_triggered_by: vec![Reference::variable("n")],
        postconditions: vec![Condition::new(Value::Ref(self_reference("idd")), "Bad path.")],
        preconditions: vec![Condition::new(true, "Reads nothing.")],
        ..Default::default()
    };
    let provisioners = vec![Provisioner::new("remote-exec", fields(vec![("inline", Value::list([Value::from("x")])), ("scriptz", Value::from("a.sh"))]))];
    let connection = fields(vec![("host", Value::from("10.0.0.1")), ("password", Value::from("hunter2hunter2"))]);
    let errors: Vec<String> = validate(&lifecycle_stack(lifecycle, provisioners, Some(connection))).iter().map(ToString::to_string).collect();
    let has = |needle: &str| assert!(errors.iter().any(|e| e.contains(needle)), "no error with {needle:?} in {errors:#?}");
    has("`ignore_changes` names `tagz`");
    has("`replace_triggered_by` names `var.n`");
    has("`self.idd`");
    has("a condition must read a value");
    has("no argument or block `scriptz`");
    assert_eq!(errors.len(), 5, "{errors:#?}");
    // The literal connection password is a policy finding, not a validation error.
    let s = lifecycle_stack(Lifecycle::default(), Vec::new(), Some(fields(vec![("host", Value::from("h")), ("password", Value::from("hunter2hunter2"))])));
    let err = synthesize(&s).unwrap_err().to_string();
    assert!(err.contains("TAP-SEC-001") && err.contains("connection.password"), "{err}");
}
