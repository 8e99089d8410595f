//! Reproducible zip assets for Lambda code.
//!
//! Layer: assets (below the model, which holds them). The zip is built when the asset is declared,
//! so its hash can be used as `source_code_hash`; errors (a missing
//! directory) are kept and reported by validation. The same files give the
//! same bytes: entries are sorted, timestamps fixed to 1980-01-01 00:00,
//! permissions fixed to 0644, and the compression level fixed.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::value::Value;

/// A file or directory zipped into `assets/<name>.zip` beside the configuration.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Names the zip (`assets/<name>.zip`); must be a valid Terraform
    /// identifier, which validation checks.
    pub name: String,
    /// The file or directory zipped, as given when declared.
    pub source: PathBuf,
    /// The zip bytes, or why they could not be made.
    pub bytes: Result<Vec<u8>, AssetError>,
}

/// Why an asset's zip could not be made.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AssetError {
    /// A file or directory could not be read.
    Read {
        /// The file or directory that could not be read.
        path: PathBuf,
        /// The I/O error, shared so the asset stays `Clone`.
        error: Arc<std::io::Error>,
    },
    /// A file name is not UTF-8, so it cannot name a zip entry portably.
    NotUtf8 {
        /// The file whose name is not UTF-8.
        path: PathBuf,
    },
    /// The source holds no files (after leaving out caches and dot files).
    Empty {
        /// The asset's source.
        path: PathBuf,
    },
    /// The zip writer failed.
    Zip {
        /// The zip writer's error, shared so the asset stays `Clone`.
        error: Arc<zip::result::ZipError>,
    },
}

impl fmt::Display for AssetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetError::Read { path, error } => write!(f, "cannot read `{}`: {error}", path.display()),
            AssetError::NotUtf8 { path } => write!(f, "the file name of `{}` is not UTF-8", path.display()),
            AssetError::Empty { path } => write!(f, "asset source `{}` has no files", path.display()),
            AssetError::Zip { error } => write!(f, "cannot write the zip: {error}"),
        }
    }
}

impl std::error::Error for AssetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AssetError::Read { error, .. } => Some(&**error),
            AssetError::Zip { error } => Some(&**error),
            _ => None,
        }
    }
}

fn read_error(path: &Path) -> impl FnOnce(std::io::Error) -> AssetError + '_ {
    move |error| AssetError::Read { path: path.to_path_buf(), error: Arc::new(error) }
}

fn zip_error(error: zip::result::ZipError) -> AssetError {
    AssetError::Zip { error: Arc::new(error) }
}

/// What a resource needs of an asset: its path and its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetHandle {
    /// The asset's name, which gives the zip's path.
    pub name: String,
    /// Base64 SHA-256 of the zip, as Lambda's `source_code_hash` expects.
    pub sha256_base64: String,
}

impl AssetHandle {
    /// The zip's path relative to the stack directory.
    pub fn relative_path(&self) -> String {
        format!("assets/{}.zip", self.name)
    }

    /// `${path.module}/assets/<name>.zip`, which resolves wherever Terraform runs from.
    pub fn path(&self) -> Value {
        Value::template(vec![Value::path_module(), Value::Str(format!("/{}", self.relative_path()))])
    }

    /// The hash as a literal, so Terraform sees a change only when the code changes.
    pub fn hash(&self) -> Value {
        Value::Str(self.sha256_base64.clone())
    }
}

/// Names that never belong in a deployment package.
fn is_excluded(name: &str) -> bool {
    name.starts_with('.') || name == "__pycache__" || name.ends_with(".pyc")
}

impl Asset {
    /// Zips a directory (recursively) or a single file.
    pub fn zip(name: &str, source: impl AsRef<Path>) -> Asset {
        let source = source.as_ref().to_path_buf();
        let bytes = zip_path(&source);
        Asset { name: name.to_owned(), source, bytes }
    }

    /// What a resource refers to: the zip's path and hash. The hash is empty
    /// when the zip could not be made (validation reports that error).
    pub fn handle(&self) -> AssetHandle {
        let sha256_base64 = match &self.bytes {
            Ok(bytes) => base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes)),
            Err(_) => String::new(),
        };
        AssetHandle { name: self.name.clone(), sha256_base64 }
    }
}

/// Collects `(path inside the zip, file on disk)` pairs, sorted.
fn collect_files(root: &Path) -> Result<Vec<(String, PathBuf)>, AssetError> {
    let meta = std::fs::metadata(root).map_err(read_error(root))?;
    if meta.is_file() {
        let name = root.file_name().and_then(|n| n.to_str()).ok_or_else(|| AssetError::NotUtf8 { path: root.to_path_buf() })?;
        return Ok(vec![(name.to_owned(), root.to_path_buf())]);
    }
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), root.to_path_buf())];
    while let Some((prefix, dir)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(read_error(&dir))? {
            let entry = entry.map_err(read_error(&dir))?;
            let name = entry.file_name().into_string().map_err(|_| AssetError::NotUtf8 { path: entry.path() })?;
            if is_excluded(&name) {
                continue;
            }
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let kind = entry.file_type().map_err(read_error(&entry.path()))?;
            if kind.is_dir() {
                stack.push((rel, entry.path()));
            } else if kind.is_file() {
                out.push((rel, entry.path()));
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(AssetError::Empty { path: root.to_path_buf() });
    }
    Ok(out)
}

fn zip_path(root: &Path) -> Result<Vec<u8>, AssetError> {
    let files = collect_files(root)?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, path) in files {
        let content = std::fs::read(&path).map_err(read_error(&path))?;
        writer.start_file(name, options).map_err(zip_error)?;
        writer.write_all(&content).map_err(|e| zip_error(e.into()))?;
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) {
        std::fs::create_dir_all(dir.join("pkg/__pycache__")).unwrap();
        std::fs::write(dir.join("handler.py"), "def handler(e, c):\n    return 1\n").unwrap();
        std::fs::write(dir.join("pkg/util.py"), "X = 1\n").unwrap();
        std::fs::write(dir.join("pkg/__pycache__/util.cpython-312.pyc"), "junk").unwrap();
    }

    #[test]
    fn same_files_give_same_bytes_regardless_of_mtime_and_mode() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        tree(a.path());
        std::thread::sleep(std::time::Duration::from_millis(20));
        tree(b.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(b.path().join("handler.py"), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let za = Asset::zip("fn", a.path());
        let zb = Asset::zip("fn", b.path());
        assert_eq!(za.bytes.as_ref().unwrap(), zb.bytes.as_ref().unwrap());
        assert_eq!(za.handle(), zb.handle());
        assert_eq!(za.handle().sha256_base64.len(), 44);
    }

    #[test]
    fn entries_are_sorted_and_caches_excluded() {
        let d = tempfile::tempdir().unwrap();
        tree(d.path());
        let bytes = Asset::zip("fn", d.path()).bytes.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut by_index = Vec::new();
        for i in 0..archive.len() {
            let f = archive.by_index(i).unwrap();
            assert_eq!(f.unix_mode(), Some(0o100644));
            by_index.push(f.name().to_owned());
        }
        assert_eq!(by_index, vec!["handler.py", "pkg/util.py"]);
    }

    #[test]
    fn content_change_changes_hash() {
        let d = tempfile::tempdir().unwrap();
        tree(d.path());
        let before = Asset::zip("fn", d.path()).handle();
        std::fs::write(d.path().join("handler.py"), "def handler(e, c):\n    return 2\n").unwrap();
        assert_ne!(before, Asset::zip("fn", d.path()).handle());
    }

    #[test]
    fn missing_source_is_an_error_value() {
        let a = Asset::zip("fn", "/definitely/not/here");
        let err = a.bytes.unwrap_err();
        assert!(matches!(err, AssetError::Read { .. }) && err.to_string().starts_with("cannot read `"), "{err}");
        assert!(std::error::Error::source(&err).is_some(), "the I/O error is kept as the source");
    }
}
