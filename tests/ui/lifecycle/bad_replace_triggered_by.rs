//! `replace_triggered_by` names managed resources of the stack, or their
//! attributes, checked like any reference.
use tap::prelude::*;

struct Triggers;

#[stack]
impl Triggers {
    fn define(&self, stack: &mut Stack) {
        let config = resource!(aws_vpc.config { cidr_block: "10.0.0.0/16" });
        let region = data!(aws_region.current {});
        resource!(aws_sns_topic.events {
            name: "events",
            kms_master_key_id: "alias/aws/sns",
            #[lifecycle(replace_triggered_by = [confg.id, config.cidr_blok, region.name, "config"])]
        });
    }
}

fn main() {}
