use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16" });
        let azs = data!(aws_availability_zones.available { state: "available" });
        let _subnet = resource!(aws_subnet.a {
            vpc_id: vpc.vpc_idd,
            availability_zone: azs.zone_names[0],
        });
    }
}

fn main() {}
