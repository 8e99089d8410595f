//! The provider schemas as the macros see them: the providers embedded in
//! this crate (the whole AWS provider, and random, archive, tls, null and
//! time), plus the schema files a crate lists in its `tap.toml`.
//!
//! Phase: resolve (data). Cost grows with the types a stack uses, not with
//! the size of the schemas: each document is decompressed and indexed once
//! per compiler process (type name -> its raw JSON), and a type's block is
//! parsed the first time an invocation names it. User files are cached by
//! path and modification time, because rust-analyzer keeps the macro
//! process alive across edits; the expansion `include_bytes!`es them so
//! cargo rebuilds when they change.
//!
//! `tap.toml`, next to the crate's `Cargo.toml`:
//!
//! ```toml
//! [[schema]]
//! path = "schema/kubernetes.json.gz"      # relative to tap.toml; .json or .json.gz
//! versions = { kubernetes = "~> 2.38" }   # optional: constraints for required_providers
//! descriptor = "schema/kubernetes.json"   # optional: the provider's descriptor (see below)
//!
//! [policy]
//! path = "org-policy.toml"                # the organisation policy (see `crate::policy`)
//! ```
//!
//! A descriptor (`tap_core::schema::descriptor`, the format of the
//! embedded `tap-core/providers/aws.json`) tells tap what the schema does
//! not: accepted values, reference kinds, default tags, type labels. Its
//! `local_name` must be one of the providers of its schema file; it is
//! embedded in the expansion, so synthesis applies it too.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::value::RawValue;
use tap_core::reference::Mode;
use tap_core::schema::sensitive::{self, Marks, ProviderMarks};
use tap_core::schema::functions::{parse_provider_functions, shipped_provider_functions, Function};
use tap_core::schema::{provider_of, Block, Descriptor, Descriptors};

/// The providers shipped in this crate, as `(file name, gzipped document)`.
const EMBEDDED: &[(&str, &[u8])] = &[
    ("aws-6.25.0.json.gz", include_bytes!("../schema/providers/aws-6.25.0.json.gz")),
    ("random-3.7.2.json.gz", include_bytes!("../schema/providers/random-3.7.2.json.gz")),
    ("archive-2.7.1.json.gz", include_bytes!("../schema/providers/archive-2.7.1.json.gz")),
    ("tls-4.1.0.json.gz", include_bytes!("../schema/providers/tls-4.1.0.json.gz")),
    ("null-3.2.4.json.gz", include_bytes!("../schema/providers/null-3.2.4.json.gz")),
    ("time-0.13.1.json.gz", include_bytes!("../schema/providers/time-0.13.1.json.gz")),
];

/// The file a crate lists its own schemas in, next to its `Cargo.toml`.
pub const CONFIG_FILE: &str = "tap.toml";

/// How to add a provider's schema, for messages.
pub const HOW_TO_ADD: &str =
    "write its schema with `python3 tools/tap-schema.py fetch --crate . --provider <namespace>/<name>='<version constraint>'` (runs `terraform providers schema -json`) and list the file in `tap.toml` as `[[schema]] path = \"...\"`";

/// One type's entry in a provider's index: its raw JSON, parsed on first use.
struct TypeEntry {
    raw: Range<usize>,
    parsed: OnceLock<Result<Block, String>>,
}

/// One provider of one schema document.
pub struct ProviderSchema {
    /// `aws`: the last segment of the source, and the prefix of its type names.
    pub local_name: String,
    /// `hashicorp/aws`, as `required_providers` writes it.
    pub source: String,
    /// The version constraint written to `required_providers` for a
    /// provider only a resource implies; empty when unknown.
    pub version: String,
    /// Where the schema came from, for messages.
    pub origin: String,
    /// The descriptor its crate supplied in `tap.toml`, with its text (which
    /// the expansion embeds); `None` leaves the embedded one, if any.
    pub descriptor: Option<(Descriptor, String)>,
    /// For an embedded provider, tap's data on its sensitive and write-only
    /// arguments (its schema lacks the flags); a user's file has its own.
    marks: Option<&'static ProviderMarks>,
    /// Its provider-defined functions by short name (`arn_parse`): the
    /// document's `functions`, or for an embedded provider the ones tap
    /// ships; `None` when the document lists none (Terraform omits the key
    /// when there are none, and before 1.8 always).
    pub functions: Option<BTreeMap<String, Function>>,
    text: Arc<str>,
    config: Option<TypeEntry>,
    resources: BTreeMap<String, TypeEntry>,
    data_sources: BTreeMap<String, TypeEntry>,
}

impl ProviderSchema {
    fn entries(&self, mode: Mode) -> &BTreeMap<String, TypeEntry> {
        match mode {
            Mode::Managed => &self.resources,
            Mode::Data => &self.data_sources,
        }
    }

    /// Type names of one mode, for suggestions.
    pub fn type_names(&self, mode: Mode) -> impl Iterator<Item = &str> {
        self.entries(mode).keys().map(String::as_str)
    }

    pub fn has(&self, mode: Mode, type_name: &str) -> bool {
        self.entries(mode).contains_key(type_name)
    }

    /// A type's block; `Err` when the schema file's entry for it is malformed.
    pub fn block(&self, mode: Mode, type_name: &str) -> Option<Result<&Block, &str>> {
        self.entries(mode).get(type_name).map(|e| self.parse(e, self.type_marks(mode, type_name)))
    }

    /// The provider's configuration block (empty when the document has none).
    pub fn config_block(&self) -> Result<&Block, &str> {
        static EMPTY: LazyLock<Block> = LazyLock::new(Block::default);
        match &self.config {
            Some(entry) => self.parse(entry, self.marks.map(|m| &m.provider_config)),
            None => Ok(&EMPTY),
        }
    }

    /// A type's block as compact JSON with sorted keys, for the facts the expansion embeds.
    pub fn block_json(&self, mode: Mode, type_name: &str) -> String {
        Self::compact_block(&self.text, self.entries(mode).get(type_name), self.type_marks(mode, type_name))
    }

    /// The configuration block as compact JSON with sorted keys.
    pub fn config_json(&self) -> String {
        Self::compact_block(&self.text, self.config.as_ref(), self.marks.map(|m| &m.provider_config))
    }

    /// tap's sensitivity data for one of an embedded provider's types.
    fn type_marks(&self, mode: Mode, type_name: &str) -> Option<&'static Marks> {
        self.marks.and(sensitive::embedded_marks(&self.local_name, mode, type_name))
    }

    fn compact_block(text: &str, entry: Option<&TypeEntry>, marks: Option<&Marks>) -> String {
        let Some(entry) = entry else { return "{}".to_owned() };
        let mut value: serde_json::Value = serde_json::from_str(&text[entry.raw.clone()]).expect("BUG: an indexed entry is JSON");
        let Some(block) = value.get_mut("block") else { return "{}".to_owned() };
        if let Some(marks) = marks {
            sensitive::mark_json(block, marks);
        }
        block.to_string()
    }

    fn parse<'a>(&'a self, entry: &'a TypeEntry, marks: Option<&Marks>) -> Result<&'a Block, &'a str> {
        entry
            .parsed
            .get_or_init(|| {
                #[derive(Deserialize)]
                struct Entry {
                    #[serde(default)]
                    block: Block,
                }
                let mut block = serde_json::from_str::<Entry>(&self.text[entry.raw.clone()]).map(|e| e.block).map_err(|e| e.to_string())?;
                if let Some(marks) = marks {
                    block.mark(marks);
                }
                Ok(block)
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Every provider a crate's stacks may use.
pub struct Schemas {
    providers: Vec<Arc<ProviderSchema>>,
    /// `tap.toml` and the files it lists, for `include_bytes!` in the expansion.
    pub tracked: Vec<PathBuf>,
    /// The organisation policy file `tap.toml` names (`[policy] path`), as written.
    pub policy: Option<String>,
    /// The directory of `tap.toml`: what its paths are relative to.
    pub dir: PathBuf,
}

impl Schemas {
    /// The provider a type belongs to ([`provider_of`]).
    pub fn provider_of(&self, type_name: &str) -> Option<&ProviderSchema> {
        self.provider(provider_of(type_name))
    }

    /// The descriptors the checks consult: the crate's own, then the embedded ones.
    pub fn descriptors(&self) -> Descriptors<'_> {
        Descriptors::new(self.providers().filter_map(|p| p.descriptor.as_ref().map(|(d, _)| d)))
    }

    pub fn provider(&self, local_name: &str) -> Option<&ProviderSchema> {
        self.providers.iter().map(|p| &**p).find(|p| p.local_name == local_name)
    }

    pub fn providers(&self) -> impl Iterator<Item = &ProviderSchema> {
        self.providers.iter().map(|p| &**p)
    }

    /// A type's block, if its provider has the type and the entry parses.
    pub fn block(&self, mode: Mode, type_name: &str) -> Option<&Block> {
        self.provider_of(type_name)?.block(mode, type_name)?.ok()
    }

    pub fn has(&self, mode: Mode, type_name: &str) -> bool {
        self.provider_of(type_name).is_some_and(|p| p.has(mode, type_name))
    }

    /// Every managed resource type of every provider.
    pub fn managed_types(&self) -> Vec<&str> {
        self.providers.iter().flat_map(|p| p.type_names(Mode::Managed)).collect()
    }

    /// The provider names, for messages: `aws, archive, null, random, time, tls`.
    pub fn provider_list(&self) -> String {
        let names: Vec<String> = self.providers.iter().map(|p| format!("`{}`", p.local_name)).collect();
        names.join(", ")
    }
}

/// The `terraform providers schema -json` layout, read only as far as the index needs.
#[derive(Deserialize)]
struct DocumentIndex<'a> {
    #[allow(dead_code)]
    format_version: String,
    #[serde(borrow)]
    provider_schemas: BTreeMap<String, ProviderIndex<'a>>,
    #[serde(default)]
    x_meta: Option<Provenance>,
}

#[derive(Deserialize)]
struct ProviderIndex<'a> {
    #[serde(borrow, default)]
    provider: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(borrow, default)]
    data_source_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(default)]
    functions: Option<serde_json::Value>,
}

/// What the shipped data records of its origin.
#[derive(Deserialize)]
struct Provenance {
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    provider_version: Option<String>,
}

/// Indexes one document: one provider per entry of `provider_schemas`.
/// `versions` are constraints by local name from `tap.toml`.
fn index(text: String, origin: &str, versions: &BTreeMap<String, String>) -> Result<Vec<ProviderSchema>, String> {
    let text: Arc<str> = Arc::from(text);
    let doc: DocumentIndex = serde_json::from_str(&text).map_err(|e| format!("not a `terraform providers schema -json` document: {e}"))?;
    if doc.provider_schemas.is_empty() {
        return Err("`provider_schemas` is empty: the document describes no provider".to_owned());
    }
    let range = |raw: &RawValue| {
        let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        start..start + raw.get().len()
    };
    let entries = |m: &BTreeMap<String, &RawValue>| -> BTreeMap<String, TypeEntry> {
        m.iter().map(|(k, raw)| (k.clone(), TypeEntry { raw: range(raw), parsed: OnceLock::new() })).collect()
    };
    let mut out = Vec::new();
    for (address, p) in &doc.provider_schemas {
        let source = address.splitn(3, '/').collect::<Vec<_>>();
        let source = match source.as_slice() {
            [_host, namespace, name] => format!("{namespace}/{name}"),
            _ => address.clone(),
        };
        let local_name = source.rsplit('/').next().unwrap_or(&source).to_owned();
        let recorded = doc.x_meta.as_ref().filter(|m| m.provider.as_deref().is_none_or(|p| p == address)).and_then(|m| m.provider_version.as_deref());
        let version = match versions.get(&local_name) {
            Some(v) => v.clone(),
            None => recorded.map(pessimistic).unwrap_or_default(),
        };
        let functions = p.functions.as_ref().map(|f| parse_provider_functions(&local_name, f)).transpose()?;
        out.push(ProviderSchema {
            functions,
            local_name,
            source,
            version,
            origin: origin.to_owned(),
            descriptor: None,
            marks: None,
            text: text.clone(),
            config: p.provider.map(|raw| TypeEntry { raw: range(raw), parsed: OnceLock::new() }),
            resources: entries(&p.resource_schemas),
            data_sources: entries(&p.data_source_schemas),
        });
    }
    Ok(out)
}

/// `6.25.0` -> `~> 6.25`: the schema's minor version or a later one of the same major.
fn pessimistic(version: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    match parts.as_slice() {
        [major, minor, ..] => format!("~> {major}.{minor}"),
        _ => format!(">= {version}"),
    }
}

fn gunzip(bytes: &[u8]) -> Result<String, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).map_err(|e| format!("cannot decompress it: {e}"))?;
    Ok(text)
}

/// Counts how often the embedded schemas were indexed (the parse-once test).
pub static EMBEDDED_INDEXINGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

static EMBEDDED_PROVIDERS: LazyLock<Vec<Arc<ProviderSchema>>> = LazyLock::new(|| {
    EMBEDDED_INDEXINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut out = Vec::new();
    for (name, bytes) in EMBEDDED {
        let text = gunzip(bytes).unwrap_or_else(|e| panic!("BUG: embedded schema `{name}`: {e}"));
        let origin = format!("the embedded schema `{}`", name.trim_end_matches(".json.gz"));
        let mut providers = index(text, &origin, &BTreeMap::new()).unwrap_or_else(|e| panic!("BUG: embedded schema `{name}`: {e}"));
        for p in &mut providers {
            p.marks = sensitive::embedded(&p.local_name);
            // The embedded documents have no `functions`; tap ships them.
            p.functions = p.functions.take().or_else(|| shipped_provider_functions(&p.local_name).cloned());
        }
        out.extend(providers.into_iter().map(Arc::new));
    }
    out
});

/// Does an embedded provider have this type? Exactly the types with a
/// marker in `tap::types` (see `shapes::marker_types`).
pub fn embedded_has(mode: Mode, type_name: &str) -> bool {
    EMBEDDED_PROVIDERS.iter().any(|p| p.has(mode, type_name))
}

/// The embedded providers, indexed once per process.
pub fn embedded_providers() -> impl Iterator<Item = &'static ProviderSchema> {
    EMBEDDED_PROVIDERS.iter().map(|p| &**p)
}

/// `tap.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    schema: Vec<SchemaEntry>,
    #[serde(default)]
    policy: Option<PolicyEntry>,
}

/// `[policy]`: the organisation policy file, relative to `tap.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyEntry {
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaEntry {
    path: String,
    #[serde(default)]
    versions: BTreeMap<String, String>,
    /// A descriptor for one of the file's providers, relative to `tap.toml`.
    #[serde(default)]
    descriptor: Option<String>,
}

/// Reads and checks the descriptor `file` of a `[[schema]]` entry whose
/// schema file `schema` defines `providers`; every error names the file
/// and, for a bad descriptor, the field.
fn read_descriptor(base: &Path, file: &str, schema: &str, providers: &[ProviderSchema]) -> Result<(PathBuf, Descriptor, String), String> {
    if Path::new(file).is_absolute() {
        return Err(format!(
            "`{CONFIG_FILE}`: descriptor path `{file}` is absolute\nhelp: give a path relative to `{CONFIG_FILE}`, so the build does not depend on where the crate is checked out"
        ));
    }
    let path = base.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("`{CONFIG_FILE}` lists the descriptor `{file}`, which cannot be read: {e}"))?;
    let descriptor = Descriptor::from_json(&text)
        .map_err(|e| format!("descriptor `{file}` ({CONFIG_FILE}) is not valid: {e}\nhelp: see the embedded `tap-core/providers/aws.json` for the format"))?;
    if !providers.iter().any(|p| p.local_name == descriptor.local_name) {
        let names: Vec<String> = providers.iter().map(|p| format!("`{}`", p.local_name)).collect();
        return Err(format!(
            "descriptor `{file}` ({CONFIG_FILE}): field `local_name` is `{}`, but its schema file `{schema}` defines {}\nhelp: give the descriptor to the `[[schema]]` entry of its provider",
            descriptor.local_name,
            names.join(", ")
        ));
    }
    Ok((path, descriptor, text))
}

/// The files a crate's schemas were read from, with their modification times then.
type Stamps = Vec<(PathBuf, Option<SystemTime>)>;

/// What each crate loaded, with the stamps it was loaded at.
type CrateCache = HashMap<PathBuf, (Stamps, Arc<Schemas>)>;
static CRATES: LazyLock<Mutex<CrateCache>> = LazyLock::new(Default::default);

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The schemas for the crate being compiled: embedded, plus its `tap.toml`.
pub fn load() -> Result<Arc<Schemas>, String> {
    let dir = crate::env::manifest_dir()?;
    load_for(Path::new(&dir))
}

/// [`load`] for the crate in `dir`.
pub fn load_for(dir: &Path) -> Result<Arc<Schemas>, String> {
    let config_path = dir.join(CONFIG_FILE);
    // A poisoned lock only means another expansion panicked; start afresh.
    let mut cache = CRATES.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        guard.clear();
        guard
    });
    if let Some((stamps, schemas)) = cache.get(dir) {
        if stamps.iter().all(|(path, time)| mtime(path) == *time) {
            return Ok(schemas.clone());
        }
    }
    let (schemas, stamps) = read_crate(&config_path)?;
    let schemas = Arc::new(schemas);
    cache.insert(dir.to_path_buf(), (stamps, schemas.clone()));
    Ok(schemas)
}

/// Reads `tap.toml` (if any) and the files it lists; every error names the file and the fix.
fn read_crate(config_path: &Path) -> Result<(Schemas, Stamps), String> {
    let mut stamps = vec![(config_path.to_path_buf(), mtime(config_path))];
    let mut providers: Vec<Arc<ProviderSchema>> = EMBEDDED_PROVIDERS.clone();
    let Ok(text) = std::fs::read_to_string(config_path) else {
        return Ok((Schemas { providers, tracked: Vec::new(), policy: None, dir: config_path.parent().expect("BUG: tap.toml has a directory").to_path_buf() }, stamps));
    };
    let config: Config = toml::from_str(&text).map_err(|e| format!("`{CONFIG_FILE}` is not valid: {e}"))?;
    let base = config_path.parent().expect("BUG: tap.toml has a directory");
    let mut tracked = vec![config_path.to_path_buf()];
    // Which file defined each provider a user file brought, to name both on a conflict.
    let mut user_defined: BTreeMap<String, String> = BTreeMap::new();
    for entry in &config.schema {
        if Path::new(&entry.path).is_absolute() {
            return Err(format!(
                "`{CONFIG_FILE}`: schema path `{}` is absolute\nhelp: give a path relative to `{CONFIG_FILE}`, so the build does not depend on where the crate is checked out",
                entry.path
            ));
        }
        let path = base.join(&entry.path);
        stamps.push((path.clone(), mtime(&path)));
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("`{CONFIG_FILE}` lists the schema file `{}`, which cannot be read: {e}\nhelp: {HOW_TO_ADD}", entry.path))?;
        let text = if entry.path.ends_with(".gz") { gunzip(&bytes) } else { String::from_utf8(bytes).map_err(|e| format!("it is not UTF-8: {e}")) }
            .map_err(|e| format!("schema file `{}` ({CONFIG_FILE}): {e}", entry.path))?;
        let origin = format!("`{}`", entry.path);
        let mut found = index(text, &origin, &entry.versions).map_err(|e| {
            format!("schema file `{}` ({CONFIG_FILE}) is not usable: {e}\nhelp: write it with `terraform providers schema -json`, or with `tools/tap-schema.py fetch`", entry.path)
        })?;
        if let Some(file) = &entry.descriptor {
            let (path, descriptor, text) = read_descriptor(base, file, &entry.path, &found)?;
            stamps.push((path.clone(), mtime(&path)));
            tracked.push(path);
            let provider = found.iter_mut().find(|p| p.local_name == descriptor.local_name).expect("BUG: read_descriptor checked the local name");
            provider.descriptor = Some((descriptor, text));
        }
        for provider in found {
            if let Some(first) = user_defined.insert(provider.local_name.clone(), entry.path.clone()) {
                return Err(format!(
                    "provider `{}` is defined by two schema files: `{first}` and `{}`\nhelp: list each provider's schema once in `{CONFIG_FILE}`",
                    provider.local_name, entry.path
                ));
            }
            // A user file for an embedded provider replaces it: how a crate moves to another provider version.
            providers.retain(|p| p.local_name != provider.local_name);
            providers.push(Arc::new(provider));
        }
        tracked.push(path);
    }
    let policy = match config.policy {
        Some(entry) if Path::new(&entry.path).is_absolute() => {
            return Err(format!(
                "`{CONFIG_FILE}`: policy path `{}` is absolute\nhelp: give a path relative to `{CONFIG_FILE}`, so the build does not depend on where the crate is checked out",
                entry.path
            ))
        }
        Some(entry) => Some(entry.path),
        None => None,
    };
    Ok((Schemas { providers, tracked, policy, dir: base.to_path_buf() }, stamps))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_crate(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
    }

    #[test]
    fn every_embedded_provider_is_indexed_with_source_and_version() {
        let schemas = load_for(&fixture_crate("no-config")).unwrap();
        let aws = schemas.provider("aws").unwrap();
        assert_eq!((aws.source.as_str(), aws.version.as_str()), ("hashicorp/aws", "~> 6.25"));
        assert_eq!(aws.type_names(Mode::Managed).count(), 1581);
        assert_eq!(aws.type_names(Mode::Data).count(), 630);
        for name in ["random", "archive", "tls", "null", "time"] {
            let p = schemas.provider(name).unwrap_or_else(|| panic!("`{name}` is not embedded"));
            assert_eq!(p.source, format!("hashicorp/{name}"));
        }
        assert!(schemas.block(Mode::Managed, "aws_ecs_cluster").is_some());
        assert!(schemas.block(Mode::Managed, "random_password").is_some());
        assert!(schemas.block(Mode::Data, "archive_file").is_some());
        assert!(schemas.tracked.is_empty());
    }

    #[test]
    fn a_crates_own_gzipped_schema_is_added_and_cached() {
        let dir = fixture_crate("with-config");
        let schemas = load_for(&dir).unwrap();
        let pet = schemas.provider("pet").unwrap();
        assert_eq!((pet.source.as_str(), pet.version.as_str()), ("example/pet", "~> 1.2"));
        assert!(schemas.block(Mode::Managed, "pet_dog").is_some());
        assert!(schemas.has(Mode::Managed, "aws_vpc"), "the embedded providers stay");
        assert_eq!(schemas.tracked.len(), 2, "tap.toml and the schema file are tracked");
        assert!(Arc::ptr_eq(&schemas, &load_for(&dir).unwrap()), "an unchanged crate is read once");
    }

    #[test]
    fn an_edited_schema_file_is_read_again_in_a_long_lived_process() {
        // rust-analyzer keeps one macro process across edits: a changed file must not be served from the cache.
        let dir = std::env::temp_dir().join(format!("tap-schema-reload-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("schema")).unwrap();
        std::fs::write(dir.join("tap.toml"), "[[schema]]\npath = \"schema/pet.json\"\n").unwrap();
        let document = |types: &str| {
            format!(r#"{{"format_version":"1.0","provider_schemas":{{"registry.terraform.io/example/pet":{{"resource_schemas":{{{types}}}}}}}}}"#)
        };
        let file = dir.join("schema/pet.json");
        std::fs::write(&file, document(r#""pet_dog":{"block":{}}"#)).unwrap();
        let before = load_for(&dir).unwrap();
        assert!(before.has(Mode::Managed, "pet_dog") && !before.has(Mode::Managed, "pet_cat"));
        std::fs::write(&file, document(r#""pet_dog":{"block":{}},"pet_cat":{"block":{}}"#)).unwrap();
        let later = std::fs::metadata(&file).unwrap().modified().unwrap() + std::time::Duration::from_secs(2);
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(later).unwrap();
        let after = load_for(&dir).unwrap();
        assert!(after.has(Mode::Managed, "pet_cat"), "the edited file was not read again");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_configurations_name_the_file_and_the_fix() {
        let err = load_for(&fixture_crate("absolute-path")).err().unwrap();
        assert!(err.contains("is absolute") && err.contains("relative to `tap.toml`"), "{err}");
        let err = load_for(&fixture_crate("missing-file")).err().unwrap();
        assert!(err.contains("`schema/nowhere.json`, which cannot be read") && err.contains("tap-schema.py fetch"), "{err}");
        let err = load_for(&fixture_crate("not-a-schema")).err().unwrap();
        assert!(err.contains("schema file `schema/notes.json`") && err.contains("not a `terraform providers schema -json` document"), "{err}");
        let err = load_for(&fixture_crate("duplicate-provider")).err().unwrap();
        assert!(err.contains("provider `pet` is defined by two schema files: `schema/a.json` and `schema/b.json`"), "{err}");
        let err = load_for(&fixture_crate("bad-toml")).err().unwrap();
        assert!(err.contains("`tap.toml` is not valid"), "{err}");
    }

    #[test]
    fn a_crates_descriptor_is_checked_and_applied() {
        use tap_core::reference::{Address, Reference};
        use tap_core::schema::check_body;
        use tap_core::value::Value;
        let dir = fixture_crate("with-descriptor");
        let schemas = load_for(&dir).unwrap();
        assert_eq!(schemas.tracked.len(), 3, "tap.toml, the schema and the descriptor are tracked");
        let descriptors = schemas.descriptors();
        assert_eq!(descriptors.kind_label("pet_dog"), "dog");
        assert_eq!(descriptors.kind_label("aws_lambda_function"), "lambda function", "the embedded descriptors stay");
        let block = schemas.block(Mode::Managed, "pet_dog").unwrap();
        let owner = Reference::new(std::sync::Arc::new(Address::resource("pet_owner", "alice")), tap_core::path::AttrPath::root().name("arn"));
        let body = [("name".to_owned(), Value::from("rex")), ("size".to_owned(), Value::from("HUGE")), ("owner_id".to_owned(), Value::Ref(owner))].into();
        let messages: Vec<String> = check_body(&descriptors, "pet_dog", block, &body).into_iter().map(|i| format!("{} / {}", i.message, i.help.unwrap_or_default())).collect();
        assert_eq!(
            messages,
            [
                "`owner_id` of `pet_dog` expects an owner id, found a reference to `pet_owner.alice.arn` (an owner ARN) / refer to a `pet_owner`'s `id`",
                "`HUGE` is not an accepted value for `size` of `pet_dog` / accepted values: `LARGE`, `SMALL`",
            ]
        );
    }

    #[test]
    fn bad_descriptors_name_the_file_and_the_field() {
        let err = load_for(&fixture_crate("bad-descriptor")).err().unwrap();
        assert!(err.starts_with("descriptor `schema/pet.descriptor.json` (tap.toml) is not valid: `accepted[0]` (`size`) must give exactly one"), "{err}");
        let err = load_for(&fixture_crate("wrong-descriptor")).err().unwrap();
        assert!(err.contains("field `local_name` is `cat`, but its schema file `schema/pet.json` defines `pet`"), "{err}");
    }

    #[test]
    fn embedded_blocks_and_facts_carry_taps_sensitivity_data() {
        use tap_core::path::AttrPath;
        use tap_core::schema::is_sensitive;
        let schemas = load_for(&fixture_crate("no-config")).unwrap();
        let db = schemas.block(Mode::Managed, "aws_db_instance").unwrap();
        assert!(db.attributes["password"].is_sensitive() && !db.attributes["username"].is_sensitive());
        let broker = schemas.block(Mode::Managed, "aws_mq_broker").unwrap();
        assert!(is_sensitive(Some(broker), Mode::Managed, "aws_mq_broker", &AttrPath::parse("user[0].password").unwrap()));
        // The facts the expansion embeds say the same, so synthesis sees what the macros saw.
        let facts = Block::from_json(&schemas.provider("aws").unwrap().block_json(Mode::Managed, "aws_db_instance")).unwrap();
        assert!(facts.attributes["password"].sensitive);
        let tls = schemas.provider("tls").unwrap();
        assert!(tls.config_block().unwrap().block_types["proxy"].block.attributes["password"].sensitive, "the provider configuration too");
    }

    #[test]
    fn a_crates_own_schema_brings_its_own_flags() {
        let dir = std::env::temp_dir().join(format!("tap-schema-flags-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("tap.toml"), "[[schema]]\npath = \"pet.json\"\n").unwrap();
        let attrs = r#"{"secret":{"type":"string","optional":true,"sensitive":true},"token_wo":{"type":"string","optional":true,"write_only":true},"name":{"type":"string","optional":true}}"#;
        let doc = format!(r#"{{"format_version":"1.0","provider_schemas":{{"registry.terraform.io/example/pet":{{"resource_schemas":{{"pet_dog":{{"block":{{"attributes":{attrs}}}}}}}}}}}}}"#);
        std::fs::write(dir.join("pet.json"), doc).unwrap();
        let schemas = load_for(&dir).unwrap();
        let dog = schemas.block(Mode::Managed, "pet_dog").unwrap();
        assert!(dog.attributes["secret"].is_sensitive() && dog.attributes["token_wo"].is_sensitive() && !dog.attributes["name"].is_sensitive());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn provider_functions_come_from_the_document_or_the_shipped_data() {
        let doc = r#"{"format_version":"1.0","provider_schemas":{"registry.terraform.io/acme/pet":{
            "functions":{"name_of":{"parameters":[{"name":"id","type":"number"}],"return_type":"string"}}},
            "registry.terraform.io/acme/bare":{}}}"#;
        let providers = index(doc.to_owned(), "test", &BTreeMap::new()).unwrap();
        let pet = providers.iter().find(|p| p.local_name == "pet").unwrap();
        let name_of = &pet.functions.as_ref().unwrap()["name_of"];
        assert_eq!((&*name_of.name, name_of.min_args, name_of.max_args), ("provider::pet::name_of", 1, Some(1)));
        // No `functions` key: the document does not say, and nothing is checked.
        assert!(providers.iter().find(|p| p.local_name == "bare").unwrap().functions.is_none());
        let bad = doc.replace(r#""number""#, r#""numbr""#);
        let error = index(bad, "test", &BTreeMap::new()).err().unwrap();
        assert!(error.contains("function `name_of` of provider `pet`"), "{error}");
        // The embedded documents have none; tap ships them.
        let schemas = load_for(&fixture_crate("no-config")).unwrap();
        let aws = schemas.provider("aws").unwrap().functions.as_ref().unwrap();
        assert!(aws.contains_key("arn_parse") && aws.contains_key("trim_iam_role_path"));
        assert_eq!(schemas.provider("random").unwrap().functions.as_ref().map(BTreeMap::len), Some(0));
    }

    #[test]
    fn pessimistic_constraints() {
        assert_eq!(pessimistic("6.25.0"), "~> 6.25");
        assert_eq!(pessimistic("7"), ">= 7");
    }
}
