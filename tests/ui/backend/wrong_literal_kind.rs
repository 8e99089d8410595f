use tap::prelude::*;

struct Site;

// Literals of the wrong kind: a quoted bool, a quoted number, a string
// where a list is expected, a nested block written as a string.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(s3 { bucket: "state", key: "k", use_lockfile: "true", max_retries: "5", allowed_account_ids: "123456789012" });
        backend!(remote { organization: "acme", workspaces: "orders" });
    }
}

fn main() {}
