//! Where Groupline keeps everything: one data directory shared by the desktop app and the CLI.
//!
//! Resolution order: an explicit `--data-dir`, then `GROUPLINE_DATA_DIR`, then the
//! platform's application-data directory (`~/.local/share/groupline` on Linux).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::EngineError;

/// The environment variable that overrides the default data directory.
pub const DATA_DIR_ENV: &str = "GROUPLINE_DATA_DIR";

/// Why this directory was chosen (shown in diagnostics so a user knows which store is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataDirSource {
    Flag,
    Environment,
    PlatformDefault,
}

/// The resolved data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
    source: DataDirSource,
}

impl DataDir {
    /// Resolves the directory from an explicit choice, else the environment value given
    /// (callers pass `std::env::var_os(DATA_DIR_ENV)`), else the platform default.
    pub fn resolve(
        explicit: Option<PathBuf>,
        env_value: Option<std::ffi::OsString>,
    ) -> Result<Self, EngineError> {
        if let Some(path) = explicit.filter(|p| !p.as_os_str().is_empty()) {
            return Self::absolute(path, DataDirSource::Flag);
        }
        if let Some(value) = env_value.filter(|v| !v.is_empty()) {
            return Self::absolute(PathBuf::from(value), DataDirSource::Environment);
        }
        let dirs = directories::ProjectDirs::from("app", "Groupline", "groupline")
            .ok_or(EngineError::NoHomeDirectory)?;
        Ok(DataDir {
            path: dirs.data_dir().to_path_buf(),
            source: DataDirSource::PlatformDefault,
        })
    }

    /// Resolves from an explicit choice and the real process environment.
    pub fn from_env(explicit: Option<PathBuf>) -> Result<Self, EngineError> {
        Self::resolve(explicit, std::env::var_os(DATA_DIR_ENV))
    }

    fn absolute(path: PathBuf, source: DataDirSource) -> Result<Self, EngineError> {
        let path = std::path::absolute(&path).map_err(|e| EngineError::DataDir {
            path: path.clone(),
            source: e,
        })?;
        Ok(DataDir { path, source })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn source(&self) -> DataDirSource {
        self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment_beats_default() {
        let flag = DataDir::resolve(Some("/a".into()), Some("/b".into())).unwrap();
        assert_eq!(flag.path(), Path::new("/a"));
        assert_eq!(flag.source(), DataDirSource::Flag);

        let env = DataDir::resolve(None, Some("/b".into())).unwrap();
        assert_eq!(env.path(), Path::new("/b"));
        assert_eq!(env.source(), DataDirSource::Environment);

        let default = DataDir::resolve(None, None).unwrap();
        assert_eq!(default.source(), DataDirSource::PlatformDefault);
        assert!(default.path().is_absolute());
        assert!(
            default
                .path()
                .to_string_lossy()
                .to_lowercase()
                .contains("groupline"),
            "{}",
            default.path().display()
        );
    }

    #[test]
    fn empty_values_are_ignored_and_relative_paths_made_absolute() {
        let d = DataDir::resolve(Some(PathBuf::new()), Some("rel/dir".into())).unwrap();
        assert_eq!(d.source(), DataDirSource::Environment);
        assert!(d.path().is_absolute());
        assert!(d.path().ends_with("rel/dir"));
    }
}
