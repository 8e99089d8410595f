use tap::prelude::*;

struct Site;

// Terraform configures the backend before it evaluates anything: a
// reference or a function call cannot stand in its arguments.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        let account = data!(aws_caller_identity.current {});
        backend!(s3 { bucket: account.account_id, key: tf::lower("Orders.tfstate") });
    }
}

fn main() {}
