//! Every backend of the tables, rendered: with every argument its table
//! has (one of each conflicting pair), and with its required ones only.
//! The Terraform JSON holds only names the table has, the required ones
//! always, nested objects and blocks as objects, and `cloud` under
//! `terraform.cloud`. tfvalidate does not check backend blocks, so this is
//! the check of their shape.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as J;
use tap_core::graph::{Backend, Stack};
use tap_core::schema::backends::{backend_names, backend_table, BackendTable, CLOUD};
use tap_core::schema::{Attribute, CtyType, NestedBlock};
use tap_core::synth::{synthesize, SynthError};
use tap_core::value::{Fields, Value};

/// A literal of the type, as a user would write it.
fn sample(ty: &CtyType) -> Value {
    match ty {
        CtyType::String => Value::from("x"),
        CtyType::Bool => Value::Bool(true),
        CtyType::Number => Value::Int(3),
        CtyType::List(t) | CtyType::Set(t) => Value::List(vec![sample(t)]),
        CtyType::Map(t) => Value::Map([("k".to_owned(), sample(t))].into()),
        // `cloud`'s `workspaces.tags`: a list of tags (or, since 1.10, a map).
        CtyType::Dynamic => Value::List(vec![Value::from("x")]),
        other => panic!("no sample of {other:?}"),
    }
}

fn attribute_value(attr: &Attribute, all: bool) -> Value {
    match (&attr.ty, &attr.nested_type) {
        (Some(ty), _) => sample(ty),
        (None, Some(nested)) => Value::Block(attributes(&nested.attributes, all)),
        (None, None) => panic!("an attribute without a type"),
    }
}

fn attributes(attrs: &BTreeMap<String, Attribute>, all: bool) -> Fields {
    attrs.iter().filter(|(_, a)| all || a.required).map(|(name, a)| (name.clone(), attribute_value(a, all))).collect()
}

/// The block's arguments: every one, or the required ones only; the
/// second of each conflicting pair left out.
fn arguments(table: &BackendTable, all: bool) -> Fields {
    let mut fields = attributes(&table.block.attributes, all);
    for (name, nested) in &table.block.block_types {
        if all || nested.is_required() {
            fields.insert(name.clone(), Value::Block(attributes(&nested.block.attributes, all)));
        }
    }
    for [_, second] in &table.conflicts {
        let mut parts = second.split('.');
        let (first, inner) = (parts.next().unwrap(), parts.next());
        match inner {
            None => {
                fields.remove(first);
            }
            Some(inner) => {
                if let Some(Value::Block(b)) = fields.get_mut(first) {
                    b.remove(inner);
                }
            }
        }
    }
    fields
}

fn rendered(name: &str, args: Fields) -> (J, J) {
    let mut stack = Stack::new("backends");
    stack.backend(Backend { kind: name.to_owned(), arguments: args });
    let out = synthesize(&stack).unwrap_or_else(|e| panic!("{name}: {e}"));
    let doc: J = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    let versions: J = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    let body = if name == CLOUD { doc["terraform"]["cloud"].clone() } else { doc["terraform"]["backend"][name].clone() };
    assert!(body.is_object(), "{name}: not rendered where Terraform reads it: {}", doc["terraform"]);
    (body, versions["terraform"]["required_version"].clone())
}

/// Every key of `body` is a name of the block (`attributes` and
/// `blocks`), at every depth, and every required one is there.
fn assert_fits(name: &str, attributes: &BTreeMap<String, Attribute>, blocks: &BTreeMap<String, NestedBlock>, body: &J) {
    let keys: BTreeSet<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    let known: BTreeSet<&str> = attributes.keys().chain(blocks.keys()).map(String::as_str).collect();
    assert!(keys.is_subset(&known), "{name}: unknown names {:?}", keys.difference(&known).collect::<Vec<_>>());
    for (arg, attr) in attributes {
        assert!(!attr.required || keys.contains(arg.as_str()), "{name}: required `{arg}` missing");
        if let (Some(nested), Some(value)) = (&attr.nested_type, body.get(arg)) {
            assert!(value.is_object(), "{name}.{arg}: a nested object renders as an object");
            assert_fits(&format!("{name}.{arg}"), &nested.attributes, &BTreeMap::new(), value);
        }
    }
    for (arg, nested) in blocks {
        if let Some(value) = body.get(arg) {
            assert!(value.is_object(), "{name}.{arg}: a single nested block renders as an object");
            assert_fits(&format!("{name}.{arg}"), &nested.block.attributes, &nested.block.block_types, value);
        }
    }
}

#[test]
fn every_backend_renders_only_the_arguments_of_its_table_with_the_required_ones() {
    let names: Vec<&str> = backend_names().collect();
    assert_eq!(names.len(), 9);
    for name in names {
        let table = backend_table(name).unwrap();
        for all in [true, false] {
            let args = arguments(table, all);
            let (body, _) = rendered(name, args.clone());
            assert_fits(name, &table.block.attributes, &table.block.block_types, &body);
            assert_eq!(body.as_object().unwrap().len(), args.len(), "{name}: every argument set is rendered");
        }
    }
}

#[test]
fn the_required_version_follows_the_backend() {
    let version = |b: Backend| rendered(&b.kind.clone(), b.arguments).1;
    assert_eq!(version(Backend::s3_dynamodb("state", "k", "us-west-2", "locks")), ">= 1.0.0");
    assert_eq!(version(Backend::s3("state", "k", "us-west-2")), ">= 1.11.0");
    assert_eq!(version(Backend::local("terraform.tfstate")), ">= 1.0.0");
    assert_eq!(version(Backend::cloud("acme", "orders")), ">= 1.1.0");
    assert_eq!(version(Backend::new("gcs").with("bucket", "b").with("kms_encryption_key", "k")), ">= 1.4.0");
}

#[test]
fn a_backend_built_at_run_time_is_checked_at_synthesis() {
    let mut stack = Stack::new("checked");
    stack.backend(Backend::s3("state", "k", "us-west-2").with("use_lock_file", true).with("encrypt", "yes"));
    let Err(SynthError::Validation(errors)) = synthesize(&stack) else { panic!("a bad backend must fail synthesis") };
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "`terraform.backend.s3.encrypt`: `encrypt` of `backend \"s3\"` expects a bool, found a string",
            "`terraform.backend.s3.use_lock_file`: `backend \"s3\"` has no argument or block `use_lock_file`\n  help: did you mean `use_lockfile`?",
        ]
    );

    let mut stack = Stack::new("unknown");
    stack.backend(Backend::new("azure").with("key", "k"));
    let Err(SynthError::Validation(errors)) = synthesize(&stack) else { panic!("an unknown backend must fail synthesis") };
    assert_eq!(errors[0].to_string(), "`terraform.backend.azure`: unknown backend `azure`\n  help: did you mean `azurerm`?");

    let mut stack = Stack::new("required");
    stack.backend(Backend::new("consul").with("address", "consul:8500"));
    let Err(SynthError::Validation(errors)) = synthesize(&stack) else { panic!("consul without path must fail") };
    assert_eq!(errors[0].to_string(), "`terraform.backend.consul`: `backend \"consul\"` is missing required argument `path`\n  help: add `path: ...` (string)");
}
