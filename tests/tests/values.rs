//! Terraform values at synthesis: variables, locals and expressions as
//! Terraform reads them, rules that decide a variable by what its
//! declaration guarantees (or fail closed naming it), and the checks a
//! stack built in plain Rust gets at synthesis.

use tap::prelude::*;
use tap::reference::Reference;
use tap::synth::{synthesize, SynthError};
use tap::validate::{validate, ValidationError};
use tap::value::{BinaryOp, Value};

/// `retention_in_days` from a variable whose validation guarantees a year.
struct Bounded;

#[stack(name = "bounded", policy = "policies/retention-year.toml")]
impl Bounded {
    fn define(&self, stack: &mut Stack) {
        variable!(retention: number {
            default: 400,
            description: "days to keep the logs",
            validation { condition: var.retention >= 365, error_message: "keep logs at least a year" }
        });
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: var.retention, kms_key_id: key.arn });
    }
}

/// The same, but nothing bounds the variable.
struct Unbounded;

#[stack(name = "unbounded", policy = "policies/retention-year.toml")]
impl Unbounded {
    fn define(&self, stack: &mut Stack) {
        variable!(retention: number { default: 400, description: "days to keep the logs" });
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: var.retention, kms_key_id: key.arn });
    }
}

fn config(s: &tap::synth::Synthesized) -> serde_json::Value {
    serde_json::from_slice(&s.files["cdk.tf.json"]).unwrap()
}

#[test]
fn a_rule_uses_what_the_variables_validation_guarantees() {
    let s = synthesize(&Bounded.build()).expect("a validated year of retention passes the rule");
    let c = config(&s);
    assert_eq!(c["resource"]["aws_cloudwatch_log_group"]["app"]["retention_in_days"], "${var.retention}");
    assert_eq!(c["variable"]["retention"]["validation"][0]["condition"], "${var.retention >= 365}");
    assert_eq!(c["variable"]["retention"]["type"], "number");
}

#[test]
fn an_unconstrained_variable_fails_closed_naming_it() {
    let err = synthesize(&Unbounded.build()).unwrap_err();
    let SynthError::Policy { .. } = &err else { panic!("expected a policy failure, got {err}") };
    let text = err.to_string();
    assert!(text.contains("ORG-LOG-001"), "{text}");
    assert!(text.contains("comes from `var.retention`") && text.contains("add a `validation` to `var.retention`"), "{text}");
}

fn built_in_code() -> Stack {
    let mut stack = Stack::new("plain");
    let _days: Var = stack.variable("days", Variable { default: Some(Value::from(30)), description: "days".into(), ..Variable::of_type(tap::schema::TypeConstraint::Number) });
    stack
}

#[test]
fn synthesis_checks_names_defaults_and_sensitive_outputs_of_a_stack_built_in_code() {
    let mut stack = built_in_code();
    stack.output("typo", "a misspelled variable", Reference::variable("dayz"));
    let mut strict = Variable::of_type(tap::schema::TypeConstraint::Number);
    strict.default = Some(Value::from(30));
    strict.validations.push(tap::graph::Validation { condition: Value::binary(BinaryOp::Ge, Reference::variable("strict"), 365), error_message: "a year".into() });
    let _strict: Var = stack.variable("strict", strict);
    let secret = Variable { sensitive: true, description: "a secret".into(), ..Variable::of_type(tap::schema::TypeConstraint::String) };
    let _secret: Var = stack.variable("secret", secret);
    stack.output("leak", "the secret", Reference::variable("secret"));
    let errors: Vec<String> = validate(&stack).iter().map(ToString::to_string).collect();
    assert!(errors.iter().any(|e| e.contains("refers to `var.dayz`, a variable this stack does not declare") && e.contains("did you mean `var.days`?")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("variable `strict`: the default `30` fails its own validation: a year")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("output `leak` reads `var.secret`, which is sensitive")), "{errors:#?}");
    assert!(validate(&stack).iter().all(|e| !matches!(e, ValidationError::UnresolvedValue { .. })));
}

#[test]
fn required_version_follows_the_features_used() {
    let required = |stack: &Stack| {
        let s = tap::synth::synthesize_allowing_findings(stack).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&s.files["versions.tf.json"]).unwrap();
        v["terraform"]["required_version"].as_str().unwrap().to_owned()
    };
    let mut stack = built_in_code();
    assert_eq!(required(&stack), ">= 1.0.0");
    let optional = tap::schema::TypeConstraint::parse("object({ name = string, size = optional(number, 1) })").unwrap();
    let _shape: Var = stack.variable("shape", Variable { description: "an object with an optional attribute".into(), ..Variable::of_type(optional) });
    assert_eq!(required(&stack), ">= 1.3.0", "`optional()` needs Terraform 1.3");
    let ephemeral = Variable { ephemeral: true, description: "a token".into(), ..Variable::of_type(tap::schema::TypeConstraint::String) };
    let _token: Var = stack.variable("token", ephemeral);
    assert_eq!(required(&stack), ">= 1.10.0", "an ephemeral variable needs Terraform 1.10");
}

/// A stack's variables declared by a Rust type.
#[derive(Variables)]
pub struct Inputs {
    /// How long the logs are kept, in days.
    #[variable(default = 400, nullable = false, validation(condition = var.retention >= 365, error_message = "keep logs at least a year"))]
    pub retention: u32,
    /// The networks allowed in.
    pub admin_cidrs: Vec<String>,
    /// Extra tags.
    pub tags: std::collections::BTreeMap<String, String>,
    /// Where alarms go; none by default.
    #[variable(sensitive)]
    pub alarm_email: Option<String>,
    /// The subnets, by name.
    #[variable(type = "map(object({ cidr: string, public: optional(bool, false) }))")]
    pub subnets: serde_json::Value,
}

struct Typed;

#[stack(name = "typed", policy = "policies/retention-year.toml")]
impl Typed {
    fn define(&self, stack: &mut Stack) {
        let var = stack.declare::<Inputs>();
        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });
        resource!(aws_cloudwatch_log_group.app { name: "/app", retention_in_days: var.retention, kms_key_id: key.arn, tags: var.tags });
        output!(admins { value: var.admin_cidrs, description: "the admin networks" });
    }
}

#[test]
fn a_rust_type_declares_the_variables_and_the_rules_see_them() {
    let s = synthesize(&Typed.build()).expect("the validation bounds the retention: the organisation rule passes");
    let c = config(&s);
    let v = &c["variable"];
    assert_eq!(v["retention"]["type"], "number");
    assert_eq!(v["retention"]["default"], 400);
    assert_eq!(v["retention"]["nullable"], false);
    assert_eq!(v["retention"]["description"], "How long the logs are kept, in days.");
    assert_eq!(v["admin_cidrs"]["type"], "list(string)");
    assert_eq!(v["tags"]["type"], "map(string)");
    assert_eq!(v["alarm_email"]["sensitive"], true);
    assert_eq!(v["alarm_email"]["default"], serde_json::Value::Null);
    assert_eq!(v["subnets"]["type"], "map(object({ cidr = string, public = optional(bool, false) }))");
    assert_eq!(c["resource"]["aws_cloudwatch_log_group"]["app"]["retention_in_days"], "${var.retention}");
    assert_eq!(c["output"]["admins"]["value"], "${var.admin_cidrs}");
}

#[test]
fn a_function_call_built_at_run_time_is_checked_at_synthesis() {
    let mut stack = built_in_code();
    stack.output("typo", "a misspelled function", Value::call("cidrsubnett", vec!["10.0.0.0/16".into(), 8.into(), 1.into()]));
    stack.output("short", "an argument missing", Value::call("cidrsubnet", vec!["10.0.0.0/16".into(), 8.into()]));
    stack.output("kind", "a literal of the wrong kind", Value::call("cidrsubnet", vec!["10.0.0.0/16".into(), "eight".into(), 1.into()]));
    stack.output("fine", "a correct call", Value::call("cidrsubnet", vec!["10.0.0.0/16".into(), "8".into(), 1.into()]));
    let errors: Vec<String> = validate(&stack).iter().map(ToString::to_string).collect();
    assert!(errors.iter().any(|e| e.starts_with("`output.typo.value`: `cidrsubnett` is not a Terraform function") && e.contains("tf::cidrsubnet")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.starts_with("`output.short.value`: `cidrsubnet` takes 3 arguments")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.starts_with("`output.kind.value`") && e.contains("`newbits`")), "{errors:#?}");
    assert!(!errors.iter().any(|e| e.contains("output.fine")), "{errors:#?}");
}
