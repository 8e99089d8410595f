//! The architecture in `lib.rs` holds: each module uses only modules of
//! its own layer or below. A change that makes the model import the policy
//! engine (as suppressions once did) fails here, not in review.

use std::path::{Path, PathBuf};

/// The layers of `tap-core/src/lib.rs`, bottom first.
const LAYERS: &[&[&str]] = &[&["path", "reference", "value"], &["schema"], &["asset"], &["graph"], &["navigate", "rule"], &["validate", "element"], &["policy"], &["definition"], &["synth"], &["testing"]];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a line of code names as `crate::<module>`.
fn crate_paths(line: &str) -> Vec<&str> {
    line.match_indices("crate::")
        .map(|(i, _)| {
            let rest = &line[i + "crate::".len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

#[test]
fn no_module_imports_a_module_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        // lib.rs is the root: it declares the layers and the prelude.
        let Some(own) = layer_of(&top) else { continue };
        for (n, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in crate_paths(line) {
                if let Some(theirs) = layer_of(used) {
                    if theirs > own {
                        violations.push(format!("{}:{}: `{top}` uses `crate::{used}`, a layer above it", rel.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn every_module_has_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(name) = line.strip_prefix("pub mod ").and_then(|m| m.strip_suffix(';')) {
            assert!(layer_of(name).is_some(), "module `{name}` is in no layer of the architecture");
        }
    }
}
