//! Every error of one stack is reported in one build, not only the first.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_blok: "10.0.0.0/16" });
        let _s = resource!(aws_subnet.a { vpc_id: vpc.idd, map_public_ip_on_launch: "no" });
        let _t = resource!(aws_s3_buckett.b { bucket: "b" });
    }
}

fn main() {}
