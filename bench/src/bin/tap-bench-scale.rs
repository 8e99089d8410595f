//! `tap-bench-scale RESOURCES [OUT_DIR]`: builds the generated stack of about
//! RESOURCES resources, validates it, evaluates the security rules and
//! writes it (to a fresh temporary directory unless OUT_DIR is given).
//! Prints the resource count and the time of each phase; `scripts/bench.py`
//! measures the whole process's wall time and peak memory around it.

use std::time::Instant;

use tap_bench::ScaleStack;
use tap::definition::StackDefinition;

fn main() {
    let mut args = std::env::args().skip(1);
    let requested: usize = match args.next().map(|a| a.parse()) {
        Some(Ok(n)) => n,
        _ => {
            eprintln!("usage: tap-bench-scale RESOURCES [OUT_DIR]  (RESOURCES: a whole number, e.g. 1000)");
            std::process::exit(2);
        }
    };
    let out = args.next().map(std::path::PathBuf::from);
    let t0 = Instant::now();
    let definition = ScaleStack::with_resources(requested);
    let stack = definition.build();
    let t1 = Instant::now();
    let synthesized = match tap::synth::synthesize(&stack) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let t2 = Instant::now();
    let (dir, _guard) = match out {
        Some(d) => (d, None),
        None => {
            let d = std::env::temp_dir().join(format!("tap-bench-scale-{}", std::process::id()));
            (d.clone(), Some(RemoveOnDrop(d)))
        }
    };
    if let Err(e) = tap::synth::write(&dir, &synthesized) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let t3 = Instant::now();
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
    println!(
        "{{\"resources\": {}, \"build_ms\": {:.3}, \"synthesize_ms\": {:.3}, \"write_ms\": {:.3}, \"evaluated_rules\": {}}}",
        stack.resources.len(),
        ms(t0, t1),
        ms(t1, t2),
        ms(t2, t3),
        synthesized.report.evaluated
    );
}

struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
