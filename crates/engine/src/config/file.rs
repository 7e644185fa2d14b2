//! Reading and writing `config.toml`: a missing file is the defaults; saving is atomic and
//! merges into what is on disk, so comments and hand formatting of unchanged entries stay.

use std::io::Write;
use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, Value};

use super::{Config, ConfigError};

const HEADER: &str = "\
# Groupline configuration. Edit by hand or with `groupline config …`.
# Secrets (passwords, tokens) are never kept here: `groupline config secret set`.

";

impl Config {
    /// Parses a configuration without checking its values (`path` names it in errors).
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Reads `path` without checking its values, so an editor (`groupline config set`) can
    /// repair a bad value. A missing file is the defaults.
    pub fn load_unchecked(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::from_toml_str(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::io("read", path, e)),
        }
    }

    /// Reads and checks `path`; a missing file is the defaults (the demo provider). Keys this
    /// version does not know are logged once here, and kept.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let config = Config::load_unchecked(path)?;
        config.validate()?;
        let unknown = config.unknown_keys();
        if !unknown.is_empty() {
            tracing::warn!(
                file = %path.display(),
                keys = %unknown.join(", "),
                "the configuration has keys this version of Groupline does not use; they are kept as they are"
            );
        }
        Ok(config)
    }

    /// Checks the configuration and writes it to `path` atomically (temporary file, fsync,
    /// rename, mode 0600 on unix). What is already in the file is updated in place: comments
    /// and formatting of unchanged entries survive.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        self.validate()?;
        let target = resolve_symlink(path);
        let existing = match std::fs::read_to_string(&target) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ConfigError::io("read", target, e)),
        };
        let text = self.to_toml_string(existing.as_deref())?;
        write_atomic(&target, text.as_bytes())
    }

    /// The file's text: `existing` (the file as it is now, if any) updated to this
    /// configuration, or a fresh file with a short header.
    pub fn to_toml_string(&self, existing: Option<&str>) -> Result<String, ConfigError> {
        let fresh = toml::to_string(self).map_err(|e| ConfigError::Parse {
            path: "(the configuration being saved)".into(),
            message: e.to_string(),
        })?;
        let new: DocumentMut =
            fresh
                .parse()
                .map_err(|e: toml_edit::TomlError| ConfigError::Parse {
                    path: "(the configuration being saved)".into(),
                    message: e.to_string(),
                })?;
        // A file that no longer parses (edited by hand mid-way) is replaced whole: the
        // configuration being saved came from somewhere valid.
        match existing.and_then(|text| text.parse::<DocumentMut>().ok()) {
            Some(mut doc) => {
                merge_table(doc.as_table_mut(), new.as_table());
                Ok(doc.to_string())
            }
            None => Ok(format!("{HEADER}{new}")),
        }
    }
}

/// Makes `old` hold exactly `new`'s entries while keeping `old`'s comments and formatting
/// wherever an entry is unchanged.
fn merge_table(old: &mut Table, new: &Table) {
    old.retain(|key, _| new.contains_key(key));
    for (key, new_item) in new.iter() {
        match (old.get_mut(key), new_item) {
            (Some(Item::Table(old_table)), Item::Table(new_table)) => {
                merge_table(old_table, new_table);
            }
            (Some(Item::Value(old_value)), Item::Value(new_value)) => {
                replace_value(old_value, new_value.clone());
            }
            // Written inline by hand (`x = { a = 1 }`): stays inline.
            (Some(Item::Value(old_value @ Value::InlineTable(_))), Item::Table(new_table)) => {
                let inline = new_table.clone().into_inline_table();
                replace_value(old_value, Value::InlineTable(inline));
            }
            (Some(slot), _) => *slot = unpositioned(new_item.clone()),
            (None, _) => {
                old.insert(key, unpositioned(new_item.clone()));
            }
        }
    }
}

/// Replaces `old` by `new` unless they are the same value, keeping `old`'s comments.
fn replace_value(old: &mut Value, new: Value) {
    if !same_value(old, &new) {
        let decor = old.decor().clone();
        *old = new;
        *old.decor_mut() = decor;
    }
}

/// Equal as TOML values, whatever their formatting ('x' and "x", 1_000 and 1000).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Integer(a), Value::Integer(b)) => a.value() == b.value(),
        (Value::Float(a), Value::Float(b)) => a.value() == b.value(),
        (Value::Boolean(a), Value::Boolean(b)) => a.value() == b.value(),
        (Value::Datetime(a), Value::Datetime(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| same_value(a, b))
        }
        (Value::InlineTable(a), Value::InlineTable(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => false,
    }
}

/// A table inserted into an existing document is placed after its neighbours rather than at
/// the position it had in the freshly serialized document.
fn unpositioned(mut item: Item) -> Item {
    fn clear(table: &mut Table) {
        table.set_position(None);
        for (_, item) in table.iter_mut() {
            if let Item::Table(t) = item {
                clear(t);
            }
        }
    }
    if let Item::Table(t) = &mut item {
        clear(t);
    }
    item
}

/// A symlinked config (dotfiles) is written through, not replaced by a plain file.
fn resolve_symlink(path: &Path) -> std::path::PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never a part:
/// a temporary file in the same directory (mode 0600 on unix), fsync, rename, fsync of the
/// directory. Creates the directory if needed.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| ConfigError::io("create the directory", dir, e))?;
    // tempfile creates the file with mode 0600 on unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".groupline-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| ConfigError::io("create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| ConfigError::io("write", tmp.path().to_path_buf(), e))?;
    set_private(tmp.as_file()).map_err(|e| ConfigError::io("set the mode of", path, e))?;
    tmp.persist(path)
        .map_err(|e| ConfigError::io("replace", path, e.error))?;
    sync_dir(dir);
    Ok(())
}

#[cfg(unix)]
fn set_private(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Makes the rename durable. Best effort: some filesystems cannot fsync a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
