use tap::prelude::*;

struct Site;

// Required arguments left out: the backend's own, and a nested object's.
#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        backend!(azurerm { key: "orders.tfstate" });
        backend!(s3 { bucket: "state", key: "k", assume_role { session_name: "tap" } });
    }
}

fn main() {}
