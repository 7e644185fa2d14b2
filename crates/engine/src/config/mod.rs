//! Configuration: which MM7 provider to talk to, how, and which relay to read pushes from.
//!
//! One TOML file, written by `groupline config …` and fit to edit by hand. Where it lives:
//!
//! 1. `--config FILE` (the shell passes it as `explicit`),
//! 2. else `$GROUPLINE_CONFIG`,
//! 3. else `DATA_DIR/config.toml` when the data directory itself was chosen explicitly
//!    (`--data-dir` or `$GROUPLINE_DATA_DIR`), so a custom data directory is self-contained
//!    (tests, two offices on one machine),
//! 4. else the platform's config directory (`~/.config/groupline/config.toml` on Linux).
//!
//! A missing file means the defaults: no provider profile, so the embedded demo provider.
//! Saving rewrites the file atomically (temporary file, fsync, rename; mode 0600 on unix)
//! and keeps what a person wrote there: comments and formatting of untouched entries
//! survive, and keys this version does not know are kept (and logged once), never dropped.
//!
//! Secrets (the provider's Basic-auth password, the relay client token, the password a
//! provider pushes to the embedded relay with) never go in this file: they live in a
//! [`SecretStore`], the OS keyring where one is reachable, else `secrets.toml` beside the
//! config file (mode 0600, refused when others can read it). See [`open_secret_store`].

mod compliance;
mod error;
mod file;
mod location;
mod resolve;
mod secrets;
mod set;
mod summary;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use compliance::{
    ComplianceSettings, DEFAULT_HELP_REPLY, DEFAULT_OPT_IN_CONFIRMATION,
    DEFAULT_OPT_OUT_CONFIRMATION, OptInPolicy,
};
pub use error::ConfigError;
pub use location::{CONFIG_ENV, CONFIG_FILE_NAME, ConfigLocation, ConfigSource};
pub use resolve::{LoadedConfig, Mm7Provider, Provider, Relay};
pub use secrets::{
    FileSecretStore, KeyringSecretStore, MemorySecretStore, OpenedSecretStore, SECRETS_ENV,
    SECRETS_FILE_NAME, Secret, SecretBackend, SecretStore, check_secret_name, known_secrets,
    open_secret_store, select_secret_store,
};
pub use set::SETTABLE_KEYS;
pub use summary::{ConfigSummary, ProfileSummary, RelaySummary, SecretStatus};

/// The profile name `groupline config use demo` means: no profile, the embedded demo provider.
pub const DEMO_PROFILE: &str = "demo";
/// The secret scope for relay secrets (not a profile; the name is reserved).
pub const RELAY_SCOPE: &str = "relay";
/// A profile's Basic-auth password for the provider's MM7 endpoint.
pub const SECRET_PASSWORD: &str = "password";
/// The bearer token the engine reads a remote relay with.
pub const SECRET_RELAY_CLIENT_TOKEN: &str = "client_token";
/// The Basic-auth password a provider must send when it pushes to the embedded relay.
pub const SECRET_RELAY_PROVIDER_PASSWORD: &str = "provider_password";

/// The MM7Version values seen from providers that follow the brief (§2): Sinch accepts 5.3.0
/// and 6.8.0; 5.5.0 and 6.7.0 appear in the wild.
pub const KNOWN_MM7_VERSIONS: [&str; 4] = ["5.3.0", "5.5.0", "6.7.0", "6.8.0"];

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// ISO 3166 region for numbers typed without a country code ("US").
    pub default_region: String,
    /// The provider profile in use; `None` is the embedded demo provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_profile: Option<String>,
    pub profiles: BTreeMap<String, ProviderProfile>,
    pub relay: RelaySettings,
    /// Hold messages composed outside 8:00–21:00 (8:00–20:00 in FL and OK) in each
    /// recipient's local time until the window opens. Off only for a deployment whose
    /// counsel says the federal rule does not apply (and for tests pinned to no clock).
    pub quiet_hours: bool,
    /// The automatic messages' wording and the opt-in policy. Written only once changed, so
    /// a file that never touched it follows the shipped wording as it improves.
    #[serde(skip_serializing_if = "ComplianceSettings::is_default")]
    pub compliance: ComplianceSettings,
    /// Keys this version does not know, kept so that saving never drops them.
    #[serde(flatten)]
    pub unknown: toml::Table,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_region: "US".into(),
            active_profile: None,
            profiles: BTreeMap::new(),
            relay: RelaySettings::default(),
            quiet_hours: true,
            compliance: ComplianceSettings::default(),
            unknown: toml::Table::new(),
        }
    }
}

/// How to reach one MM7 provider account (BRIEF §1–2, §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderProfile {
    /// The MM7 URL SubmitReqs are POSTed to (from the account manager).
    pub endpoint: String,
    /// VASPID: at Sinch, the API key.
    pub vasp_id: String,
    /// VASID: the service id; required on shared short codes, may be empty on dedicated ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vas_id: Option<String>,
    /// Our number (international format, no "+", e.g. 12515550123) or short code.
    pub sender: String,
    /// Basic-auth user, when the provider wants Basic auth; the password is a secret
    /// ([`SECRET_PASSWORD`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `MM7Version` sent in every request.
    #[serde(default = "default_mm7_version")]
    pub mm7_version: String,
    /// The MM7 namespace URI the envelope is written in.
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// Send `x-mblox-operator-id` on submits when the recipient's carrier is known (BRIEF §1:
    /// optional; saves Sinch a billed carrier lookup).
    #[serde(default)]
    pub operator_id_header: bool,
    #[serde(default)]
    pub tls: TlsSettings,
    /// Per-request timeout.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Requests in flight at once (a 20-person group goes out in parallel).
    #[serde(default = "default_max_concurrency")]
    pub max_concurrency: u32,
    /// Requests started per second. Sinch publishes no figure (throughput is per account and
    /// over-limit requests fail with 3510, BRIEF §5); the default is a cautious start, to be
    /// raised to what the account manager grants.
    #[serde(default = "default_rate_per_second")]
    pub rate_per_second: f64,
    #[serde(flatten)]
    pub unknown: toml::Table,
}

/// TLS towards the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TlsSettings {
    /// Check the provider's certificate. Turn off only against a test MMSC.
    #[serde(default = "yes")]
    pub verify: bool,
    /// Extra CA certificates (PEM) to trust, for a provider with a private CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(flatten)]
    pub unknown: toml::Table,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            verify: true,
            ca_file: None,
            unknown: toml::Table::new(),
        }
    }
}

/// Where the provider's pushes (MO messages, delivery reports) are read from.
///
/// In the file: `[relay]` with `mode = "embedded"` or `mode = "remote"` and that mode's keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRelay", into = "RawRelay")]
pub struct RelaySettings {
    pub mode: RelayMode,
    /// Keys this version does not know under `[relay]`.
    pub unknown: toml::Table,
}

/// The relay this installation reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayMode {
    /// A relay inside this process: the provider pushes to `listen` + `provider_path`.
    Embedded {
        /// Address to listen on; the default, `127.0.0.1:0`, is a free loopback port (the demo).
        listen: String,
        /// Basic-auth user the provider must push with; its password is the secret
        /// [`SECRET_RELAY_PROVIDER_PASSWORD`] in scope [`RELAY_SCOPE`].
        provider_username: Option<String>,
        /// The path providers POST to; put a secret in it when the provider cannot send
        /// Basic auth (e.g. `/mm7/4f9c…`).
        provider_path: String,
    },
    /// A relay elsewhere (an office server), read by cursor with the bearer token
    /// [`SECRET_RELAY_CLIENT_TOKEN`] in scope [`RELAY_SCOPE`].
    Remote { url: String },
}

impl Default for RelaySettings {
    fn default() -> Self {
        RelaySettings {
            mode: RelayMode::default_embedded(),
            unknown: toml::Table::new(),
        }
    }
}

impl RelayMode {
    /// The embedded relay on a free loopback port with no provider credentials.
    pub fn default_embedded() -> Self {
        RelayMode::Embedded {
            listen: DEFAULT_RELAY_LISTEN.into(),
            provider_username: None,
            provider_path: DEFAULT_RELAY_PROVIDER_PATH.into(),
        }
    }
}

pub const DEFAULT_RELAY_LISTEN: &str = "127.0.0.1:0";
pub const DEFAULT_RELAY_PROVIDER_PATH: &str = "/mm7";

/// `[relay]` as written in the file: one flat table whatever the mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct RawRelay {
    #[serde(default)]
    mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    listen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_username: Option<String>,
    #[serde(
        default,
        alias = "secret_path",
        skip_serializing_if = "Option::is_none"
    )]
    provider_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(flatten)]
    unknown: toml::Table,
}

impl TryFrom<RawRelay> for RelaySettings {
    type Error = String;

    fn try_from(raw: RawRelay) -> Result<Self, String> {
        let mut unknown = raw.unknown;
        // Keys of the other mode are kept as unknown rather than dropped.
        let mut keep = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                unknown.insert(key.into(), toml::Value::String(v));
            }
        };
        let mode = match raw.mode.as_deref().unwrap_or("embedded") {
            "embedded" => {
                keep("url", raw.url);
                RelayMode::Embedded {
                    listen: raw.listen.unwrap_or_else(|| DEFAULT_RELAY_LISTEN.into()),
                    provider_username: raw.provider_username,
                    provider_path: raw
                        .provider_path
                        .unwrap_or_else(|| DEFAULT_RELAY_PROVIDER_PATH.into()),
                }
            }
            "remote" => {
                keep("listen", raw.listen);
                keep("provider_username", raw.provider_username);
                keep("provider_path", raw.provider_path);
                RelayMode::Remote {
                    url: raw
                        .url
                        .ok_or("relay mode \"remote\" needs `url` (the relay's address)")?,
                }
            }
            other => {
                return Err(format!(
                    "relay mode {other:?} is not one of \"embedded\", \"remote\""
                ));
            }
        };
        Ok(RelaySettings { mode, unknown })
    }
}

impl From<RelaySettings> for RawRelay {
    fn from(settings: RelaySettings) -> Self {
        let mut raw = RawRelay {
            unknown: settings.unknown,
            ..RawRelay::default()
        };
        match settings.mode {
            RelayMode::Embedded {
                listen,
                provider_username,
                provider_path,
            } => {
                raw.mode = Some("embedded".into());
                raw.listen = Some(listen);
                raw.provider_username = provider_username;
                raw.provider_path = Some(provider_path);
            }
            RelayMode::Remote { url } => {
                raw.mode = Some("remote".into());
                raw.url = Some(url);
            }
        }
        // A key the mode sets itself is no longer "unknown" (and must not be written twice).
        raw.unknown.remove("mode");
        for (key, set) in [
            ("listen", raw.listen.is_some()),
            ("provider_username", raw.provider_username.is_some()),
            ("provider_path", raw.provider_path.is_some()),
            ("url", raw.url.is_some()),
        ] {
            if set {
                raw.unknown.remove(key);
            }
        }
        raw
    }
}

fn default_mm7_version() -> String {
    "6.8.0".into()
}

fn default_namespace() -> String {
    format!("{}REL-6-MM7-1-4", mm7::version::NAMESPACE_PREFIX)
}

fn default_timeout_secs() -> u64 {
    30
}

fn default_max_concurrency() -> u32 {
    8
}

fn default_rate_per_second() -> f64 {
    10.0
}

fn yes() -> bool {
    true
}

/// The provider a configuration selects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ActiveProvider<'a> {
    /// No profile chosen: the embedded demo provider (the simulator).
    Demo,
    Profile {
        name: &'a str,
        profile: &'a ProviderProfile,
    },
}

impl ProviderProfile {
    /// A profile with the brief's defaults for everything but the account's own values.
    pub fn new(
        endpoint: impl Into<String>,
        vasp_id: impl Into<String>,
        sender: impl Into<String>,
    ) -> Self {
        ProviderProfile {
            endpoint: endpoint.into(),
            vasp_id: vasp_id.into(),
            vas_id: None,
            sender: sender.into(),
            username: None,
            mm7_version: default_mm7_version(),
            namespace: default_namespace(),
            operator_id_header: false,
            tls: TlsSettings::default(),
            timeout_secs: default_timeout_secs(),
            max_concurrency: default_max_concurrency(),
            rate_per_second: default_rate_per_second(),
            unknown: toml::Table::new(),
        }
    }

    /// The endpoint, parsed (call [`Config::validate`] first for a friendly error).
    pub fn endpoint_url(&self) -> Result<url::Url, ConfigError> {
        parse_http_url("endpoint", &self.endpoint)
    }

    /// The sender as MM7 wants it: digits only, no "+" (BRIEF §0.7).
    pub fn sender_digits(&self) -> String {
        self.sender.chars().filter(char::is_ascii_digit).collect()
    }

    /// The namespace and MM7Version the codec writes with.
    pub fn mm7_version(&self) -> mm7::Version {
        mm7::Version {
            namespace: self.namespace.trim().to_string(),
            mm7_version: self.mm7_version.trim().to_string(),
        }
    }

    /// Checks every field; `key` prefixes the dotted path in errors (`profiles.NAME`).
    pub fn validate(&self, key: &str) -> Result<(), ConfigError> {
        let field = |f: &str| format!("{key}.{f}");
        parse_http_url(&field("endpoint"), &self.endpoint)?;
        if self.vasp_id.trim().is_empty() {
            return Err(ConfigError::invalid(
                field("vasp_id"),
                "is empty; it is the VASPID (at Sinch, the API key)",
            ));
        }
        check_sender(&field("sender"), &self.sender)?;
        if self
            .username
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            return Err(ConfigError::invalid(
                field("username"),
                "is empty; remove it to send no Basic auth",
            ));
        }
        if !KNOWN_MM7_VERSIONS.contains(&self.mm7_version.trim()) {
            return Err(ConfigError::invalid(
                field("mm7_version"),
                format!(
                    "{:?} is not a known MM7Version; use one of {} (Sinch: 5.3.0 or 6.8.0)",
                    self.mm7_version,
                    KNOWN_MM7_VERSIONS.join(", ")
                ),
            ));
        }
        if mm7::Release::from_namespace(&self.namespace).is_none() {
            return Err(ConfigError::invalid(
                field("namespace"),
                format!(
                    "{:?} is not a known MM7 namespace; expected {}REL-5-MM7-1-0 … REL-6-MM7-1-4",
                    self.namespace,
                    mm7::version::NAMESPACE_PREFIX
                ),
            ));
        }
        if !(1..=600).contains(&self.timeout_secs) {
            return Err(ConfigError::invalid(
                field("timeout_secs"),
                "must be between 1 and 600 seconds",
            ));
        }
        if !(1..=256).contains(&self.max_concurrency) {
            return Err(ConfigError::invalid(
                field("max_concurrency"),
                "must be between 1 and 256",
            ));
        }
        if !(self.rate_per_second.is_finite() && self.rate_per_second > 0.0) {
            return Err(ConfigError::invalid(
                field("rate_per_second"),
                "must be a number above 0",
            ));
        }
        if self
            .tls
            .ca_file
            .as_ref()
            .is_some_and(|p| p.as_os_str().is_empty())
        {
            return Err(ConfigError::invalid(
                field("tls.ca_file"),
                "is empty; remove it to trust only the system's CAs",
            ));
        }
        Ok(())
    }
}

impl Config {
    /// The provider in use.
    pub fn active(&self) -> Result<ActiveProvider<'_>, ConfigError> {
        match &self.active_profile {
            None => Ok(ActiveProvider::Demo),
            Some(name) => self
                .profiles
                .get_key_value(name)
                .map(|(name, profile)| ActiveProvider::Profile { name, profile })
                .ok_or_else(|| ConfigError::UnknownProfile { name: name.clone() }),
        }
    }

    /// Checks every value, naming the first bad one by its dotted key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let region = self.default_region.trim();
        if region.len() != 2 || !region.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(ConfigError::invalid(
                "default_region",
                format!(
                    "{:?} is not a two-letter ISO 3166 region in capitals, e.g. \"US\"",
                    self.default_region
                ),
            ));
        }
        self.compliance.validate()?;
        for (name, profile) in &self.profiles {
            check_profile_name(name)?;
            profile.validate(&format!("profiles.{name}"))?;
        }
        if let Some(name) = &self.active_profile
            && !self.profiles.contains_key(name)
        {
            return Err(ConfigError::invalid(
                "active_profile",
                format!(
                    "names {name:?}, which is not among the profiles; remove the key to use the demo provider"
                ),
            ));
        }
        match &self.relay.mode {
            RelayMode::Remote { url } => {
                parse_http_url("relay.url", url)?;
            }
            RelayMode::Embedded {
                listen,
                provider_username,
                provider_path,
            } => {
                if listen.trim().parse::<std::net::SocketAddr>().is_err() {
                    return Err(ConfigError::invalid(
                        "relay.listen",
                        format!(
                            "{listen:?} is not an address with a port, e.g. 127.0.0.1:8787 or [::]:8787"
                        ),
                    ));
                }
                if provider_username
                    .as_deref()
                    .is_some_and(|u| u.trim().is_empty() || u.contains(':'))
                {
                    return Err(ConfigError::invalid(
                        "relay.provider_username",
                        "must be non-empty and contain no ':'",
                    ));
                }
                if !provider_path.starts_with('/') || provider_path.contains(char::is_whitespace) {
                    return Err(ConfigError::invalid(
                        "relay.provider_path",
                        "must start with '/' and contain no spaces, e.g. /mm7",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every key this version does not know, as dotted paths (shown by `config show`).
    pub fn unknown_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.unknown.keys().cloned().collect();
        for (name, p) in &self.profiles {
            keys.extend(p.unknown.keys().map(|k| format!("profiles.{name}.{k}")));
            keys.extend(
                p.tls
                    .unknown
                    .keys()
                    .map(|k| format!("profiles.{name}.tls.{k}")),
            );
        }
        keys.extend(self.relay.unknown.keys().map(|k| format!("relay.{k}")));
        keys
    }

    /// Adds a profile; refuses reserved names and names already taken.
    pub fn add_profile(&mut self, name: &str, profile: ProviderProfile) -> Result<(), ConfigError> {
        check_profile_name(name)?;
        profile.validate(&format!("profiles.{name}"))?;
        if self.profiles.contains_key(name) {
            return Err(ConfigError::ProfileExists { name: name.into() });
        }
        self.profiles.insert(name.into(), profile);
        Ok(())
    }

    /// Removes a profile; if it was the active one, the demo provider becomes active.
    pub fn remove_profile(&mut self, name: &str) -> Result<ProviderProfile, ConfigError> {
        let profile = self
            .profiles
            .remove(name)
            .ok_or_else(|| ConfigError::UnknownProfile { name: name.into() })?;
        if self.active_profile.as_deref() == Some(name) {
            self.active_profile = None;
        }
        Ok(profile)
    }

    /// Makes `name` the active profile; [`DEMO_PROFILE`] selects the demo provider.
    pub fn use_profile(&mut self, name: &str) -> Result<(), ConfigError> {
        if name == DEMO_PROFILE {
            self.active_profile = None;
            return Ok(());
        }
        if !self.profiles.contains_key(name) {
            return Err(ConfigError::UnknownProfile { name: name.into() });
        }
        self.active_profile = Some(name.into());
        Ok(())
    }
}

/// Profile names are used in dotted keys and keyring entries: keep them plain.
pub fn check_profile_name(name: &str) -> Result<(), ConfigError> {
    let key = format!("profiles.{name}");
    if name == DEMO_PROFILE || name == RELAY_SCOPE {
        return Err(ConfigError::invalid(
            key,
            format!("{name:?} is reserved; choose another profile name"),
        ));
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() || name.len() > 64 || !name.chars().all(plain) {
        return Err(ConfigError::invalid(
            key,
            "a profile name is 1–64 letters, digits, '-' or '_'",
        ));
    }
    Ok(())
}

/// An http(s) URL with a host.
pub(crate) fn parse_http_url(key: &str, value: &str) -> Result<url::Url, ConfigError> {
    let url = url::Url::parse(value.trim())
        .map_err(|e| ConfigError::invalid(key, format!("{value:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError::invalid(
            key,
            format!("{value:?} must be an http:// or https:// URL with a host"),
        ));
    }
    Ok(url)
}

/// E.164-ish: an optional leading "+", then 3–15 digits (short codes are 5–6).
fn check_sender(key: &str, value: &str) -> Result<(), ConfigError> {
    let digits = value.trim().strip_prefix('+').unwrap_or(value.trim());
    if !(3..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ConfigError::invalid(
            key,
            format!(
                "{value:?} is not a number in international format (digits with the country code, e.g. 12515550123) or a short code"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
