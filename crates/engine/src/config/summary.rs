//! What `groupline config show` prints: the configuration with each secret reduced to
//! whether it is set. No secret value can reach this type.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    Config, ConfigLocation, ConfigSource, OpenedSecretStore, ProviderProfile, RELAY_SCOPE,
    RelayMode, SECRET_PASSWORD, SECRET_RELAY_CLIENT_TOKEN, SECRET_RELAY_PROVIDER_PASSWORD,
    SecretBackend, SecretStore,
};

/// Whether a secret is stored; `Unknown` when the store could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SecretStatus {
    #[serde(rename = "set")]
    Set,
    #[serde(rename = "not set")]
    NotSet,
    #[serde(rename = "unknown")]
    Unknown,
}

impl SecretStatus {
    fn of(store: &dyn SecretStore, scope: &str, name: &str) -> Self {
        match store.get(scope, name) {
            Ok(Some(_)) => SecretStatus::Set,
            Ok(None) => SecretStatus::NotSet,
            Err(_) => SecretStatus::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SecretStatus::Set => "set",
            SecretStatus::NotSet => "not set",
            SecretStatus::Unknown => "unknown",
        }
    }
}

/// The configuration as shown to people and scripts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigSummary {
    pub path: String,
    pub source: ConfigSource,
    pub exists: bool,
    pub secret_backend: SecretBackend,
    /// Where secrets are and why that backend.
    pub secret_store: String,
    pub secret_store_reason: String,
    pub default_region: String,
    /// The active profile's name, or `"demo"` for the embedded demo provider.
    pub active: String,
    pub profiles: BTreeMap<String, ProfileSummary>,
    pub relay: RelaySummary,
    /// Keys in the file this version does not use (kept, never dropped).
    pub unknown_keys: Vec<String>,
}

/// One provider profile, its password reduced to a [`SecretStatus`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileSummary {
    pub endpoint: String,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    pub sender: String,
    pub username: Option<String>,
    pub password: SecretStatus,
    pub mm7_version: String,
    pub namespace: String,
    pub operator_id_header: bool,
    pub tls_verify: bool,
    pub tls_ca_file: Option<String>,
    pub timeout_secs: u64,
    pub max_concurrency: u32,
    pub rate_per_second: f64,
}

/// The relay settings, secrets reduced to a [`SecretStatus`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum RelaySummary {
    Embedded {
        listen: String,
        provider_username: Option<String>,
        provider_path: String,
        provider_password: SecretStatus,
    },
    Remote {
        url: String,
        client_token: SecretStatus,
    },
}

impl ConfigSummary {
    pub fn new(location: &ConfigLocation, config: &Config, secrets: &OpenedSecretStore) -> Self {
        let store = secrets.store.as_ref();
        let profile = |name: &str, p: &ProviderProfile| ProfileSummary {
            endpoint: p.endpoint.clone(),
            vasp_id: p.vasp_id.clone(),
            vas_id: p.vas_id.clone(),
            sender: p.sender.clone(),
            username: p.username.clone(),
            password: SecretStatus::of(store, name, SECRET_PASSWORD),
            mm7_version: p.mm7_version.clone(),
            namespace: p.namespace.clone(),
            operator_id_header: p.operator_id_header,
            tls_verify: p.tls.verify,
            tls_ca_file: p.tls.ca_file.as_ref().map(|f| f.display().to_string()),
            timeout_secs: p.timeout_secs,
            max_concurrency: p.max_concurrency,
            rate_per_second: p.rate_per_second,
        };
        let relay = match &config.relay.mode {
            RelayMode::Embedded {
                listen,
                provider_username,
                provider_path,
            } => RelaySummary::Embedded {
                listen: listen.clone(),
                provider_username: provider_username.clone(),
                provider_path: provider_path.clone(),
                provider_password: SecretStatus::of(
                    store,
                    RELAY_SCOPE,
                    SECRET_RELAY_PROVIDER_PASSWORD,
                ),
            },
            RelayMode::Remote { url } => RelaySummary::Remote {
                url: url.clone(),
                client_token: SecretStatus::of(store, RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN),
            },
        };
        ConfigSummary {
            path: location.path().display().to_string(),
            source: location.source(),
            exists: location.path().exists(),
            secret_backend: store.backend(),
            secret_store: store.describe(),
            secret_store_reason: secrets.reason.clone(),
            default_region: config.default_region.clone(),
            active: config
                .active_profile
                .clone()
                .unwrap_or_else(|| super::DEMO_PROFILE.into()),
            profiles: config
                .profiles
                .iter()
                .map(|(name, p)| (name.clone(), profile(name, p)))
                .collect(),
            relay,
            unknown_keys: config.unknown_keys(),
        }
    }
}
