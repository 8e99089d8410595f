//! A postcondition reads the resource's own object as `this` (Terraform's
//! `self`), checked against its type; a precondition runs before it exists.
use tap::prelude::*;

struct Conditions;

#[stack]
impl Conditions {
    fn define(&self, stack: &mut Stack) {
        variable!(replicas: number { description: "workers", default: 2 });
        resource!(aws_ssm_parameter.config {
            name: "/app/config",
            r#type: "SecureString",
            value: "{}",
            #[lifecycle(postcondition(condition = this.versoin >= 1, error_message = "The parameter has no version."))]
            #[lifecycle(precondition(condition = this.version >= 1, error_message = "Too early."))]
            #[lifecycle(precondition(condition = var.replica > 0, error_message = "No workers."))]
            #[lifecycle(precondition(condition = 1 > 0, error_message = "Always true."))]
        });
    }
}

fn main() {}
