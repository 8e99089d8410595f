//! Adopting and reshaping infrastructure without recreating it: `moved`
//! blocks (from a Rust loop's names to `count` addresses, into a component
//! instance), `import` (one object by ID, and many with `for_each`),
//! `removed` with `destroy = false`, and a `check` with its own data
//! source. `cargo run -p adoption-stack -- OUT_DIR`, then `terraform plan`
//! (Terraform >= 1.7, which the configuration requires).

use tap::prelude::*;
use tap::synth;

/// A component: its subnet is named `<instance>_table`.
#[component]
fn orders(scope: &mut Scope) -> Handle<aws_subnet> {
    resource!(aws_subnet.table { vpc_id: "vpc-0123456789abcdef0", cidr_block: "10.0.9.0/24", map_public_ip_on_launch: false })
}

/// The stack after its refactoring: what used to be loose resources now
/// lives in `count` and in a component instance, and older objects are
/// adopted or let go.
pub struct AdoptionStack;

#[stack(name = "adoption")]
impl AdoptionStack {
    fn define(&self, stack: &mut Stack) {
        stack.provider(Provider::aws("us-west-2"));
        variable!(peers: map(string) {
            default: { blue: "vpc-0aaaaaaaaaaaaaaaa" },
            description: "existing VPCs to adopt, by name: their IDs",
        });

        let vpc = resource!(aws_vpc.main { cidr_block: "10.0.0.0/16", enable_dns_support: true });
        // One object, imported by its ID.
        import!(to: aws_vpc.main, id: "vpc-0123456789abcdef0");

        // The private subnets were a Rust loop (`private_0`, `private_1`);
        // they are now one resource with `count`.
        resource!(aws_subnet.private {
            #[count(2)]
            vpc_id: vpc.id,
            cidr_block: tf::cidrsubnet(vpc.cidr_block, 8, count.index + 10),
            map_public_ip_on_launch: false,
        });
        moved!(from: aws_subnet.private_0, to: aws_subnet.private[0]);
        moved!(from: aws_subnet.private_1, to: aws_subnet.private[1]);

        // A subnet moved into the component instance `orders` (its handle
        // names the new address, `aws_subnet.orders_table`).
        let table: Handle<aws_subnet> = orders(&mut stack.scope("orders"));
        moved!(from: aws_subnet.orders, to: table);

        // Many objects, imported with `for_each` into a resource with `for_each`.
        resource!(aws_vpc.peers {
            #[for_each(var.peers)]
            cidr_block: "10.1.0.0/16",
            tags: { Name: each.key },
        });
        import!(#[for_each(var.peers)] to: aws_vpc.peers[each.key], id: each.value);

        // The bastion leaves the configuration; its instance keeps running.
        removed!(from: aws_instance.bastion, destroy: false);

        check!(vpc_health {
            let current = data!(aws_vpc.current { id: vpc.id });
            assert { condition: current.enable_dns_support, error_message: "the VPC resolves no DNS names" }
            assert { condition: current.cidr_block == "10.0.0.0/16", error_message: "the VPC's address range changed" }
        });

        output!(vpc_id { value: vpc.id, description: "the VPC's id" });
    }
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "adoption.out".into());
    match synth::synthesize_to(&AdoptionStack.build(), std::path::Path::new(&out)) {
        Ok((dir, s)) => print!("wrote {} ({} files)\n{}", dir.display(), s.files.len(), synth::policy_summary(&s, &dir)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
