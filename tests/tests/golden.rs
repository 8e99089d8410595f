//! The bytes every shipped stack synthesizes, pinned: the production stack
//! in two configurations and the benchmark stack. A refactoring of the
//! library must leave them byte-identical; an intended change regenerates
//! them with `TAP_BLESS_GOLDEN=1 cargo test -p tap-tests --test golden`
//! and the diff is reviewed like code. (hello-stack pins its own output in
//! its crate, against the same directory.)

mod stack_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stack_support::read_tree;
use tap::prelude::StackDefinition;
use tap_stack::{Config, NatLayout, StateConfig};

fn golden_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden").join(name)
}

fn check_golden(name: &str, files: &BTreeMap<String, Vec<u8>>) {
    let dir = golden_dir(name);
    if std::env::var_os("TAP_BLESS_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, bytes) in files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        return;
    }
    let golden = read_tree(&dir);
    assert!(!golden.is_empty(), "no golden files in tests/golden/{name}; create them with TAP_BLESS_GOLDEN=1");
    assert_eq!(files.keys().collect::<Vec<_>>(), golden.keys().collect::<Vec<_>>(), "{name}: the set of files changed");
    for (rel, bytes) in files {
        if *bytes != golden[rel] {
            let (got, want) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(&golden[rel]));
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).map_or(String::new(), |i| {
                format!(" first differing line {}:\n  now:    {}\n  golden: {}", i + 1, got.lines().nth(i).unwrap(), want.lines().nth(i).unwrap())
            });
            panic!("{name}/{rel} differs from tests/golden/{name}/{rel}{line}");
        }
    }
}

#[test]
fn the_production_stack_synthesizes_its_golden_bytes() {
    let (_, synthesized) = tap_stack::synthesize(&Config::default()).unwrap_or_else(|e| panic!("{e}"));
    check_golden("tap-stack-default", &synthesized.files);
}

#[test]
fn the_production_stack_with_every_option_synthesizes_its_golden_bytes() {
    let config = Config {
        zones: 3,
        nat: NatLayout::Single,
        alarm_email: Some("oncall@example.com".into()),
        open_api: true,
        throwaway: true,
        ..Config::default()
    };
    let (_, synthesized) = tap_stack::synthesize(&config).unwrap_or_else(|e| panic!("{e}"));
    check_golden("tap-stack-options", &synthesized.files);
}

#[test]
fn the_production_stack_with_lockfile_locking_synthesizes_its_golden_bytes() {
    let config = Config { state: StateConfig { lockfile: true, ..Config::default().state }, ..Config::default() };
    let (_, synthesized) = tap_stack::synthesize(&config).unwrap_or_else(|e| panic!("{e}"));
    check_golden("tap-stack-lockfile", &synthesized.files);
}

#[test]
fn the_production_stack_with_state_moves_synthesizes_its_golden_bytes() {
    let config = Config { state: StateConfig { moves: true, ..Config::default().state }, alarm_email: Some("oncall@example.com".into()), ..Config::default() };
    let (defined, synthesized) = tap_stack::synthesize(&config).unwrap_or_else(|e| panic!("{e}"));
    check_golden("tap-stack-moves", &synthesized.files);
    let c: serde_json::Value = serde_json::from_slice(&synthesized.files["cdk.tf.json"]).unwrap();
    let moved: Vec<String> = c["moved"].as_array().unwrap().iter().map(|m| format!("{} -> {}", m["from"].as_str().unwrap(), m["to"].as_str().unwrap())).collect();
    for expected in ["aws_vpc.main -> aws_vpc.network_vpc", "aws_subnet.private_1 -> aws_subnet.network_private_1", "aws_lambda_permission.items_get -> aws_lambda_permission.api_route_items_get", "aws_sns_topic_subscription.alarm_email -> aws_sns_topic_subscription.alarms_email"] {
        assert!(moved.contains(&expected.to_owned()), "{expected} in {moved:#?}");
    }
    // Every renamed resource of the table, and nothing else: the plan moves state, it replaces nothing.
    assert_eq!(moved.len(), tap_stack::moves::moves(&defined.stack).len());
    assert!(moved.iter().all(|m| !m.starts_with("aws_api_gateway_rest_api.")), "the REST API keeps its address");
    let versions: serde_json::Value = serde_json::from_slice(&synthesized.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.1.0", "moved blocks need Terraform 1.1");
}

#[test]
fn the_benchmark_stack_synthesizes_its_golden_bytes() {
    let stack = tap_bench::ScaleStack { units: 2 }.build();
    let synthesized = tap::synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    check_golden("bench-scale", &synthesized.files);
}
