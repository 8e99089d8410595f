//! A small stack built only with tap's public API: a VPC over two
//! Availability Zones with private subnets, and an encrypted, point-in-time
//! recoverable DynamoDB table. `cargo run -p hello-stack -- OUT_DIR`
//! (`TAP_REPORT_ONLY=1` for report-only mode, as for every stack binary).

use tap::prelude::*;
use tap::synth;

/// The stack's configuration.
pub struct HelloStack {
    pub region: String,
    pub cidr: String,
    pub zones: usize,
}

#[stack(name = "hello")]
impl HelloStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws(&self.region).default_tag("application", "hello"));
        stack.backend(Backend::local("terraform.tfstate"));

        let azs = data!(aws_availability_zones.available { state: "available" });
        let vpc = resource!(aws_vpc.main {
            cidr_block: self.cidr.clone(),
            enable_dns_support: true,
            enable_dns_hostnames: true,
        });
        let mut private = Vec::new();
        for i in 0..self.zones {
            let subnet = resource!(aws_subnet.private[i] {
                vpc_id: vpc.id,
                availability_zone: azs.names[i],
                cidr_block: tf::cidrsubnet(vpc.cidr_block, 8, i as i64),
                tags: { Name: format!("hello-private-{i}") },
            });
            private.push(subnet);
        }
        let key = resource!(aws_kms_key.data {
            description: "hello table key",
            enable_key_rotation: true,
        });
        let table = resource!(aws_dynamodb_table.items {
            name: "hello-items",
            billing_mode: "PAY_PER_REQUEST",
            hash_key: "id",
            attribute { name: "id", type: "S" }
            server_side_encryption { enabled: true, kms_key_arn: key.arn }
            point_in_time_recovery { enabled: true }
        });
        output!(vpc_id { value: vpc.id, description: "the VPC's id" });
        output!(private_subnet_ids { value: private[*].id, description: "ids of the private subnets, one per zone" });
        output!(table_name { value: table.name, description: "the items table's name" });
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "hello.out".into());
    // `TAP_REPORT_ONLY=1`: write the reports (and the configuration) even
    // when a security rule fails, and exit 0.
    let options = synth::SynthOptions::default().report_only(report_only().unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2);
    }));
    let stack = HelloStack { region: "us-west-2".into(), cidr: "10.1.0.0/16".into(), zones: 2 }.build();
    match synth::synthesize_to_with(&stack, std::path::Path::new(&out), &options) {
        Ok((dir, s)) => print!("wrote {} ({} files)\n{}", dir.display(), s.files.len(), synth::policy_summary(&s, &dir)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

/// `TAP_REPORT_ONLY`: on for `1` or `true`, off when unset, empty, `0` or
/// `false` (in any case); any other value is refused, so a typo in CI
/// cannot quietly change the mode. The same rule as `tap-stack`'s.
fn report_only() -> Result<bool, String> {
    let Some(value) = std::env::var_os("TAP_REPORT_ONLY") else { return Ok(false) };
    match value.to_string_lossy().as_ref() {
        "1" => Ok(true),
        "" | "0" => Ok(false),
        v if v.eq_ignore_ascii_case("true") => Ok(true),
        v if v.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(format!(
            "`TAP_REPORT_ONLY` is {other:?}, which is neither on nor off\n  help: set it to one of `1` or `true` (on), `0`, `false` or empty (off), or unset it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_synthesizes_with_one_subnet_per_zone() {
        let stack = HelloStack { region: "us-west-2".into(), cidr: "10.1.0.0/16".into(), zones: 3 }.build();
        let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
        let doc: serde_json::Value = serde_json::from_slice(&out.files["cdk.tf.json"]).unwrap();
        let subnets = doc["resource"]["aws_subnet"].as_object().unwrap();
        assert_eq!(subnets.keys().collect::<Vec<_>>(), ["private_0", "private_1", "private_2"]);
        assert_eq!(subnets["private_2"]["availability_zone"], "${data.aws_availability_zones.available.names[2]}");
        assert_eq!(
            doc["output"]["private_subnet_ids"]["value"],
            serde_json::json!(["${aws_subnet.private_0.id}", "${aws_subnet.private_1.id}", "${aws_subnet.private_2.id}"])
        );
    }

    /// The example's bytes are pinned beside the other shipped stacks'
    /// (`tests/golden/`); regenerate with `TAP_BLESS_GOLDEN=1` and review the diff.
    #[test]
    fn the_example_synthesizes_its_golden_bytes() {
        let stack = HelloStack { region: "us-west-2".into(), cidr: "10.1.0.0/16".into(), zones: 2 }.build();
        let out = synth::synthesize(&stack).unwrap_or_else(|e| panic!("{e}"));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/hello");
        if std::env::var_os("TAP_BLESS_GOLDEN").is_some() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        for (name, bytes) in &out.files {
            let path = dir.join(name);
            if std::env::var_os("TAP_BLESS_GOLDEN").is_some() {
                std::fs::write(&path, bytes).unwrap();
            }
            let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(*bytes == golden, "{name} differs from tests/golden/hello/{name}");
        }
        let written = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(written, out.files.len(), "tests/golden/hello holds files the example no longer writes");
    }
}
