use tap::prelude::*;

struct Site;

// `backend!` names a backend Terraform does not have: a near miss gets a
// suggestion, anything else the list of backends.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(azure { storage_account_name: "acmestate", container_name: "tfstate", key: "k" });
        backend!(etcdv3 { endpoints: ["http://etcd:2379"] });
    }
}

fn main() {}
