//! Coverage test: every resource type and data source of every embedded
//! provider, declared with only its required arguments and required
//! blocks, passes the compile-time schema checks. A type tap would call
//! unknown, or a required-only body it would reject, fails here.

use std::collections::BTreeMap;

use tap_core::reference::Mode;
use tap_core::schema::descriptor::{Accepted, Descriptor};
use tap_core::schema::{Attribute, Block, CtyType, NestedAttributes, NestingMode};

use crate::diag::Diagnostics;
use crate::parse;
use crate::resolve::Resolver;
use crate::schema;
use crate::scope::Scope;

/// A literal of the type, in the DSL.
fn literal(ty: &CtyType) -> String {
    match ty {
        CtyType::String | CtyType::Dynamic => "\"example\"".into(),
        CtyType::Number => "1".into(),
        CtyType::Bool => "false".into(),
        CtyType::List(elem) | CtyType::Set(elem) => format!("[{}]", literal(elem)),
        CtyType::Map(elem) => format!("{{ key: {} }}", literal(elem)),
        CtyType::Object(fields) => object(fields.iter().map(|(k, t)| (k.as_str(), literal(t)))),
        CtyType::Tuple(items) => format!("[{}]", items.iter().map(literal).collect::<Vec<_>>().join(", ")),
    }
}

fn object<'a>(fields: impl Iterator<Item = (&'a str, String)>) -> String {
    let fields: Vec<String> = fields.map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{ {} }}", fields.join(", "))
}

/// The value of a required attribute at `path` (names joined by dots).
fn attribute_value(type_name: &str, path: &str, attr: &Attribute) -> String {
    match Descriptor::embedded(tap_core::schema::provider_of(type_name)).and_then(|d| d.accepted(type_name, path)) {
        Some(Accepted::Strings { values, .. }) => return format!("\"{}\"", values[0]),
        Some(Accepted::Ints(values)) => return values[0].to_string(),
        Some(Accepted::IntRange(lo, _)) => return lo.to_string(),
        None => {}
    }
    if let Some(nested) = &attr.nested_type {
        return nested_value(type_name, path, nested);
    }
    attr.ty.as_ref().map_or_else(|| "\"example\"".into(), literal)
}

fn nested_value(type_name: &str, path: &str, nested: &NestedAttributes) -> String {
    let one = object(required_attributes(&nested.attributes).map(|(k, a)| (k, attribute_value(type_name, &format!("{path}.{k}"), a))));
    match nested.nesting_mode {
        NestingMode::Single | NestingMode::Group => one,
        NestingMode::List | NestingMode::Set => format!("[{one}]"),
        NestingMode::Map => format!("{{ key: {one} }}"),
    }
}

fn required_attributes(attrs: &BTreeMap<String, Attribute>) -> impl Iterator<Item = (&str, &Attribute)> {
    attrs.iter().filter(|(_, a)| a.required).map(|(k, a)| (k.as_str(), a))
}

/// The entries of a body with only what the block requires.
fn required_body(type_name: &str, prefix: &str, block: &Block) -> String {
    let mut out = Vec::new();
    for (name, attr) in required_attributes(&block.attributes) {
        let path = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
        out.push(format!("{name}: {},", attribute_value(type_name, &path, attr)));
    }
    for (name, nested) in block.block_types.iter().filter(|(_, b)| b.is_required()) {
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        for _ in 0..nested.min_items.max(1) {
            out.push(format!("{name} {{ {} }}", required_body(type_name, &path, &nested.block)));
        }
    }
    out.join(" ")
}

#[test]
fn every_type_of_every_embedded_provider_passes_the_schema_checks_with_its_required_arguments() {
    let schemas = schema::load_for(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/no-config")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for provider in schemas.providers() {
        for mode in [Mode::Managed, Mode::Data] {
            for type_name in provider.type_names(mode) {
                let block = provider.block(mode, type_name).expect("listed").expect("parses");
                let source = format!("{type_name}.r {{ {} }}", required_body(type_name, "", block));
                let tokens: proc_macro2::TokenStream = source.parse().unwrap_or_else(|e| panic!("{source}: {e}"));
                let inv = parse::invocation(mode, tokens).unwrap_or_else(|e| panic!("{source}: {e}"));
                let mut diags = Diagnostics::new();
                let _ = Resolver::new(&schemas, None, &mut diags).resource(inv, &Scope::default());
                if let Err(e) = diags.check() {
                    failures.push(format!("{source}\n  {}", e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n  ")));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} types fail:\n{}", failures.len(), failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n"));
    // 1,581 + 630 AWS, and the utility providers' 18 resources and 4 data sources.
    assert_eq!(checked, 1581 + 630 + 18 + 4);
}
