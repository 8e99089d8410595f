//! A stack for a provider tap does not embed: Kubernetes, whose schema this
//! crate supplies in `schema/` and lists in `tap.toml`. Its resources are
//! checked at compile time exactly like AWS ones, and mix with embedded
//! providers (`random`). `tap.toml` also gives the provider's descriptor
//! (`schema/kubernetes.descriptor.json`: accepted values the schema does not
//! carry). `cargo run -p k8s-stack -- OUT_DIR`.

use tap::prelude::*;
use tap::synth;

/// The stack's configuration.
pub struct AppStack {
    pub namespace: String,
    pub replicas: u32,
}

#[stack(name = "k8s-app")]
impl AppStack {
    fn define(&self, stack: &mut Stack) {
        provider!(kubernetes { config_path: "~/.kube/config", config_context: "staging" });
        let ns = resource!(kubernetes_namespace.app {
            metadata { name: self.namespace.clone(), labels: { team: "platform" } }
        });
        let token = resource!(random_password.api_token { length: 40, special: false });
        let secret = resource!(kubernetes_secret.api {
            metadata { name: "api-token", namespace: ns.metadata[0].name }
            data: { token: token.result },
        });
        let _deployment = resource!(kubernetes_deployment.api {
            metadata { name: "api", namespace: ns.metadata[0].name }
            spec {
                replicas: self.replicas.to_string(),
                selector { match_labels: { app: "api" } }
                template {
                    metadata { labels: { app: "api" } }
                    spec {
                        container {
                            name: "api",
                            image: "registry.example.com/api:1.4.2",
                            env {
                                name: "API_TOKEN",
                                value_from { secret_key_ref { name: secret.metadata[0].name, key: "token" } }
                            }
                        }
                    }
                }
            }
        });
        output!(namespace { value: ns.metadata[0].name, description: "the application's namespace" });
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "k8s.out".into());
    let stack = AppStack { namespace: "api".into(), replicas: 2 }.build();
    match synth::synthesize_to(&stack, std::path::Path::new(&out)) {
        Ok((dir, s)) => println!("wrote {} ({} files)", dir.display(), s.files.len()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> serde_json::Value {
        let stack = AppStack { namespace: "api".into(), replicas: 3 }.build();
        let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap()
    }

    #[test]
    fn the_crates_own_provider_schema_gives_source_and_version() {
        let doc = document();
        assert_eq!(
            doc["terraform"]["required_providers"],
            serde_json::json!({
                "kubernetes": { "source": "hashicorp/kubernetes", "version": "~> 2.38" },
                "random": { "source": "hashicorp/random", "version": "~> 3.7" },
            })
        );
        assert_eq!(doc["provider"]["kubernetes"], serde_json::json!([{ "config_context": "staging", "config_path": "~/.kube/config" }]));
    }

    #[test]
    fn kubernetes_blocks_and_cross_provider_references_render() {
        let doc = document();
        let deployment = &doc["resource"]["kubernetes_deployment"]["api"];
        assert_eq!(deployment["metadata"][0]["namespace"], "${kubernetes_namespace.app.metadata[0].name}");
        assert_eq!(deployment["spec"][0]["replicas"], "3");
        let env = &deployment["spec"][0]["template"][0]["spec"][0]["container"][0]["env"][0];
        assert_eq!(env["value_from"][0]["secret_key_ref"][0]["name"], "${kubernetes_secret.api.metadata[0].name}");
        assert_eq!(doc["resource"]["kubernetes_secret"]["api"]["data"]["token"], "${random_password.api_token.result}");
    }

    /// A deployment whose pull policy is known only when the stack runs.
    struct PullPolicy(&'static str);

    #[stack(name = "pull-policy")]
    impl PullPolicy {
        fn define(&self, stack: &mut Stack) {
            provider!(kubernetes { config_path: "~/.kube/config" });
            resource!(kubernetes_deployment.api {
                metadata { name: "api" }
                spec {
                    selector { match_labels: { app: "api" } }
                    template {
                        metadata { labels: { app: "api" } }
                        spec { container { name: "api", image: "api:1", image_pull_policy: self.0 } }
                    }
                }
            });
        }
    }

    #[test]
    fn the_crates_descriptor_for_kubernetes_applies_at_synthesis_too() {
        assert!(synth::synthesize(&PullPolicy("IfNotPresent").build()).is_ok());
        let Err(e) = synth::synthesize(&PullPolicy("Sometimes").build()) else { panic!("`Sometimes` is no pull policy") };
        let text = e.to_string();
        assert!(text.contains("`Sometimes` is not an accepted value for `image_pull_policy` of `kubernetes_deployment`"), "{text}");
        assert!(text.contains("accepted values: `Always`, `IfNotPresent`, `Never`"), "{text}");
    }
}
