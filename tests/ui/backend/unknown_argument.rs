use tap::prelude::*;

struct Site;

// A misspelled argument, at the top level and inside a nested object.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(s3 {
            bucket: "state",
            key: "orders.tfstate",
            use_lock_file: true,
            assume_role { role_arn: "arn:aws:iam::123456789012:role/state", sesion_name: "tap" }
        });
    }
}

fn main() {}
