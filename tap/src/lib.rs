//! tap: cloud infrastructure in Rust, refused by the compiler when a
//! resource is misspelled, mistyped or insecure, and synthesized to
//! deterministic Terraform JSON.
//!
//! This is the one crate a user depends on. `use tap::prelude::*;` brings
//! the macros, the model and a marker type per resource type:
//!
//! ```
//! use tap::prelude::*;
//!
//! pub struct Network { pub cidr: String }
//!
//! #[stack(name = "network")]
//! impl Network {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("us-west-2"));
//!         let vpc = resource!(aws_vpc.main {
//!             cidr_block: self.cidr.clone(),
//!             enable_dns_support: true,
//!         });
//!         output!(vpc_id { value: vpc.id, description: "the VPC's id" });
//!     }
//! }
//!
//! let stack = Network { cidr: "10.0.0.0/16".into() }.build();
//! let out = tap::synth::synthesize(&stack).unwrap();
//! assert!(String::from_utf8_lossy(&out.files["cdk.tf.json"]).contains("${aws_vpc.main.id}"));
//! ```
//!
//! # Components
//!
//! A `#[component]` function declares resources into a [`Scope`](graph::Scope)
//! with the same `resource!`, `data!` and `output!`, and every check a
//! stack gets: the schema, references through its typed parameters, and
//! the security rules. A handle's Rust type names its resource type, so a
//! parameter says what it accepts:
//!
//! ```
//! use tap::prelude::*;
//!
//! /// A table encrypted with the key it is given, with point-in-time recovery.
//! #[component]
//! pub fn encrypted_table(scope: &mut Scope, hash_key: &str, key: &Handle<aws_kms_key>) -> Handle<aws_dynamodb_table> {
//!     resource!(aws_dynamodb_table.table {
//!         name: scope.name("table"),
//!         billing_mode: "PAY_PER_REQUEST",
//!         hash_key: hash_key,
//!         attribute { name: hash_key, r#type: "S" }
//!         server_side_encryption { enabled: true, kms_key_arn: key.arn }
//!         point_in_time_recovery { enabled: true }
//!     })
//! }
//!
//! pub struct Orders;
//!
//! #[stack(name = "orders")]
//! impl Orders {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("eu-west-1"));
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         // `aws_dynamodb_table.orders_table` and `aws_dynamodb_table.returns_table`.
//!         encrypted_table(&mut stack.scope("orders"), "id", &key);
//!         encrypted_table(&mut stack.scope("returns"), "id", &key);
//!     }
//! }
//!
//! let stack = Orders.build();
//! assert!(stack.resources.iter().any(|r| r.address.to_string() == "aws_dynamodb_table.returns_table"));
//! ```
//!
//! # Testing stacks and components
//!
//! [`testing`] synthesizes a stack in memory and asserts on the Terraform
//! JSON it renders: resources by type and properties (partial `json!`
//! matches, or a dotted path), counts, outputs, and the findings of the
//! security rules. A failed assertion names the nearest resource and each
//! way it differs. Every `assert_*` has a `find_*` or `check_*` twin that
//! returns the error instead of panicking.
//!
//! ```
//! use tap::prelude::*;
//! use tap::testing::{any_element, json, reference_to, Template};
//!
//! #[component]
//! pub fn table(scope: &mut Scope, key: &Handle<aws_kms_key>, recovery: bool) -> Handle<aws_dynamodb_table> {
//!     resource!(aws_dynamodb_table.table {
//!         name: scope.name("table"),
//!         billing_mode: "PAY_PER_REQUEST",
//!         hash_key: "id",
//!         attribute { name: "id", r#type: "S" }
//!         server_side_encryption { enabled: true, kms_key_arn: key.arn }
//!         point_in_time_recovery { enabled: recovery }
//!     })
//! }
//!
//! pub struct Orders { pub recovery: bool }
//!
//! #[stack(name = "orders")]
//! impl Orders {
//!     fn define(&self, stack: &mut Stack) {
//!         stack.provider(Provider::aws("eu-west-1"));
//!         let key = resource!(aws_kms_key.main { enable_key_rotation: true });
//!         table(&mut stack.scope("orders"), &key, self.recovery);
//!     }
//! }
//!
//! let template = Template::of(&Orders { recovery: true });
//! template.assert_resource_with("aws_dynamodb_table", "point_in_time_recovery.enabled", true);
//! template.assert_resource("aws_dynamodb_table", json!({
//!     "server_side_encryption": [{ "enabled": true, "kms_key_arn": reference_to("aws_kms_key") }],
//!     "attribute": any_element(json!({ "name": "id" })),
//! }));
//!
//! // A failure says which resource came nearest and how it differs.
//! let error = template.find_resource("aws_dynamodb_table", json!({ "billing_mode": "PROVISIONED" })).unwrap_err();
//! assert!(error.message().contains(r#"billing_mode: expected "PROVISIONED", found "PAY_PER_REQUEST""#));
//!
//! // A stack whose rules fail still renders, to assert that the rule fires.
//! let template = Template::synth_allowing_findings(&Orders { recovery: false }).unwrap();
//! template.assert_finding("TAP-DDB-002", "aws_dynamodb_table.orders_table");
//! ```
//!
//! # Layout
//!
//! The model, checks and synthesis live in `tap-iac-core` and the macros
//! in `tap-iac-macros`; this crate re-exports chosen items of both, module
//! by module, so users name one crate and one version, and what the
//! generated code needs stays out of the API. `__private` is the path
//! generated code uses: hidden, and free to change in any release.
//!
//! Every `Handle<T>` dereferences to `T`'s shape ([`graph::shape`]): a
//! struct whose fields are `T`'s attributes, so rustc checks `orders.arn`
//! wherever the handle comes from. Code generic over `T: ResourceType`
//! names attributes with `handle.attr("arn")`, checked at synthesis.

pub use tap_macros::{backend, check, component, data, import, local, moved, output, provider, removed, resource, stack, variable, Variables};

/// The model: stacks, component scopes, resources and their handles,
/// providers, backends, outputs, and [`Graph`](graph::Graph), the index
/// rules read a stack through.
pub mod graph {
    pub use tap_core::graph::{lifecycle, Condition, Provisioner};
    pub use tap_core::graph::{overrides, shape};
    pub use tap_core::graph::{
        AnyType, Backend, Change, Edge, Graph, Handle, Instance, InstanceId, Lifecycle, Local, Origin, Output, Override, Provider, ProviderFacts, Resource, ResourceType, Scope, ScopeCollision, Stack, Suppression,
        TypeFacts, Validation, Var, Variable, Variables,
    };
    /// `moved`, `import`, `removed` and `check` blocks.
    pub use tap_core::graph::{blocks, Assertion, Check, Import, Moved, Removed, Repetition, Target, TargetKey};
}

/// A stack as its author defines it: [`StackDefinition`](definition::StackDefinition),
/// which `#[stack]` implements, and the model with its policy side by side.
pub mod definition {
    pub use tap_core::definition::{AsDefined, DefinedStack, StackDefinition};
}

/// Deterministic Terraform JSON, validated and checked against the policy,
/// in memory or written atomically to a directory.
pub mod synth {
    pub use tap_core::synth::{
        override_summary, policy_summary, required_version, synthesize, synthesize_allowing_findings, synthesize_to, synthesize_to_with, synthesize_with, write, OverrideEntry, SynthError, SynthOptions, Synthesized, REPORT_JSON, REPORT_SARIF,
    };
}

/// Security rules, packs, organisation policy, suppressions and the report
/// (JSON and SARIF), and the interface a rule written in Rust implements.
pub mod policy {
    pub use tap_core::policy::{
        check_reason, check_suppression, evaluate, evaluate_rules, pack, rules_markdown, type_matches, Evaluation, Finding, FindingLine, Level, OrgPolicy, Outcome, Pack, Place, PolicyError,
        PolicyFileError, PolicyRule, PolicySource, ReasonProblem, Report, Row, RowState, RuleInfo, RuleSet, StackPolicy, SuppressionError, SuppressionProblem, SuppressionSite, SuppressionUse, UnknownPack,
        DEFAULT_PACKS, MIN_REASON_LEN, PACKS, SARIF_SCHEMA,
    };
}

/// Reading values the way every rule does: block instances, references
/// followed, JSON documents entered, default tags merged, one notion of set.
pub mod navigate {
    pub use tap_core::navigate::{evaluate, get, guarantee, is_set, reach, resolve, Guarantee, Reached};
}

/// Provider schemas, the checks of a body against them, the provider
/// descriptors (accepted values, reference kinds, default tags), and which
/// arguments are sensitive.
pub mod schema {
    pub use tap_core::schema::{backends, descriptor, functions, sensitive};
    pub use tap_core::schema::{
        is_sensitive, provider_of, Attribute, Block, CtyType, Descriptor, Descriptors, Expected, IssueKind, IssueTarget, NestedAttributes, NestedBlock, NestingMode, ObjectField, ReferencePathError,
        SchemaIssue, TypeConstraint, REDACTED,
    };
}

/// Whole-stack validation: what synthesis refuses before any rule runs.
pub mod validate {
    pub use tap_core::validate::{validate, Site, ValidationError};
}

/// Each element's own Terraform JSON fragment: the seam for another output format.
pub mod element {
    pub use tap_core::element::{Element, RenderContext};
}

/// The value model: literals, lists, maps, blocks, references, function
/// calls, templates, and expressions (operators, conditionals, `for`, splats).
pub mod value {
    pub use tap_core::value::{to_terraform_json, BinaryOp, Call, CallProvider, Expr, Fields, For, OperandKind, UnaryOp, Value};
}

/// Addresses (`aws_vpc.main`, `data.aws_region.here`) and references to
/// their attributes, to variables (`var.x`) and to local values (`local.x`).
pub mod reference {
    pub use tap_core::reference::{Address, InstanceKey, Mode, Reference, Root};
}

/// Attribute paths: `policy.Statement[0].Action`, with `[*]` for every element.
pub mod path {
    pub use tap_core::path::{AttrPath, Step};
}

/// Reproducible zip assets for Lambda code.
pub mod asset {
    pub use tap_core::asset::{Asset, AssetError, AssetHandle};
}

/// Tests of stacks and components: in-memory synthesis and assertions on
/// the Terraform JSON and the findings.
pub mod testing {
    pub use tap_core::testing::*;
}

/// One marker type per resource type and data source of every provider
/// schema tap embeds: `Handle<aws_kms_key>` is a handle to an
/// `aws_kms_key`, `Handle<data::aws_iam_policy_document>` one to that data
/// source. `resource!` returns handles of these types. Types of providers
/// a crate adds in its `tap.toml` have no marker: their handles are
/// [`Handle`](graph::Handle)s of any type.
#[allow(non_camel_case_types)]
pub mod types {
    tap_macros::__resource_types!();
}

/// What stack and component authors need, in one import.
pub mod prelude {
    pub use crate::types::*;
    pub use crate::{backend, check, component, data, import, local, moved, output, provider, removed, resource, stack, variable, Variables};
    pub use tap_core::prelude::*;
}

#[doc(hidden)]
pub mod __private {
    pub use tap_core::__private::*;
    pub use tap_core::{graph, reference, schema, value};
}
