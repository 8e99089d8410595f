//! Terraform values in tap: input variables (typed, validated, sensitive),
//! local values, operators, conditionals, `for` expressions and splats,
//! each checked when the crate compiles. `cargo run -p values-stack -- OUT_DIR`,
//! then give the variables to Terraform as usual:
//!
//! ```text
//! terraform plan -var environment=prod -var-file=prod.tfvars
//! TF_VAR_alarm_email=oncall@example.com terraform plan
//! ```

use tap::prelude::*;
use tap::synth;

/// The stack takes everything from Terraform variables: one synthesized
/// configuration serves every environment.
pub struct ValuesStack;

#[stack(name = "values")]
impl ValuesStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));

        variable!(environment: string {
            default: "dev",
            description: "the environment: dev, staging or prod",
            nullable: false,
            validation { condition: tf::contains(["dev", "staging", "prod"], var.environment), error_message: "environment is dev, staging or prod" }
        });
        variable!(log_retention_days: number {
            default: 365,
            description: "how long the application's logs are kept, in days",
            nullable: false,
            validation { condition: var.log_retention_days >= 365 && var.log_retention_days <= 3653, error_message: "keep logs between one and ten years" }
        });
        variable!(subnets: map(object({ cidr: string, zone: string, public: optional(bool, false) })) {
            description: "the VPC's subnets, by name",
            default: {
                app_a: { cidr: "10.0.1.0/24", zone: "us-west-2a" },
                app_b: { cidr: "10.0.2.0/24", zone: "us-west-2b" },
                edge_a: { cidr: "10.0.0.0/24", zone: "us-west-2a", public: true },
            },
        });
        variable!(admin_cidrs: list(string) {
            description: "networks allowed to reach the bastion",
            default: ["10.20.0.0/16"],
        });
        variable!(alarm_email: string {
            description: "where alarms are e-mailed; secret to this team",
            sensitive: true,
            default: null,
        });

        local!(name_prefix = concat!("values-", var.environment));
        local!(is_prod = var.environment == "prod");
        local!(common_tags = { Environment: var.environment, ManagedBy: "tap" });

        let key = resource!(aws_kms_key.logs {
            description: "application log encryption",
            enable_key_rotation: true,
            deletion_window_in_days: if local.is_prod { 30 } else { 7 },
            tags: local.common_tags,
        });
        resource!(aws_cloudwatch_log_group.app {
            name: concat!("/", local.name_prefix, "/app"),
            retention_in_days: var.log_retention_days,
            kms_key_id: key.arn,
            tags: local.common_tags,
        });
        let vpc = resource!(aws_vpc.main {
            cidr_block: "10.0.0.0/16",
            tags: local.common_tags,
        });

        output!(vpc_id { value: vpc.id, description: "the VPC's id" });
        output!(subnet_cidrs { value: for (name, s) in var.subnets { (name, s.cidr) }, description: "each subnet's CIDR block, by name" });
        output!(public_subnets { value: for (name, s) in var.subnets { if s.public { name } }, description: "the names of the public subnets" });
        output!(admin_networks { value: var.admin_cidrs[*], description: "the admin networks, as given" });
        output!(log_bytes_per_year { value: var.log_retention_days * 1024 / 365, description: "a figure computed by Terraform from a variable" });
        output!(alarm_email { value: var.alarm_email, description: "the alarm address", sensitive: true });
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "values.out".into());
    match synth::synthesize_to(&ValuesStack.build(), std::path::Path::new(&out)) {
        Ok((dir, s)) => print!("wrote {} ({} files)\n{}", dir.display(), s.files.len(), synth::policy_summary(&s, &dir)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
