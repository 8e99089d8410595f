//! The example stack compiles and synthesizes.

use tap_core::prelude::*;
use tap_core::synth;
use tap_macros::stack;

/// The stack's configuration.
pub struct HelloStack {
    pub region: String,
    pub cidr: String,
    pub zones: usize,
}

#[stack(name = "hello")]
impl HelloStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws(&self.region).default_tag("application", "hello"));
        stack.backend(Backend::Local { path: "terraform.tfstate".into() });

        let azs = data!(aws_availability_zones.available { state: "available" });
        let vpc = resource!(aws_vpc.main {
            cidr_block: self.cidr.clone(),
            enable_dns_support: true,
            enable_dns_hostnames: true,
        });
        let mut private = Vec::new();
        for i in 0..self.zones {
            let subnet = resource!(aws_subnet.private[i] {
                vpc_id: vpc.id,
                availability_zone: azs.names[i],
                cidr_block: tf::cidrsubnet(vpc.cidr_block, 8, i as i64),
                tags: { Name: format!("hello-private-{i}") },
            });
            private.push(subnet);
        }
        let key = resource!(aws_kms_key.data {
            description: "hello table key",
            enable_key_rotation: true,
        });
        let table = resource!(aws_dynamodb_table.items {
            name: "hello-items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
        output!(vpc_id { value: vpc.id, description: "the VPC's id" });
        output!(private_subnet_ids { value: private[*].id, description: "ids of the private subnets, one per zone" });
        output!(table_name { value: table.name, description: "the items table's name" });
    }
}

fn main() {
    let stack = HelloStack { region: "us-west-2".into(), cidr: "10.1.0.0/16".into(), zones: 3 }.build();
    let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.files.contains_key("cdk.tf.json"));
}
