//! Every lifecycle setting and each provisioner, checked and accepted.
use tap::prelude::*;

struct Lifecycle;

#[stack]
impl Lifecycle {
    fn define(&self, stack: &mut Stack) {
        variable!(replicas: number { description: "workers", default: 2 });
        variable!(key: string { description: "the SSH key", sensitive: true });
        let config = resource!(aws_ssm_parameter.config {
            name: "/app/config",
            r#type: "SecureString",
            value: tf::jsonencode({ replicas: var.replicas }),
            tags: { Owner: "platform" },
            #[lifecycle(prevent_destroy, create_before_destroy, ignore_changes = [tags["Owner"], value])]
            #[lifecycle(precondition(condition = var.replicas >= 1, error_message = "At least one worker."))]
            #[lifecycle(postcondition(condition = this.version >= 1 && 0 < tf::length(this.arn), error_message = "No version."))]
            #[provisioner(local_exec { command: concat!("echo ", this.name), when: "destroy", on_failure: "continue" })]
        });
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16", #[lifecycle(ignore_changes = all)] });
        resource!(aws_instance.worker {
            ami: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            associate_public_ip_address: false,
            metadata_options { http_tokens: "required" }
            root_block_device { encrypted: true }
            #[lifecycle(ignore_changes = [root_block_device[0].volume_size], replace_triggered_by = [config.version, vpc])]
            #[connection(host: this.private_ip, user: "ec2-user", private_key: var.key)]
            #[provisioner(remote_exec { script: "setup.sh" })]
            #[provisioner(file { source: "app.conf", destination: "/etc/app.conf" })]
            #[provisioner(local_exec { command: "true", interpreter: ["/bin/sh", "-c"], environment: { A: "b" }, quiet: true, working_dir: "." })]
        });
    }
}

fn main() {}
