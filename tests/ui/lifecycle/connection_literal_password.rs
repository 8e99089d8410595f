//! A password or private key written as a literal in a `connection` would
//! be in the output in plain text: TAP-SEC-001, as for any secret.
use tap::prelude::*;

struct Secrets;

#[stack]
impl Secrets {
    fn define(&self, stack: &mut Stack) {
        resource!(aws_instance.worker {
            ami: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            associate_public_ip_address: false,
            metadata_options { http_tokens: "required" }
            root_block_device { encrypted: true }
            #[connection(r#type: "winrm", host: this.private_ip, user: "admin", password: "hunter2hunter2")]
            #[provisioner(remote_exec { inline: ["echo hi"] })]
            #[provisioner(file { content: "x", destination: "/tmp/x", connection { host: this.private_ip, private_key: "-----BEGIN OPENSSH PRIVATE KEY-----" } })]
        });
    }
}

fn main() {}
