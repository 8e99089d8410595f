//! Lifecycle settings and provisioners in tap, each checked when the crate
//! compiles: `ignore_changes` paths against the type's schema,
//! `replace_triggered_by` references like any other, conditions resolved
//! like any value, `this.<attribute>` (Terraform's `self`) against the
//! resource's own type, and provisioner arguments against Terraform's
//! tables. `cargo run -p lifecycle-stack -- OUT_DIR`.
//!
//! Provisioners are Terraform's last resort: Terraform cannot plan what
//! they do. The instance below uses them to show the syntax; a real one
//! would pass its set-up in `user_data`.

use tap::prelude::*;
use tap::synth;

/// A small instance whose configuration lives in a parameter: a new
/// configuration replaces the instance.
pub struct LifecycleStack;

#[stack(name = "lifecycle")]
impl LifecycleStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));

        variable!(replicas: number {
            default: 2,
            description: "how many workers the application runs",
        });
        variable!(ssh_private_key: string {
            description: "the key the provisioners log in with",
            sensitive: true,
        });

        let key = resource!(aws_kms_key.config {
            description: "application configuration",
            enable_key_rotation: true,
            #[lifecycle(prevent_destroy)]
            #[lifecycle(precondition(condition = var.replicas >= 1, error_message = "The application needs at least one worker."))]
        });
        let config = resource!(aws_ssm_parameter.config {
            name: "/lifecycle/config",
            r#type: "SecureString",
            key_id: key.arn,
            value: tf::jsonencode({ replicas: var.replicas }),
            tags: { Owner: "platform" },
            // Another team stamps `Owner`; the value is theirs to change.
            #[lifecycle(create_before_destroy, ignore_changes = [tags["Owner"]])]
            #[lifecycle(postcondition(condition = this.version >= 1, error_message = "The parameter has no version."))]
            // At destroy, Terraform lets a provisioner read only the resource itself.
            #[provisioner(local_exec { command: concat!("echo 'parameter ", this.name, " is gone'"), when: "destroy" })]
        });
        let vpc = resource!(aws_vpc.main {
            cidr_block: "10.0.0.0/16",
            // Managed by hand after creation: Terraform only creates it.
            #[lifecycle(ignore_changes = all)]
        });
        let subnet = resource!(aws_subnet.app {
            vpc_id: vpc.id,
            cidr_block: "10.0.1.0/24",
        });
        let worker = resource!(aws_instance.worker {
            ami: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            subnet_id: subnet.id,
            associate_public_ip_address: false,
            metadata_options { http_tokens: "required" }
            root_block_device { encrypted: true, volume_size: 16 }
            #[lifecycle(
                ignore_changes = [ami, root_block_device[0].volume_size],
                replace_triggered_by = [config.version, key],
                precondition(condition = subnet.cidr_block != "", error_message = "The subnet has no CIDR block."),
                postcondition(condition = this.private_ip != "", error_message = "The worker has no private address."),
            )]
            #[connection(r#type: "ssh", host: this.private_ip, user: "ec2-user", private_key: var.ssh_private_key, timeout: "2m")]
            // A provisioner's own `connection` wins over the resource's.
            #[provisioner(file {
                content: tf::jsonencode({ replicas: var.replicas }),
                destination: "/etc/app/config.json",
                connection { host: this.private_ip, user: "admin", private_key: var.ssh_private_key, target_platform: "unix" }
            })]
            #[provisioner(remote_exec { inline: ["sudo systemctl restart app"] })]
            #[provisioner(local_exec { command: concat!("echo ", this.private_ip, " >> workers.txt"), on_failure: "continue" })]
        });

        output!(worker_ip { value: worker.private_ip, description: "the worker's private address" });
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "lifecycle.out".into());
    match synth::synthesize_to(&LifecycleStack.build(), std::path::Path::new(&out)) {
        Ok((dir, s)) => print!("wrote {} ({} files)\n{}", dir.display(), s.files.len(), synth::policy_summary(&s, &dir)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
