use tap::prelude::*;

struct Site;

// Arguments Terraform rejects together: a `cloud` workspace by name and by
// tags, and both of gcs's encryption keys.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(cloud { organization: "acme", workspaces { name: "orders", tags: ["shop"] } });
        backend!(gcs { bucket: "state", encryption_key: "a2V5", kms_encryption_key: "projects/p/locations/l/keyRings/r/cryptoKeys/k" });
    }
}

fn main() {}
