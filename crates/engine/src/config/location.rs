//! Which configuration file is in force, and why (`groupline config path` prints both).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ConfigError;
use crate::{DataDir, DataDirSource};

/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "GROUPLINE_CONFIG";
/// The file's name inside the data directory or the platform config directory.
pub const CONFIG_FILE_NAME: &str = "config.toml";

/// Why this configuration file was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigSource {
    /// `--config FILE`.
    Flag,
    /// `$GROUPLINE_CONFIG`.
    Environment,
    /// `config.toml` in a data directory chosen with `--data-dir` or `$GROUPLINE_DATA_DIR`.
    DataDir,
    /// The platform's config directory.
    PlatformDefault,
}

impl ConfigSource {
    /// A short explanation for people.
    pub fn describe(self) -> &'static str {
        match self {
            ConfigSource::Flag => "given with --config",
            ConfigSource::Environment => "named by $GROUPLINE_CONFIG",
            ConfigSource::DataDir => {
                "inside the data directory chosen with --data-dir or $GROUPLINE_DATA_DIR"
            }
            ConfigSource::PlatformDefault => "the platform's config directory",
        }
    }
}

/// The resolved configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    path: PathBuf,
    source: ConfigSource,
}

impl ConfigLocation {
    /// Resolves the file: `explicit` (`--config`), else `env_value` (callers pass
    /// `std::env::var_os(CONFIG_ENV)`), else `config.toml` in `data_dir` when that directory
    /// was chosen explicitly, else the platform's config directory. Empty values count as
    /// unset; relative paths are made absolute.
    pub fn resolve(
        explicit: Option<PathBuf>,
        env_value: Option<OsString>,
        data_dir: &DataDir,
    ) -> Result<Self, ConfigError> {
        if let Some(path) = explicit.filter(|p| !p.as_os_str().is_empty()) {
            return Self::absolute(path, ConfigSource::Flag);
        }
        if let Some(value) = env_value.filter(|v| !v.is_empty()) {
            return Self::absolute(PathBuf::from(value), ConfigSource::Environment);
        }
        match data_dir.source() {
            DataDirSource::Flag | DataDirSource::Environment => Ok(ConfigLocation {
                path: data_dir.path().join(CONFIG_FILE_NAME),
                source: ConfigSource::DataDir,
            }),
            DataDirSource::PlatformDefault => {
                let dirs = directories::ProjectDirs::from("app", "Groupline", "groupline")
                    .ok_or(ConfigError::NoHomeDirectory)?;
                Ok(ConfigLocation {
                    path: dirs.config_dir().join(CONFIG_FILE_NAME),
                    source: ConfigSource::PlatformDefault,
                })
            }
        }
    }

    /// Resolves from an explicit choice and the real process environment.
    pub fn from_env(explicit: Option<PathBuf>, data_dir: &DataDir) -> Result<Self, ConfigError> {
        Self::resolve(explicit, std::env::var_os(CONFIG_ENV), data_dir)
    }

    /// A location as given (tests, embedding).
    pub fn at(path: impl Into<PathBuf>, source: ConfigSource) -> Self {
        ConfigLocation {
            path: path.into(),
            source,
        }
    }

    fn absolute(path: PathBuf, source: ConfigSource) -> Result<Self, ConfigError> {
        let path = std::path::absolute(&path)
            .map_err(|e| ConfigError::io("resolve the path", path.clone(), e))?;
        Ok(ConfigLocation { path, source })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn source(&self) -> ConfigSource {
        self.source
    }

    /// The directory holding the file (and the secrets fallback file).
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Where the file secret store keeps secrets: `secrets.toml` beside the config file.
    pub fn secrets_file(&self) -> PathBuf {
        self.dir().join(super::SECRETS_FILE_NAME)
    }

    /// The keyring service name secrets of this configuration are filed under: `groupline`
    /// for the platform's own configuration, else one that names the file, so two data
    /// directories (two offices, tests) never share keyring entries.
    pub fn keyring_service(&self) -> String {
        match self.source {
            ConfigSource::PlatformDefault => "groupline".into(),
            _ => format!("groupline:{}", self.path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_dir(explicit: bool) -> DataDir {
        if explicit {
            DataDir::resolve(Some("/srv/office-a".into()), None).unwrap()
        } else {
            DataDir::resolve(None, None).unwrap()
        }
    }

    #[test]
    fn flag_beats_environment_beats_data_dir_beats_platform() {
        let dd = data_dir(true);
        let flag =
            ConfigLocation::resolve(Some("/f.toml".into()), Some("/e.toml".into()), &dd).unwrap();
        assert_eq!(
            (flag.path(), flag.source()),
            (Path::new("/f.toml"), ConfigSource::Flag)
        );

        let env = ConfigLocation::resolve(None, Some("/e.toml".into()), &dd).unwrap();
        assert_eq!(
            (env.path(), env.source()),
            (Path::new("/e.toml"), ConfigSource::Environment)
        );

        let inside = ConfigLocation::resolve(Some(PathBuf::new()), Some("".into()), &dd).unwrap();
        assert_eq!(inside.path(), Path::new("/srv/office-a/config.toml"));
        assert_eq!(inside.source(), ConfigSource::DataDir);
        assert_eq!(
            inside.secrets_file(),
            Path::new("/srv/office-a/secrets.toml")
        );
        assert_eq!(
            inside.keyring_service(),
            "groupline:/srv/office-a/config.toml"
        );

        let platform = ConfigLocation::resolve(None, None, &data_dir(false)).unwrap();
        assert_eq!(platform.source(), ConfigSource::PlatformDefault);
        assert!(platform.path().is_absolute());
        assert!(platform.path().ends_with(CONFIG_FILE_NAME));
        assert_eq!(platform.keyring_service(), "groupline");
    }

    #[test]
    fn a_data_dir_from_the_environment_also_holds_its_config() {
        let dd = DataDir::resolve(None, Some("/srv/b".into())).unwrap();
        let loc = ConfigLocation::resolve(None, None, &dd).unwrap();
        assert_eq!(loc.source(), ConfigSource::DataDir);
        assert_eq!(loc.path(), Path::new("/srv/b/config.toml"));
    }

    #[test]
    fn relative_paths_become_absolute() {
        let loc =
            ConfigLocation::resolve(Some("rel/c.toml".into()), None, &data_dir(true)).unwrap();
        assert!(loc.path().is_absolute());
        assert!(loc.path().ends_with("rel/c.toml"));
    }
}
