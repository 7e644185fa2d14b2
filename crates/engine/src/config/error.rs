//! What can go wrong with the configuration file and the secret store, in kinds a caller can
//! act on: fix the file ([`ConfigError::Invalid`], [`ConfigError::Parse`]), pick another
//! profile ([`ConfigError::UnknownProfile`]), tighten a file's mode
//! ([`ConfigError::InsecureSecretsFile`]) or choose another secret backend
//! ([`ConfigError::SecretStoreUnavailable`]).

use std::path::PathBuf;

/// An error reading, checking or writing the configuration or its secrets.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The platform reports no home directory, so there is no default config location.
    #[error(
        "cannot find a home directory for Groupline's configuration; set {} or pass --config",
        super::CONFIG_ENV
    )]
    NoHomeDirectory,
    /// Reading or writing a file failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a value has the wrong type.
    #[error("{path} is not a valid Groupline configuration: {message}")]
    Parse { path: PathBuf, message: String },
    /// A value is well-formed TOML but not acceptable (a bad URL, sender or version).
    /// `key` is the dotted path, e.g. `profiles.work.endpoint`.
    #[error("{key}: {problem}")]
    Invalid { key: String, problem: String },
    /// `groupline config set` was given a key it does not know or cannot set as a scalar.
    #[error("unknown or non-scalar key {key:?}; settable keys: {known}")]
    UnknownKey { key: String, known: String },
    #[error("no provider profile named {name:?}")]
    UnknownProfile { name: String },
    #[error("a provider profile named {name:?} already exists; remove it first")]
    ProfileExists { name: String },
    /// A secret name that nothing reads (a typo would otherwise store a useless secret).
    #[error("unknown secret {name:?} for {scope:?}; known: {known}")]
    UnknownSecret {
        scope: String,
        name: String,
        known: String,
    },
    /// A secret the configuration needs is not stored (a profile with a username but no
    /// password, a remote relay without its token).
    #[error(
        "{scope}/{name} is not set; store it with `groupline config secret set {scope} {name}`"
    )]
    MissingSecret { scope: String, name: String },
    /// The secrets file can be read by other users: refused until its mode is fixed.
    #[error(
        "refusing to read {path}: it is readable by other users (mode {mode:04o}); run `chmod 600 {path}`"
    )]
    InsecureSecretsFile { path: PathBuf, mode: u32 },
    /// The chosen secret backend cannot be used (no keyring service, a locked keyring, a bad
    /// `GROUPLINE_SECRETS` value).
    #[error("the {backend} secret store is unavailable: {reason}")]
    SecretStoreUnavailable {
        backend: &'static str,
        reason: String,
    },
}

impl ConfigError {
    pub(crate) fn invalid(key: impl Into<String>, problem: impl Into<String>) -> Self {
        ConfigError::Invalid {
            key: key.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        ConfigError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
