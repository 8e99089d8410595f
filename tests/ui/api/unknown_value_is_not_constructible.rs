// A value known only to the compile-time checker can never be part of a
// stack built through the public API, so rendering never meets one.
use tap::value::{to_terraform_json, Value};

fn main() {
    let _ = to_terraform_json(&Value::Unknown);
}
