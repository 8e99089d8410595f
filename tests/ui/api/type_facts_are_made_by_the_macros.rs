// Schema facts come from `#[stack]`, which reads them from the provider
// schema; the public API offers no way to make up a type's facts.
use tap::graph::TypeFacts;
use tap::reference::Mode;

static FACTS: TypeFacts = TypeFacts::new("aws_vpc", Mode::Managed, "{}");

fn main() {
    let _ = &FACTS;
}
