//! Iteration in tap: `count` and `for_each` with Terraform's own
//! addresses (`aws_subnet.private["app_a"]`), `each` and `count` read as
//! typed references, instances read one at a time or all at once, and
//! `dynamic` blocks; each checked when the crate compiles, and each
//! instance checked by the rules where the stack knows it.
//! `cargo run -p iteration-stack -- OUT_DIR`.

use tap::prelude::*;
use tap::synth;

/// A VPC whose subnets, routes and firewall rules come from Terraform
/// variables and locals: adding a subnet adds an instance and moves no other.
pub struct IterationStack;

#[stack(name = "iteration")]
impl IterationStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));

        variable!(subnets: map(object({ cidr: string, zone: string })) {
            description: "the private subnets, by name",
            default: {
                app_a: { cidr: "10.0.1.0/24", zone: "us-west-2a" },
                app_b: { cidr: "10.0.2.0/24", zone: "us-west-2b" },
            },
        });
        variable!(nat_gateways: number {
            default: 2,
            description: "how many NAT gateways (one per zone in production)",
            validation { condition: var.nat_gateways >= 1 && var.nat_gateways <= 3, error_message: "one to three NAT gateways" }
        });
        local!(expirations = {
            tmp: { prefix: "tmp/", days: 7 },
            exports: { prefix: "exports/", days: 90 },
        });
        local!(log_groups = { api: 365, worker: 400 });

        let zones = data!(aws_availability_zones.available { state: "available" });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });

        // One subnet per entry of a variable's map: `aws_subnet.private["app_a"]`.
        let private = resource!(aws_subnet.private {
            #[for_each(var.subnets)]
            vpc_id: vpc.id,
            cidr_block: each.value.cidr,
            availability_zone: each.value.zone,
            tags: { Name: concat!("private-", each.key) },
        });

        // A count over a variable, and the zone of each from a data source's list.
        let public = resource!(aws_subnet.public {
            #[count(var.nat_gateways)]
            vpc_id: vpc.id,
            cidr_block: tf::cidrsubnet(vpc.cidr_block, 8, count.index + 100),
            availability_zone: zones.names[count.index],
        });
        let nat_ip = resource!(aws_eip.nat {
            #[count(var.nat_gateways)]
            domain: "vpc",
        });
        resource!(aws_nat_gateway.main {
            #[count(var.nat_gateways)]
            allocation_id: nat_ip[count.index].id,
            subnet_id: public[count.index].id,
        });

        // One route table per private subnet, keyed like the subnets: the
        // second `for_each` iterates the first resource's instances.
        let routes = resource!(aws_route_table.private {
            #[for_each(var.subnets)]
            vpc_id: vpc.id,
            tags: { Name: concat!("private-", each.key) },
        });
        resource!(aws_route_table_association.private {
            #[for_each(var.subnets)]
            subnet_id: private[each.key].id,
            route_table_id: routes[each.key].id,
        });

        // A `dynamic` block: one `rule` per entry of a local map, each
        // checked against the `rule` block's schema; `rule.value` is typed.
        let logs_key = resource!(aws_kms_key.logs { description: "log and export encryption", enable_key_rotation: true });
        let exports = resource!(aws_s3_bucket.exports { bucket_prefix: "iteration-exports-" });
        resource!(aws_s3_bucket_server_side_encryption_configuration.exports {
            bucket: exports.id,
            rule { apply_server_side_encryption_by_default { sse_algorithm: "aws:kms", kms_master_key_id: logs_key.arn } }
        });
        resource!(aws_s3_bucket_public_access_block.exports {
            bucket: exports.id,
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        });
        resource!(aws_s3_bucket_lifecycle_configuration.exports {
            bucket: exports.id,
            for rule in local.expirations {
                rule {
                    id: rule.key,
                    status: "Enabled",
                    filter { prefix: rule.value.prefix }
                    expiration { days: rule.value.days }
                }
            }
        });

        // The rules check each instance the stack knows: every log group of this local.
        resource!(aws_cloudwatch_log_group.service {
            #[for_each(local.log_groups)]
            name: concat!("/iteration/", each.key),
            retention_in_days: each.value,
            kms_key_id: logs_key.arn,
        });

        // A data source per member of a set: one image lookup per architecture.
        let images = data!(aws_ami.by_arch {
            #[for_each(tf::toset(["x86_64", "arm64"]))]
            most_recent: true,
            owners: ["amazon"],
            filter { name: "architecture", values: [each.key] }
            filter { name: "name", values: ["al2023-ami-2023.*"] }
        });

        output!(image_ids { value: for (arch, image) in images { (arch, image.id) }, description: "the newest Amazon Linux 2023 image, by architecture" });
        output!(private_subnet_ids { value: for (name, s) in private { (name, s.id) }, description: "each private subnet's id, by name" });
        output!(public_subnet_ids { value: public[*].id, description: "the public subnets' ids, in order" });
        output!(first_nat_ip { value: nat_ip[0].public_ip, description: "the first NAT gateway's address" });
        output!(app_a_subnet { value: private["app_a"].arn, description: "the ARN of subnet app_a" });
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "iteration.out".into());
    match synth::synthesize_to(&IterationStack.build(), std::path::Path::new(&out)) {
        Ok((dir, s)) => print!("wrote {} ({} files)\n{}", dir.display(), s.files.len(), synth::policy_summary(&s, &dir)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
