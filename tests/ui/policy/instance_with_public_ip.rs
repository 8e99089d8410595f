//! TAP-EC2-003: an instance with `associate_public_ip_address: true`, and a
//! launch template whose network interface asks for one.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _web = resource!(aws_instance.web {
            ami: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            associate_public_ip_address: true,
        });
        let _workers = resource!(aws_launch_template.workers {
            image_id: "ami-0123456789abcdef0",
            instance_type: "t3.micro",
            network_interfaces { device_index: 0, associate_public_ip_address: "true" }
        });
    }
}

fn main() {}
