//! Secrets: kept apart from the config file, in the OS keyring where one is reachable.
//!
//! A secret is addressed by `(scope, name)`: the scope is a profile name or [`RELAY_SCOPE`],
//! the name one of the `SECRET_*` constants. Backends:
//!
//! - [`KeyringSecretStore`]: the OS keyring (macOS Keychain, Windows Credential Manager, the
//!   Secret Service on Linux/BSD), one entry per secret under the location's
//!   [`ConfigLocation::keyring_service`].
//! - [`FileSecretStore`]: `secrets.toml` beside the config file, written with mode 0600 and
//!   refused when other users can read it. For headless machines and CI.
//! - [`MemorySecretStore`]: for tests and embedding.
//!
//! [`open_secret_store`] picks one: `$GROUPLINE_SECRETS=file|keyring` forces a backend;
//! otherwise an existing `secrets.toml` keeps being used (so secrets never seem to vanish
//! when a keyring appears later), else the keyring is probed once per process and, when no
//! service answers, the file is used and one warning names it.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use super::{
    ConfigError, ConfigLocation, RELAY_SCOPE, SECRET_PASSWORD, SECRET_RELAY_CLIENT_TOKEN,
    SECRET_RELAY_PROVIDER_PASSWORD, file::write_atomic,
};

/// The environment variable that forces a backend: `file` or `keyring`.
pub const SECRETS_ENV: &str = "GROUPLINE_SECRETS";
/// The file backend's file, beside the config file.
pub const SECRETS_FILE_NAME: &str = "secrets.toml";

/// A secret value. Its `Debug` never shows it, and it has no `Display` or `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Reads a secret from a reader (stdin): the first line, without its line ending.
    /// Refuses an empty value.
    pub fn read_line(mut reader: impl std::io::BufRead) -> Result<Secret, ConfigError> {
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .map_err(|e| ConfigError::io("read a secret from", "standard input", e))?;
        let value = line.trim_end_matches(['\r', '\n']);
        if value.is_empty() {
            return Err(ConfigError::invalid(
                "secret",
                "is empty; give the value on standard input",
            ));
        }
        Ok(Secret(value.to_string()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Which backend holds the secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretBackend {
    Keyring,
    File,
    Memory,
}

/// Get, set and delete secrets by `(scope, name)`.
pub trait SecretStore: fmt::Debug + Send + Sync {
    fn get(&self, scope: &str, name: &str) -> Result<Option<Secret>, ConfigError>;
    fn set(&self, scope: &str, name: &str, value: &Secret) -> Result<(), ConfigError>;
    /// Deletes a secret; `Ok(false)` when there was none.
    fn delete(&self, scope: &str, name: &str) -> Result<bool, ConfigError>;
    fn backend(&self) -> SecretBackend;
    /// Where the secrets are, for people ("the OS keyring (service …)", a file path).
    fn describe(&self) -> String;
}

/// The secret names a scope uses: a profile has a password; the relay scope a client token
/// and the embedded relay's provider password.
pub fn known_secrets(scope: &str) -> &'static [&'static str] {
    if scope == RELAY_SCOPE {
        &[SECRET_RELAY_CLIENT_TOKEN, SECRET_RELAY_PROVIDER_PASSWORD]
    } else {
        &[SECRET_PASSWORD]
    }
}

/// Refuses a secret name nothing reads (a typo would store a secret no one uses).
pub fn check_secret_name(scope: &str, name: &str) -> Result<(), ConfigError> {
    let known = known_secrets(scope);
    if known.contains(&name) {
        Ok(())
    } else {
        Err(ConfigError::UnknownSecret {
            scope: scope.into(),
            name: name.into(),
            known: known.join(", "),
        })
    }
}

// ---------------------------------------------------------------------------------------
// In memory

/// Secrets in memory, for tests and embedding.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    entries: Mutex<BTreeMap<(String, String), Secret>>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, scope: &str, name: &str) -> Result<Option<Secret>, ConfigError> {
        Ok(lock(&self.entries)
            .get(&(scope.to_string(), name.to_string()))
            .cloned())
    }

    fn set(&self, scope: &str, name: &str, value: &Secret) -> Result<(), ConfigError> {
        lock(&self.entries).insert((scope.into(), name.into()), value.clone());
        Ok(())
    }

    fn delete(&self, scope: &str, name: &str) -> Result<bool, ConfigError> {
        Ok(lock(&self.entries)
            .remove(&(scope.to_string(), name.to_string()))
            .is_some())
    }

    fn backend(&self) -> SecretBackend {
        SecretBackend::Memory
    }

    fn describe(&self) -> String {
        "memory (nothing is kept)".into()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The maps hold no invariant a panic could break half-way.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------
// File

/// `secrets.toml`: `[scope]` tables of `name = "value"`, mode 0600.
///
/// Every call reads the file afresh (another process may have written it) and every change
/// rewrites it atomically. A file other users can read is refused, never "fixed" silently.
#[derive(Debug)]
pub struct FileSecretStore {
    path: PathBuf,
    // Serializes read-modify-write within this process.
    write: Mutex<()>,
}

type SecretsTable = BTreeMap<String, BTreeMap<String, String>>;

const SECRETS_HEADER: &str = "\
# Groupline secrets (mode 0600). Used where no OS keyring is reachable. Keep this file
# private; `groupline config secret set SCOPE NAME` writes it.

";

impl FileSecretStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileSecretStore {
            path: path.into(),
            write: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<SecretsTable, ConfigError> {
        let file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SecretsTable::new()),
            Err(e) => return Err(ConfigError::io("open", &self.path, e)),
        };
        check_private(&file, &self.path)?;
        let text =
            std::io::read_to_string(file).map_err(|e| ConfigError::io("read", &self.path, e))?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    fn write(&self, table: &SecretsTable) -> Result<(), ConfigError> {
        let body = toml::to_string(table).map_err(|e| ConfigError::Parse {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        write_atomic(&self.path, format!("{SECRETS_HEADER}{body}").as_bytes())
    }
}

#[cfg(unix)]
fn check_private(file: &std::fs::File, path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file
        .metadata()
        .map_err(|e| ConfigError::io("inspect", path, e))?
        .permissions()
        .mode()
        & 0o7777;
    if mode & 0o077 != 0 {
        return Err(ConfigError::InsecureSecretsFile {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_file: &std::fs::File, _path: &Path) -> Result<(), ConfigError> {
    // The file inherits the user profile's ACL on Windows.
    Ok(())
}

impl SecretStore for FileSecretStore {
    fn get(&self, scope: &str, name: &str) -> Result<Option<Secret>, ConfigError> {
        Ok(self
            .read()?
            .get(scope)
            .and_then(|s| s.get(name))
            .map(|v| Secret(v.clone())))
    }

    fn set(&self, scope: &str, name: &str, value: &Secret) -> Result<(), ConfigError> {
        let _guard = lock(&self.write);
        let mut table = self.read()?;
        table
            .entry(scope.into())
            .or_default()
            .insert(name.into(), value.0.clone());
        self.write(&table)
    }

    fn delete(&self, scope: &str, name: &str) -> Result<bool, ConfigError> {
        let _guard = lock(&self.write);
        let mut table = self.read()?;
        let Some(entries) = table.get_mut(scope) else {
            return Ok(false);
        };
        if entries.remove(name).is_none() {
            return Ok(false);
        }
        if entries.is_empty() {
            table.remove(scope);
        }
        self.write(&table)?;
        Ok(true)
    }

    fn backend(&self) -> SecretBackend {
        SecretBackend::File
    }

    fn describe(&self) -> String {
        format!("the file {}", self.path.display())
    }
}

// ---------------------------------------------------------------------------------------
// OS keyring

/// The OS keyring: one entry per secret, service [`ConfigLocation::keyring_service`], user
/// `SCOPE/NAME`.
#[derive(Debug, Clone)]
pub struct KeyringSecretStore {
    service: String,
}

impl KeyringSecretStore {
    pub fn new(service: impl Into<String>) -> Self {
        KeyringSecretStore {
            service: service.into(),
        }
    }

    fn entry(&self, scope: &str, name: &str) -> Result<keyring::Entry, ConfigError> {
        keyring::Entry::new(&self.service, &format!("{scope}/{name}")).map_err(unavailable)
    }

    /// Whether a keyring service answers: reads an entry that is never written. `Err` holds
    /// the reason when none does.
    pub fn probe(&self) -> Result<(), String> {
        let entry =
            keyring::Entry::new(&self.service, "probe/never-written").map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn unavailable(e: keyring::Error) -> ConfigError {
    ConfigError::SecretStoreUnavailable {
        backend: "keyring",
        reason: e.to_string(),
    }
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, scope: &str, name: &str) -> Result<Option<Secret>, ConfigError> {
        match self.entry(scope, name)?.get_password() {
            Ok(v) => Ok(Some(Secret(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, scope: &str, name: &str, value: &Secret) -> Result<(), ConfigError> {
        self.entry(scope, name)?
            .set_password(&value.0)
            .map_err(unavailable)
    }

    fn delete(&self, scope: &str, name: &str) -> Result<bool, ConfigError> {
        match self.entry(scope, name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn backend(&self) -> SecretBackend {
        SecretBackend::Keyring
    }

    fn describe(&self) -> String {
        format!("the OS keyring (service {:?})", self.service)
    }
}

// ---------------------------------------------------------------------------------------
// Choosing a backend

/// The chosen secret store and why it was chosen.
#[derive(Debug, Clone)]
pub struct OpenedSecretStore {
    pub store: Arc<dyn SecretStore>,
    /// Why this backend, for `groupline config path/show` and logs.
    pub reason: String,
    /// Set when the keyring was wanted but unreachable and the file is used instead.
    pub fell_back: bool,
}

/// Picks the secret store for a configuration location from the real environment
/// (`$GROUPLINE_SECRETS`) and a keyring probe made once per process.
pub fn open_secret_store(location: &ConfigLocation) -> Result<OpenedSecretStore, ConfigError> {
    static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
    let keyring = KeyringSecretStore::new(location.keyring_service());
    let opened = select_secret_store(
        std::env::var_os(SECRETS_ENV),
        location.secrets_file(),
        keyring.clone(),
        || PROBE.get_or_init(|| keyring.probe()).clone(),
    )?;
    if opened.fell_back {
        static WARNED: OnceLock<()> = OnceLock::new();
        WARNED.get_or_init(|| {
            tracing::warn!(
                file = %location.secrets_file().display(),
                "{}", opened.reason
            );
        });
    }
    Ok(opened)
}

/// The selection rule, with the environment value and the keyring probe passed in:
///
/// 1. `forced` = `file` or `keyring` (from `$GROUPLINE_SECRETS`) wins; a forced keyring
///    that does not answer is an error, not a silent fallback;
/// 2. an existing `secrets_file` keeps being used;
/// 3. the keyring when `probe` says a service answers;
/// 4. else the file, with `fell_back` set.
pub fn select_secret_store(
    forced: Option<OsString>,
    secrets_file: PathBuf,
    keyring: KeyringSecretStore,
    probe: impl FnOnce() -> Result<(), String>,
) -> Result<OpenedSecretStore, ConfigError> {
    let file = |reason: String, fell_back: bool| OpenedSecretStore {
        store: Arc::new(FileSecretStore::new(secrets_file.clone())),
        reason,
        fell_back,
    };
    let forced = forced.filter(|v| !v.is_empty());
    match forced
        .as_ref()
        .map(|v| v.to_string_lossy().to_ascii_lowercase())
    {
        Some(v) if v == "file" => {
            return Ok(file(format!("{SECRETS_ENV}=file"), false));
        }
        Some(v) if v == "keyring" => {
            probe().map_err(|reason| ConfigError::SecretStoreUnavailable {
                backend: "keyring",
                reason: format!("{reason} ({SECRETS_ENV}=keyring forbids falling back to a file)"),
            })?;
            return Ok(OpenedSecretStore {
                store: Arc::new(keyring),
                reason: format!("{SECRETS_ENV}=keyring"),
                fell_back: false,
            });
        }
        Some(other) => {
            return Err(ConfigError::SecretStoreUnavailable {
                backend: "requested",
                reason: format!("{SECRETS_ENV}={other:?} is not \"file\" or \"keyring\""),
            });
        }
        None => {}
    }
    if secrets_file.exists() {
        return Ok(file(
            format!(
                "{} exists, so secrets stay there (set {SECRETS_ENV}=keyring to use the OS keyring)",
                secrets_file.display()
            ),
            false,
        ));
    }
    match probe() {
        Ok(()) => Ok(OpenedSecretStore {
            store: Arc::new(keyring),
            reason: "an OS keyring service answered".into(),
            fell_back: false,
        }),
        Err(why) => Ok(file(
            format!(
                "no OS keyring service is reachable ({why}); secrets are kept in {} (mode 0600) instead. Set {SECRETS_ENV}=file to choose this and silence this warning",
                secrets_file.display()
            ),
            true,
        )),
    }
}
