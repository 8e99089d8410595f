//! Adopting and reshaping infrastructure without recreating it: `moved`
//! blocks (from a Rust loop's names to `count` addresses, into a component
//! instance), `import` (one object by ID, and many with `for_each`),
//! `removed` with `destroy = false`, and a `check` with its own data
//! source. `cargo run -p adoption-stack -- OUT_DIR`, then `terraform plan`
//! (Terraform >= 1.7, which the configuration requires).

use tap::graph::{Repetition, Target};
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
        let private = resource!(aws_subnet.private { vpc_id: vpc.id, cidr_block: "10.0.10.0/24", map_public_ip_on_launch: false });
        stack.resources.last_mut().expect("just declared").repetition = Some(Repetition::Count(Value::from(2)));
        for i in 0..2u64 {
            stack.moved(Target::resource("aws_subnet", &format!("private_{i}")), Target::of(&private).at(InstanceKey::Index(i)));
        }

        // A subnet moved into the component instance `orders`, by handle and by address.
        let table: Handle<aws_subnet> = orders(&mut stack.scope("orders"));
        moved!(from: aws_subnet.orders, to: table);
        moved!(from: aws_subnet.orders_v1, to: aws_subnet.orders_table);

        // Many objects, imported with `for_each` into a resource with `for_each`.
        let peers = resource!(aws_vpc.peers { cidr_block: "10.1.0.0/16" });
        stack.resources.last_mut().expect("just declared").repetition = Some(Repetition::ForEach(Value::Ref(Reference::variable("peers"))));
        stack.import_each(Value::Ref(Reference::variable("peers")), Target::of(&peers).keyed_by(Reference::each_key()), Reference::each_value());

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
