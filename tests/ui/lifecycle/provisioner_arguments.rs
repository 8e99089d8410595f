//! Provisioners are checked against Terraform's own tables: names (with a
//! suggestion), required arguments, keyword values, and the rule that a
//! destroy-time provisioner reads nothing but `this`.
use tap::prelude::*;

struct Provisioners;

#[stack]
impl Provisioners {
    fn define(&self, stack: &mut Stack) {
        variable!(greeting: string { description: "what to say", default: "hello" });
        resource!(aws_ssm_parameter.config {
            name: "/app/config",
            r#type: "SecureString",
            value: "{}",
            #[provisioner(local_exec { comand: "echo hi" })]
            #[provisioner(local_exec { command: "echo hi", on_failure: "ignore" })]
            #[provisioner(local_exec { command: concat!("echo ", var.greeting), when: "destroy" })]
            #[provisioner(remote_exce { inline: ["echo"] })]
            #[provisioner(remote_exec { inline: ["echo"], script: "a.sh", connection { host: this.arn, prot: 22 } })]
        });
    }
}

fn main() {}
