//! The policy report as SARIF 2.1.0, the format code-scanning services
//! read (GitHub shows each result inline on the pull request).
//!
//! Layer: policy. A pure rendering of a [`Report`]: it evaluates nothing,
//! reads only [`Row`] fields, the rejected suppressions and the rules'
//! metadata ([`rule`]), and writes nothing (synthesis puts the document in
//! `policy-report.sarif`). Output is deterministic: rows keep the report's
//! order, rules are sorted by ID, and `serde_json`'s maps are sorted.
//!
//! Each result points at the Rust line of the `resource!` that declared
//! the resource, relative to `%SRCROOT%`: the directory Cargo compiles the
//! crate from (the workspace root, for a workspace member), which is what
//! `file!()` paths are relative to. Scanners of Terraform can only point at
//! the generated JSON.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as J};

use super::{Level, Report, Row, RowState, RuleInfo, RuleSet, SuppressionSite};
use crate::graph::Origin;

/// The URI base that every source location is relative to.
pub const SRCROOT: &str = "%SRCROOT%";

/// The schema the document names in `$schema`.
pub const SARIF_SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

impl Report {
    /// The report as one SARIF 2.1.0 log with one run. `stack_name` becomes
    /// the run's `automationDetails.id` (`tap/<stack>/`), which code
    /// scanning uses to keep the analyses of several stacks apart.
    ///
    /// - `tool.driver.rules`: every rule a result names, sorted by ID, from
    ///   its metadata (message, rationale, fix, default level).
    /// - `results`: one per row. Suppressed findings carry an `inSource`
    ///   suppression with the reason, which code scanning shows as
    ///   dismissed; findings tap could not decide (a value known only when
    ///   Terraform applies) are failures, as tap fails closed, and say so
    ///   in the message and in `properties.state`.
    /// - `invocations[0].toolConfigurationNotifications`: the rejected
    ///   suppressions, which are errors in the stack's policy configuration
    ///   rather than findings about a resource.
    pub fn to_sarif(&self, stack_name: &str) -> J {
        let mut rule_ids: Vec<&str> = self.rows.iter().map(rule_id).collect();
        rule_ids.sort_unstable();
        rule_ids.dedup();
        let rule_index: BTreeMap<&str, usize> = rule_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let rules: Vec<J> = rule_ids
            .iter()
            .map(|id| {
                let first = self.rows.iter().find(|r| rule_id(r) == *id).expect("BUG: a rule ID without a row");
                rule_descriptor(id, first, &self.rules)
            })
            .collect();
        let results: Vec<J> = self.rows.iter().map(|row| result(row, rule_index[rule_id(row)])).collect();

        let notifications: Vec<J> = self
            .suppression_errors
            .iter()
            .map(|problem| {
                let (name, kind) = match &problem.on {
                    SuppressionSite::Resource(address) => (address.to_string(), "resource"),
                    SuppressionSite::Stack => (stack_name.to_owned(), "module"),
                    instance => (instance.describe(), "module"),
                };
                json!({
                    "descriptor": { "id": "suppression" },
                    "level": "error",
                    "message": { "text": format!("{}; help: {}", problem.message(), problem.error.help()) },
                    "locations": [{ "logicalLocations": [{ "fullyQualifiedName": name, "kind": kind }] }],
                })
            })
            .collect();
        let mut invocation = json!({ "executionSuccessful": true });
        if !notifications.is_empty() {
            invocation["toolConfigurationNotifications"] = J::Array(notifications);
        }

        json!({
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "tap",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                } },
                "automationDetails": { "id": format!("tap/{stack_name}/") },
                "originalUriBaseIds": { SRCROOT: { "description": { "text": "the directory Cargo compiled the stack's crate from: the workspace root for a workspace member; the paths of `file!()` are relative to it" } } },
                "invocations": [invocation],
                "results": results,
            }],
        })
    }
}

/// The row's rule ID as `&str`, whichever string type `Row::rule_id` is.
fn rule_id(row: &Row) -> &str {
    AsRef::<str>::as_ref(&row.rule_id)
}

/// SARIF's level for a tap level. Suppressed findings keep the level they
/// would have had: code scanning shows them as dismissed, not as notes.
fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// `tool.driver.rules[]`: the rule's own metadata, as the report kept it
/// (or, for a report built by hand, as tap ships it; failing both, what
/// its first row says).
fn rule_descriptor(id: &str, first: &Row, rules: &BTreeMap<String, RuleInfo>) -> J {
    let mut d = Map::new();
    d.insert("id".into(), J::String(id.to_owned()));
    let shipped = RuleSet::built_in();
    let (short, full, fix, level) = match (rules.get(id), shipped.rule(id)) {
        (Some(info), _) => (info.message.clone(), Some(info.rationale.as_str()).filter(|r| !r.is_empty()), info.fix.as_str(), info.level),
        (None, Some(r)) => (r.message().to_owned(), Some(r.rationale()).filter(|r| !r.is_empty()), r.fix(), r.level()),
        (None, None) => (first.message.clone(), None, first.fix.as_str(), first.level),
    };
    d.insert("shortDescription".into(), json!({ "text": short }));
    if let Some(full) = full {
        d.insert("fullDescription".into(), json!({ "text": full }));
    }
    let mut help_text = format!("fix: {fix}");
    let mut help_markdown = format!("**Fix:** {fix}");
    if let Some(full) = full {
        help_text = format!("{full}\n\n{help_text}");
        help_markdown = format!("{full}\n\n{help_markdown}");
    }
    help_text.push_str(&format!("\n\nTo accept a finding, add a suppression naming {id} with a reason."));
    help_markdown.push_str(&format!("\n\nTo accept a finding, add a suppression naming `{id}` with a reason."));
    d.insert("help".into(), json!({ "text": help_text, "markdown": help_markdown }));
    d.insert("defaultConfiguration".into(), json!({ "level": sarif_level(level) }));
    d.insert("properties".into(), json!({ "tags": ["security", "terraform"] }));
    J::Object(d)
}

/// `results[]`: one row.
fn result(row: &Row, rule_index: usize) -> J {
    let rule_id = self::rule_id(row);
    let (state, suffix) = match &row.state {
        RowState::NonCompliant => ("non_compliant", ""),
        RowState::Unknown => ("unknown", " (unknown until apply: failing closed)"),
        RowState::Suppressed { .. } => ("suppressed", ""),
    };
    let text = format!("`{}`: {}{}{suffix}", row.location(), row.message, row.context());

    let mut location = Map::new();
    if let Some(physical) = physical_location(&row.origin) {
        location.insert("physicalLocation".into(), physical);
    }
    let mut logical = vec![json!({ "name": row.address.name, "fullyQualifiedName": row.resource(), "kind": "resource" })];
    if !row.path.is_root() {
        logical.push(json!({ "name": row.path.to_string(), "fullyQualifiedName": row.location(), "kind": "property" }));
    }
    location.insert("logicalLocations".into(), J::Array(logical));

    let mut properties = json!({ "address": row.resource(), "attribute": row.path.to_string(), "state": state });
    if let Some(instance) = &row.instance {
        properties["instance"] = J::String(instance.clone());
    }

    let mut r = json!({
        "ruleId": rule_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": sarif_level(row.level),
        "message": { "text": text },
        "locations": [J::Object(location)],
        // Stable across edits that move the resource's line, unlike the
        // line hash code scanning computes when this is absent.
        "fingerprints": { "tap/v1": format!("{rule_id}|{}|{}", row.resource(), row.path) },
        "properties": properties,
    });
    // A resource of a component: the lines that created its instance, so a
    // reviewer of the stack's code sees the finding where the component is
    // used (the resource's own line may be in a library).
    let related: Vec<J> = row
        .call_sites
        .iter()
        .enumerate()
        .filter_map(|(i, site)| {
            let physical = physical_location(site)?;
            Some(json!({ "id": i, "physicalLocation": physical, "message": { "text": "the component instance is created here" } }))
        })
        .collect();
    if !related.is_empty() {
        r["relatedLocations"] = J::Array(related);
    }
    if let RowState::Suppressed { reason } = &row.state {
        r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    r
}

/// The Rust file and line of a resource. A resource built in plain code
/// (no `resource!`) has line 0: then only its file, if any, is named; with
/// no file either there is no physical location, and the result is placed
/// by its logical locations alone.
fn physical_location(origin: &Origin) -> Option<J> {
    if origin.file.is_empty() {
        return None;
    }
    let mut physical = json!({ "artifactLocation": artifact_location(origin.file) });
    if origin.line != 0 {
        physical["region"] = json!({ "startLine": origin.line });
    }
    Some(physical)
}

/// `{ "uri": "tap-stack/src/stack.rs", "uriBaseId": "%SRCROOT%" }` for a
/// path relative to the crate's root; a `file:` URI for an absolute one
/// (a crate compiled outside the workspace, such as a dependency).
fn artifact_location(file: &str) -> J {
    let path = file.replace('\\', "/");
    let windows_drive = path.len() >= 3 && path.as_bytes()[0].is_ascii_alphabetic() && &path[1..3] == ":/";
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(&path)) })
    } else if windows_drive {
        json!({ "uri": format!("file:///{}", encode_path(&path)) })
    } else {
        json!({ "uri": encode_path(path.trim_start_matches("./")), "uriBaseId": SRCROOT })
    }
}

/// Percent-encodes a path for a URI: unreserved characters, `/` and the
/// drive colon stay; everything else (spaces, `#`, `%`, non-ASCII bytes) is
/// escaped, so `src/my stack.rs` becomes `src/my%20stack.rs`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') || (b == b':' && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::path::AttrPath;
    use crate::policy::{SuppressionError, SuppressionProblem};
    use crate::reference::Address;

    fn row(rule_id: &'static str, name: &str, path: &str, state: RowState, origin: Origin) -> Row {
        Row {
            rule_id: rule_id.to_owned(),
            address: Arc::new(Address::resource(if rule_id.starts_with("TAP-LOG") { "aws_cloudwatch_log_group" } else { "aws_lambda_function" }, name)),
            key: None,
            path: if path.is_empty() { AttrPath::root() } else { AttrPath::parse(path).unwrap() },
            state,
            level: Level::Error,
            message: "the thing is wrong".into(),
            fix: "make it right".to_owned(),
            origin,
            instance: None,
            call_sites: Vec::new(),
        }
    }

    #[test]
    fn a_finding_in_a_component_points_at_the_lines_that_created_its_instance() {
        let mut report = report();
        report.rows[0].call_sites = vec![at(40), Origin { file: "", line: 0 }];
        let doc = report.to_sarif("app");
        let related = &run(&doc)["results"][0]["relatedLocations"];
        assert_eq!(
            *related,
            json!([{ "id": 0, "physicalLocation": { "artifactLocation": { "uri": "app/src/stack.rs", "uriBaseId": "%SRCROOT%" }, "region": { "startLine": 40 } }, "message": { "text": "the component instance is created here" } }])
        );
        assert!(run(&doc)["results"][1].get("relatedLocations").is_none());
    }

    fn at(line: u32) -> Origin {
        Origin { file: "app/src/stack.rs", line }
    }

    fn report() -> Report {
        Report {
            rows: vec![
                row("TAP-LMB-001", "api", "", RowState::NonCompliant, at(12)),
                row("TAP-LMB-002", "api", "vpc_config[0].subnet_ids", RowState::Unknown, at(12)),
                row("TAP-LOG-001", "app", "retention_in_days", RowState::Suppressed { reason: "kept by the archive job".into() }, at(30)),
            ],
            suppression_errors: vec![],
            suppressions: vec![],
            evaluated: 9,
            rules: BTreeMap::new(),
        }
    }

    fn run(doc: &J) -> &J {
        &doc["runs"][0]
    }

    #[test]
    fn one_result_per_row_pointing_at_the_rust_line() {
        let doc = report().to_sarif("app");
        assert_eq!(doc["version"], "2.1.0");
        let results = run(&doc)["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        let first = &results[0];
        assert_eq!(first["ruleId"], "TAP-LMB-001");
        assert_eq!(first["level"], "error");
        assert_eq!(first["kind"], "fail");
        let physical = &first["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"], json!({ "uri": "app/src/stack.rs", "uriBaseId": "%SRCROOT%" }));
        assert_eq!(physical["region"], json!({ "startLine": 12 }));
        assert_eq!(first["locations"][0]["logicalLocations"], json!([{ "name": "api", "fullyQualifiedName": "aws_lambda_function.api", "kind": "resource" }]));
        assert!(first.get("suppressions").is_none());
        assert_eq!(run(&doc)["automationDetails"]["id"], "tap/app/");
    }

    #[test]
    fn an_attribute_is_a_second_logical_location() {
        let doc = report().to_sarif("app");
        let logical = &run(&doc)["results"][1]["locations"][0]["logicalLocations"];
        assert_eq!(logical[1], json!({ "name": "vpc_config[0].subnet_ids", "fullyQualifiedName": "aws_lambda_function.api.vpc_config[0].subnet_ids", "kind": "property" }));
    }

    #[test]
    fn suppressed_findings_carry_an_in_source_suppression_with_the_reason() {
        let doc = report().to_sarif("app");
        let suppressed = &run(&doc)["results"][2];
        assert_eq!(suppressed["suppressions"], json!([{ "kind": "inSource", "justification": "kept by the archive job" }]));
        assert_eq!(suppressed["properties"]["state"], "suppressed");
        assert_eq!(suppressed["level"], "error");
    }

    #[test]
    fn unknown_until_apply_is_a_failure_that_says_so() {
        let doc = report().to_sarif("app");
        let unknown = &run(&doc)["results"][1];
        assert_eq!(unknown["kind"], "fail");
        assert_eq!(unknown["properties"]["state"], "unknown");
        assert!(unknown["message"]["text"].as_str().unwrap().ends_with("(unknown until apply: failing closed)"), "{unknown}");
    }

    #[test]
    fn rules_come_from_metadata_sorted_and_indexed() {
        let doc = report().to_sarif("app");
        let rules = run(&doc)["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["TAP-LMB-001", "TAP-LMB-002", "TAP-LOG-001"]);
        let shipped = RuleSet::built_in();
        let lmb = shipped.rule("TAP-LMB-001").unwrap();
        assert_eq!(rules[0]["shortDescription"]["text"], lmb.message());
        assert_eq!(rules[0]["fullDescription"]["text"], lmb.rationale());
        assert!(rules[0]["help"]["text"].as_str().unwrap().contains(lmb.fix()));
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        for result in run(&doc)["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
    }

    #[test]
    fn a_rule_tap_does_not_know_is_described_by_its_row() {
        let mut report = report();
        report.rows[0].rule_id = "ORG-TAG-001".to_owned();
        report.rows[0].level = Level::Warning;
        let doc = report.to_sarif("app");
        let rules = run(&doc)["tool"]["driver"]["rules"].as_array().unwrap();
        let custom = rules.iter().find(|r| r["id"] == "ORG-TAG-001").unwrap();
        assert_eq!(custom["shortDescription"]["text"], "the thing is wrong");
        assert_eq!(custom["defaultConfiguration"]["level"], "warning");
        assert!(custom.get("fullDescription").is_none());
        let result = run(&doc)["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "ORG-TAG-001").unwrap();
        assert_eq!(result["level"], "warning");
    }

    #[test]
    fn without_a_line_there_is_no_region_and_without_a_file_no_physical_location() {
        let mut report = report();
        report.rows[0].origin = Origin { file: "app/src/stack.rs", line: 0 };
        report.rows[1].origin = Origin::default();
        let doc = report.to_sarif("app");
        let results = &run(&doc)["results"];
        assert_eq!(results[0]["locations"][0]["physicalLocation"], json!({ "artifactLocation": { "uri": "app/src/stack.rs", "uriBaseId": "%SRCROOT%" } }));
        assert!(results[1]["locations"][0].get("physicalLocation").is_none());
        assert_eq!(results[1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], "aws_lambda_function.api");
    }

    #[test]
    fn paths_become_uris() {
        assert_eq!(artifact_location("src/my stack#1.rs"), json!({ "uri": "src/my%20stack%231.rs", "uriBaseId": "%SRCROOT%" }));
        assert_eq!(artifact_location("src\\stack.rs"), json!({ "uri": "src/stack.rs", "uriBaseId": "%SRCROOT%" }));
        assert_eq!(artifact_location("/home/ci/.cargo/registry/x/src/lib.rs"), json!({ "uri": "file:///home/ci/.cargo/registry/x/src/lib.rs" }));
        assert_eq!(artifact_location("C:\\x\\lib.rs"), json!({ "uri": "file:///C:/x/lib.rs" }));
        assert_eq!(encode_path("src/é.rs"), "src/%C3%A9.rs");
    }

    #[test]
    fn rejected_suppressions_are_configuration_notifications() {
        let mut report = report();
        report.suppression_errors.push(SuppressionProblem {
            on: SuppressionSite::Stack,
            error: SuppressionError::MatchedNothing { rule_id: "TAP-S3-001".into(), on: SuppressionSite::Stack },
        });
        let doc = report.to_sarif("app");
        let notes = run(&doc)["invocations"][0]["toolConfigurationNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0]["level"], "error");
        assert!(notes[0]["message"]["text"].as_str().unwrap().contains("TAP-S3-001"), "{}", notes[0]);
        assert_eq!(run(&doc)["invocations"][0]["executionSuccessful"], true);
        // None rejected: no notifications at all.
        let clean = self::report().to_sarif("app");
        assert!(run(&clean)["invocations"][0].get("toolConfigurationNotifications").is_none());
    }

    #[test]
    fn the_same_report_gives_the_same_bytes() {
        let a = serde_json::to_vec(&report().to_sarif("app")).unwrap();
        let b = serde_json::to_vec(&report().to_sarif("app")).unwrap();
        assert_eq!(a, b);
    }
}
