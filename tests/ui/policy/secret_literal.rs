//! TAP-SEC-001: a literal in a sensitive argument, a plain string and a
//! template of literal parts (the embedded tls provider marks both keys
//! sensitive).
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let _ca = resource!(tls_self_signed_cert.ca {
            private_key_pem: "-----BEGIN PRIVATE KEY-----hunter2",
            validity_period_hours: 12,
            allowed_uses: ["cert_signing"],
        });
        let _request = resource!(tls_cert_request.api {
            private_key_pem: concat!("-----BEGIN PRIVATE KEY-----", "hunter3"),
        });
    }
}

fn main() {}
