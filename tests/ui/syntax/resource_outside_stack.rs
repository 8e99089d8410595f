use tap::prelude::*;

fn main() {
    let _vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
}
