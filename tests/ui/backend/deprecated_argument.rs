// A deprecated argument is a rustc `deprecated` warning (denied here, so
// that the test shows its text): Terraform still accepts it, and
// `dynamodb_table` is the only locking before Terraform 1.11.
#![deny(deprecated)]

use tap::prelude::*;

struct Site;

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(s3 { bucket: "state", key: "k", dynamodb_table: "locks", force_path_style: true });
    }
}

fn main() {}
