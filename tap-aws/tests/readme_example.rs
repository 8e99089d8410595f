//! The tap-aws example of the repository's README, compiled and synthesized.
//! The code above the tests is the README's example as written, except
//! that the asset is a directory that exists here; a test keeps the two
//! the same.

use tap::prelude::*;
use tap_aws::function::{Egress, PrivateFunction};
use tap_aws::iam::Grant;
use tap_aws::kms::{EncryptionKey, KeyPolicy};
use tap_aws::network::{Cidr, PrivateNetwork};
use tap_aws::table::EncryptedTable;
use tap_aws::{Account, Naming};

pub struct Orders;

#[stack(name = "orders")]
impl Orders {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("eu-west-1"));
        let caller = data!(aws_caller_identity.current {});
        let partition = data!(aws_partition.current {});
        let aws = Account::new("eu-west-1", &caller, &partition);
        let naming = Naming::new("shop-", "-prod");
        let network = PrivateNetwork::new("vpc", naming.clone(), "10.1.0.0/16".parse::<Cidr>().unwrap(), &["euw1-az1", "euw1-az2"]);
        let worker = PrivateFunction::new("orders", naming.clone(), "python3.12", "main.handler");
        let policy = KeyPolicy::new(&aws).allow_log_groups("Logs", [network.flow_log_group_name().into(), worker.log_group_name().into()]);
        let key = EncryptionKey::new("orders", naming.clone(), policy).build(&mut stack.scope("main"));
        let table = EncryptedTable::new("orders", naming).build(&mut stack.scope("orders"), &key.key);
        let net = network.build(&mut stack.scope("network"), &key.key, &aws);
        let code = stack.asset(Asset::zip("orders", concat!(env!("CARGO_MANIFEST_DIR"), "/src")));
        PrivateFunction {
            grants: vec![Grant::new("OrdersTable", ["dynamodb:GetItem", "dynamodb:PutItem"], [table.attr("arn")])],
            egress: vec![Egress::anywhere("HTTPS to AWS APIs through the NAT gateways")],
            ..worker
        }
        .build(&mut stack.scope("worker"), &code, &key.key, &net.vpc, &net.private_subnets, &aws);
    }
}

/// The asset path of the README, and what this file zips instead.
const ASSET: (&str, &str) = ("\"lambda/orders\"", "concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/src\")");

#[test]
fn the_readme_example_builds_and_synthesizes() {
    let t = tap::testing::Template::of(&Orders);
    t.assert_resource_count("aws_lambda_function", 1);
    t.assert_resource_count("aws_nat_gateway", 2);
}

#[test]
fn the_readme_shows_this_example() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("## Components: tap-aws").unwrap()..];
    let start = section.find("```rust\n").unwrap() + "```rust\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let this = include_str!("readme_example.rs");
    let code = &this[this.find("use tap::prelude").unwrap()..this.find("\n/// The asset path").unwrap() + 1];
    assert_eq!(code.replace(ASSET.1, ASSET.0).trim_end(), example.trim_end(), "tap-aws/tests/readme_example.rs and the README's example differ");
}
