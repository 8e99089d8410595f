//! The provider schema as the macros see it: embedded in the crate by
//! default, or read from `TAP_SCHEMA_PATH`. Parsed at most once per
//! compiler process (override files again only when their mtime changes,
//! because rust-analyzer keeps the macro process alive).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::SystemTime;

use tap_core::reference::Mode;
use tap_core::schema::{Block, SchemaDocument, TypeSchema};

/// The AWS provider schema shipped with tap (trimmed to the types tap supports).
const EMBEDDED: &str = include_str!("../schema/aws/6.25.0.json");
pub const EMBEDDED_DESCRIPTION: &str = "the embedded AWS provider 6.25.0 schema";

pub struct Schema {
    pub document: SchemaDocument,
    /// The same document untyped, to cut out one type's block for the expansion.
    raw: serde_json::Value,
    /// Where it came from, for messages.
    pub description: String,
    /// An override file, to be tracked by `include_bytes!` in the expansion.
    pub tracked_path: Option<PathBuf>,
}

impl Schema {
    /// The schema of a resource type or data source, in any provider of the document.
    pub fn lookup(&self, mode: Mode, type_name: &str) -> Option<&TypeSchema> {
        self.document.provider_schemas.values().find_map(|p| match mode {
            Mode::Managed => p.resource(type_name),
            Mode::Data => p.data_source(type_name),
        })
    }

    pub fn block(&self, mode: Mode, type_name: &str) -> Option<&Block> {
        self.lookup(mode, type_name).map(|t| &t.block)
    }

    /// All type names of one mode, for suggestions.
    pub fn type_names(&self, mode: Mode) -> Vec<&str> {
        self.document
            .provider_schemas
            .values()
            .flat_map(|p| match mode {
                Mode::Managed => p.resource_schemas.keys(),
                Mode::Data => p.data_source_schemas.keys(),
            })
            .map(String::as_str)
            .collect()
    }

    /// The block of one type as compact JSON, for the schema facts the
    /// expansion embeds (run-time checks need nothing else).
    pub fn block_json(&self, mode: Mode, type_name: &str) -> Option<String> {
        let key = match mode {
            Mode::Managed => "resource_schemas",
            Mode::Data => "data_source_schemas",
        };
        self.raw
            .get("provider_schemas")?
            .as_object()?
            .values()
            .find_map(|p| p.get(key)?.get(type_name)?.get("block").cloned())
            .map(|b| b.to_string())
    }
}

static EMBEDDED_SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    EMBEDDED_PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let schema = parse(EMBEDDED, EMBEDDED_DESCRIPTION.into(), None).unwrap_or_else(|e| panic!("BUG: the embedded schema does not parse: {e}"));
    Arc::new(schema)
});

/// Parses a schema document once: text to JSON tree, tree to typed schema.
fn parse(text: &str, description: String, tracked_path: Option<PathBuf>) -> Result<Schema, String> {
    let raw: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let document = <SchemaDocument as serde::Deserialize>::deserialize(&raw).map_err(|e| e.to_string())?;
    Ok(Schema { document, raw, description, tracked_path })
}

/// Override files parsed in this process, keyed by path, with their mtime.
type OverrideCache = HashMap<PathBuf, (SystemTime, Arc<Schema>)>;
static OVERRIDES: LazyLock<Mutex<OverrideCache>> = LazyLock::new(Default::default);

/// How many times the embedded schema was parsed in this process (for the
/// test that proves the parse-once promise).
pub static EMBEDDED_PARSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The one environment variable tap reads at compile time.
pub const SCHEMA_PATH_VAR: &str = "TAP_SCHEMA_PATH";

fn env_opt(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The schema in force: `TAP_SCHEMA_PATH` (relative to the crate's
/// `CARGO_MANIFEST_DIR`) or the embedded one. Errors name the exact fix.
pub fn load() -> Result<Arc<Schema>, String> {
    load_with(env_opt(SCHEMA_PATH_VAR), env_opt("CARGO_MANIFEST_DIR"))
}

/// [`load`] with the two environment values given.
fn load_with(schema_path: Option<String>, manifest_dir: Option<String>) -> Result<Arc<Schema>, String> {
    let Some(rel) = schema_path else {
        return Ok(EMBEDDED_SCHEMA.clone());
    };
    if Path::new(&rel).is_absolute() {
        return Err(format!(
            "{SCHEMA_PATH_VAR} is the absolute path `{rel}`\nhelp: give a path relative to the crate directory (CARGO_MANIFEST_DIR), so the build does not depend on where the repository is checked out"
        ));
    }
    let base = manifest_dir.ok_or("CARGO_MANIFEST_DIR is not set; build with cargo")?;
    let path = Path::new(&base).join(&rel);
    let mtime = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .map_err(|e| format!("{SCHEMA_PATH_VAR} points to `{rel}`, which cannot be read: {e}\nhelp: write the file with `tools/tap-schema.py extract`, or unset {SCHEMA_PATH_VAR} to use {EMBEDDED_DESCRIPTION}"))?;
    // A poisoned lock only means another expansion panicked; start afresh.
    let mut cache = OVERRIDES.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        guard.clear();
        guard
    });
    if let Some((cached_mtime, schema)) = cache.get(&path) {
        if *cached_mtime == mtime {
            return Ok(schema.clone());
        }
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{rel}` ({SCHEMA_PATH_VAR}): {e}"))?;
    let schema = parse(&text, format!("`{rel}`"), Some(path.clone())).map_err(|e| {
        format!("`{rel}` ({SCHEMA_PATH_VAR}) is not a `terraform providers schema -json` document: {e}\nhelp: regenerate it with `tools/tap-schema.py extract`")
    })?;
    let schema = Arc::new(schema);
    cache.insert(path, (mtime, schema.clone()));
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_dir() -> Option<String> {
        Some(env!("CARGO_MANIFEST_DIR").to_owned())
    }

    #[test]
    fn another_providers_schema_is_used_and_cached() {
        let schema = load_with(Some("tests/fixtures/random-provider.json".into()), manifest_dir()).unwrap();
        assert!(schema.block(Mode::Managed, "random_pet").is_some());
        assert!(schema.block(Mode::Managed, "aws_vpc").is_none());
        assert!(schema.tracked_path.is_some(), "an override file is tracked by include_bytes! in the expansion");
        let again = load_with(Some("tests/fixtures/random-provider.json".into()), manifest_dir()).unwrap();
        assert!(Arc::ptr_eq(&schema, &again), "an unchanged override file is parsed once");
    }

    #[test]
    fn absolute_and_missing_override_paths_name_the_fix() {
        let err = load_with(Some("/etc/schema.json".into()), manifest_dir()).err().unwrap();
        assert!(err.contains("absolute path") && err.contains("relative to the crate directory"), "{err}");
        let err = load_with(Some("no/such.json".into()), manifest_dir()).err().unwrap();
        assert!(err.contains("TAP_SCHEMA_PATH") && err.contains("tools/tap-schema.py extract"), "{err}");
    }

    #[test]
    fn embedded_schema_is_the_default() {
        let schema = load_with(None, manifest_dir()).unwrap();
        assert!(schema.block(Mode::Managed, "aws_lambda_function").is_some());
        assert!(schema.block(Mode::Data, "aws_availability_zones").is_some());
    }
}
