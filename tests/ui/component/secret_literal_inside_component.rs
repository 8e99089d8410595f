use tap::prelude::*;

/// A secret literal in a component is found as in a stack.
#[component]
fn signer(scope: &mut Scope) -> Handle<tls_locally_signed_cert> {
    let request = resource!(tls_cert_request.request { private_key_pem: tls_private_key.key.private_key_pem });
    let _key = resource!(tls_private_key.key { algorithm: "ED25519" });
    let _ = scope;
    resource!(tls_locally_signed_cert.cert {
        cert_request_pem: request.cert_request_pem,
        ca_private_key_pem: "-----BEGIN PRIVATE KEY-----hunter2",
        ca_cert_pem: "-----BEGIN CERTIFICATE-----",
        validity_period_hours: 12,
        allowed_uses: ["server_auth"],
    })
}

fn main() {}
