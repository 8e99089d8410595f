//! Each `ignore_changes` path is checked against the type's schema: a
//! misspelt name, a field its type lacks, and an index into a set.
use tap::prelude::*;

struct Paths;

#[stack]
impl Paths {
    fn define(&self, stack: &mut Stack) {
        resource!(aws_ssm_parameter.config {
            name: "/app/config",
            r#type: "SecureString",
            value: "{}",
            tags: { Owner: "platform" },
            #[lifecycle(ignore_changes = [tagz["Owner"]])]
        });
        resource!(aws_instance.worker {
            ami: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            associate_public_ip_address: false,
            metadata_options { http_tokens: "required" }
            root_block_device { encrypted: true }
            #[lifecycle(ignore_changes = [root_block_device[0].volume_sise, ebs_block_device[0].volume_size])]
        });
    }
}

fn main() {}
