//! The organisation policy as the macros see it: the file `tap.toml` names
//! (`[policy] path`), or the one `#[stack(policy = "...")]` names, read
//! with `tap_core`'s parser and checked against the loaded schemas.
//!
//! Phase: resolve (data). Files are cached by path and modification time,
//! as schema files are, and the expansion `include_str!`s the file (the
//! running stack gets the same rules, and cargo rebuilds when it changes).
//! Problems in the file are returned as messages; `expand` puts each on
//! the attribute.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::SystemTime;

use tap_core::policy::org::SchemaView;
use tap_core::policy::OrgPolicy;
use tap_core::reference::Mode;
use tap_core::schema::Block;

use crate::diag::message;
use crate::env::{env_opt, manifest_dir, POLICY_DIR};
use crate::schema::{Schemas, CONFIG_FILE};

/// A policy file, read and parsed.
pub struct LoadedPolicy {
    /// The path as its configuration wrote it: how messages name the file.
    pub shown: String,
    /// Where it is, for `include_str!` in the expansion.
    pub path: PathBuf,
    /// The file's problems (syntax, fields, types), one message each; empty when usable.
    pub problems: Vec<String>,
    pub policy: Option<OrgPolicy>,
}

/// A file parsed, or its problems.
type Parsed = Arc<Result<OrgPolicy, Vec<String>>>;

/// Parsed files by path and the name messages give them, with their
/// modification time then.
type Cache = HashMap<(PathBuf, String), (Option<SystemTime>, Parsed)>;
static FILES: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

/// The policy a stack or component is held to: the one its attribute
/// names, else the one `tap.toml` names, else none. `Err` when the file
/// cannot be found, on the attribute's path literal when there is one.
pub fn load(attr: Option<&syn::LitStr>, schemas: &Schemas) -> Result<Option<LoadedPolicy>, syn::Error> {
    let call_site = proc_macro2::Span::call_site();
    let (shown, path, span) = match (attr, &schemas.policy) {
        (Some(lit), _) => {
            let written = lit.value();
            if Path::new(&written).is_absolute() {
                let help = format!("give a path relative to the crate's directory (or to `{POLICY_DIR}` when it is set), so the build does not depend on where the crate is checked out");
                return Err(syn::Error::new(lit.span(), message(&format!("policy path `{written}` is absolute"), Some(&help), None)));
            }
            let base = match env_opt(POLICY_DIR) {
                Some(dir) => PathBuf::from(dir),
                None => manifest_dir().map_err(|e| syn::Error::new(lit.span(), e))?,
            };
            (written.clone(), base.join(&written), lit.span())
        }
        (None, Some(written)) => (written.clone(), schemas.dir.join(written), call_site),
        (None, None) => return Ok(None),
    };
    let parsed = read(&shown, &path).map_err(|e| {
        let help = match attr {
            Some(_) => format!("the path is relative to the crate's directory, or to `{POLICY_DIR}` when it is set"),
            None => format!("the path in `{CONFIG_FILE}` (`[policy] path`) is relative to `{CONFIG_FILE}`"),
        };
        syn::Error::new(span, message(&format!("policy file `{shown}` cannot be read: {e}"), Some(&help), None))
    })?;
    let (problems, policy) = match &*parsed {
        Err(problems) => (problems.clone(), None),
        Ok(policy) => {
            let problems: Vec<String> = policy.check_types(&View(schemas)).iter().map(ToString::to_string).collect();
            (problems, Some(policy.clone()))
        }
    };
    let policy = policy.filter(|_| problems.is_empty());
    Ok(Some(LoadedPolicy { shown, path, problems, policy }))
}

/// What the file parses to, from the cache when the file is unchanged.
fn read(shown: &str, path: &Path) -> std::io::Result<Parsed> {
    let time = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    // A poisoned lock only means another expansion panicked; start afresh.
    let mut cache = FILES.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        guard.clear();
        guard
    });
    let key = (path.to_path_buf(), shown.to_owned());
    if let Some((stamp, parsed)) = cache.get(&key) {
        if *stamp == time && time.is_some() {
            return Ok(parsed.clone());
        }
    }
    let text = std::fs::read_to_string(path)?;
    let parsed = OrgPolicy::parse(shown, &text).map_err(|errors| errors.iter().map(ToString::to_string).collect());
    let entry = Arc::new(parsed);
    cache.insert(key, (time, entry.clone()));
    Ok(entry)
}

/// The schemas as `tap_core` checks a policy file's types against them.
struct View<'a>(&'a Schemas);

impl SchemaView for View<'_> {
    fn has_type(&self, type_name: &str) -> bool {
        self.0.has(Mode::Managed, type_name)
    }

    fn type_names(&self) -> Vec<&str> {
        self.0.managed_types()
    }

    fn block(&self, type_name: &str) -> Option<&Block> {
        self.0.block(Mode::Managed, type_name)
    }
}
