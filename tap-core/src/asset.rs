//! Reproducible zip assets for Lambda code.
//!
//! Phase: model + synthesis. The zip is built when the asset is declared,
//! so its hash can be used as `source_code_hash`; errors (a missing
//! directory) are kept and reported by validation. The same files give the
//! same bytes: entries are sorted, timestamps fixed to 1980-01-01 00:00,
//! permissions fixed to 0644, and the compression level fixed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::value::Value;

/// A file or directory zipped into `assets/<name>.zip` beside the configuration.
#[derive(Clone, Debug)]
pub struct Asset {
    pub name: String,
    pub source: PathBuf,
    /// The zip bytes, or why they could not be made.
    pub bytes: Result<Vec<u8>, String>,
}

/// What a resource needs of an asset: its path and its hash.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetHandle {
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

    pub fn handle(&self) -> AssetHandle {
        let sha256_base64 = match &self.bytes {
            Ok(bytes) => base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes)),
            Err(_) => String::new(),
        };
        AssetHandle { name: self.name.clone(), sha256_base64 }
    }
}

/// Collects `(path inside the zip, file on disk)` pairs, sorted.
fn collect_files(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let meta = std::fs::metadata(root).map_err(|e| format!("cannot read asset source `{}`: {e}", root.display()))?;
    if meta.is_file() {
        let name = root.file_name().and_then(|n| n.to_str()).ok_or("asset file name is not UTF-8")?;
        return Ok(vec![(name.to_owned(), root.to_path_buf())]);
    }
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), root.to_path_buf())];
    while let Some((prefix, dir)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot read directory `{}`: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().into_string().map_err(|n| format!("file name {n:?} is not UTF-8"))?;
            if is_excluded(&name) {
                continue;
            }
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let kind = entry.file_type().map_err(|e| e.to_string())?;
            if kind.is_dir() {
                stack.push((rel, entry.path()));
            } else if kind.is_file() {
                out.push((rel, entry.path()));
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(format!("asset source `{}` has no files", root.display()));
    }
    Ok(out)
}

fn zip_path(root: &Path) -> Result<Vec<u8>, String> {
    let files = collect_files(root)?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, path) in files {
        let content = std::fs::read(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        writer.start_file(name, options).map_err(|e| e.to_string())?;
        writer.write_all(&content).map_err(|e| e.to_string())?;
    }
    Ok(writer.finish().map_err(|e| e.to_string())?.into_inner())
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
        assert!(a.bytes.unwrap_err().contains("cannot read asset source"));
    }
}
