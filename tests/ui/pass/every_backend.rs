//! `backend!` with every backend Terraform has, and the `cloud` block: each
//! one's required arguments and a few optional ones, nested objects and
//! blocks included, checked at compile time and rendered at synthesis.
use tap::prelude::*;
use tap::synth::synthesize;

struct Site {
    backend: &'static str,
}

#[stack]
impl Site {
    fn define(&self, stack: &mut Stack) {
        let state_bucket = format!("{}-state", "acme");
        match self.backend {
            "s3" => backend!(s3 {
                bucket: state_bucket,
                key: "orders/terraform.tfstate",
                region: "us-west-2",
                encrypt: true,
                use_lockfile: true,
                workspace_key_prefix: "envs",
                assume_role { role_arn: "arn:aws:iam::123456789012:role/state", session_name: "tap" }
                endpoints { s3: "https://s3.us-west-2.amazonaws.com" }
                allowed_account_ids: ["123456789012"],
                max_retries: 5,
            }),
            "local" => backend!(local { path: "terraform.tfstate", workspace_dir: "workspaces" }),
            "remote" => backend!(remote { organization: "acme", hostname: "app.terraform.io", workspaces { prefix: "orders-" } }),
            "cloud" => backend!(cloud { organization: "acme", workspaces { tags: ["orders"], project: "shop" } }),
            "gcs" => backend!(gcs { bucket: "acme-state", prefix: "orders", impersonate_service_account_delegates: ["a@acme.iam.gserviceaccount.com"] }),
            "azurerm" => backend!(azurerm { storage_account_name: "acmestate", container_name: "tfstate", key: "orders.tfstate", use_azuread_auth: true }),
            "consul" => backend!(consul { path: "tap/orders", address: "consul.example.com:8500", gzip: true }),
            "pg" => backend!(pg { conn_str: "postgres://state.example.com/terraform", schema_name: "orders" }),
            "http" => backend!(http { address: "https://state.example.com/orders", lock_method: "PUT", retry_max: 3 }),
            _ => {}
        }
    }
}

fn main() {
    for (name, block) in [
        ("s3", "backend"),
        ("local", "backend"),
        ("remote", "backend"),
        ("gcs", "backend"),
        ("azurerm", "backend"),
        ("consul", "backend"),
        ("pg", "backend"),
        ("http", "backend"),
        ("cloud", "cloud"),
    ] {
        let out = synthesize(&Site { backend: name }.build()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
        let terraform = &doc["terraform"];
        let body = if block == "cloud" { &terraform["cloud"] } else { &terraform["backend"][name] };
        assert!(body.is_object(), "{name}: {terraform}");
    }
    let out = synthesize(&Site { backend: "s3" }.build()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
    let s3 = &doc["terraform"]["backend"]["s3"];
    assert_eq!(s3["bucket"], "acme-state");
    assert_eq!(s3["assume_role"]["role_arn"], "arn:aws:iam::123456789012:role/state");
    assert_eq!(s3["endpoints"]["s3"], "https://s3.us-west-2.amazonaws.com");
    let versions: serde_json::Value = serde_json::from_slice(&out.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.11.0");
    let cloud = synthesize(&Site { backend: "cloud" }.build()).unwrap();
    let versions: serde_json::Value = serde_json::from_slice(&cloud.files["versions.tf.json"]).unwrap();
    assert_eq!(versions["terraform"]["required_version"], ">= 1.6.0", "the cloud block's `workspaces.project` is 1.6");
}
