//! The configuration as the pipelines use it: the file located, loaded and checked, its
//! secrets fetched, and every value parsed into the type that is used (URLs, socket
//! addresses), so the outbound and inbound code never sees a string it must still check.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::{
    ActiveProvider, Config, ConfigError, ConfigLocation, OpenedSecretStore, ProviderProfile,
    RELAY_SCOPE, RelayMode, SECRET_PASSWORD, SECRET_RELAY_CLIENT_TOKEN,
    SECRET_RELAY_PROVIDER_PASSWORD, Secret, SecretStore, open_secret_store,
};
use crate::DataDir;

/// A configuration located, loaded, checked, with its secret store chosen.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub location: ConfigLocation,
    pub config: Config,
    pub secrets: OpenedSecretStore,
}

impl LoadedConfig {
    /// Locates the file (`explicit` is `--config`; see [`ConfigLocation::resolve`]), loads
    /// and checks it, and opens the secret store from the real environment.
    pub fn open(explicit: Option<PathBuf>, data_dir: &DataDir) -> Result<Self, ConfigError> {
        let location = ConfigLocation::from_env(explicit, data_dir)?;
        let config = Config::load(location.path())?;
        let secrets = open_secret_store(&location)?;
        Ok(LoadedConfig {
            location,
            config,
            secrets,
        })
    }

    /// The active provider with its password.
    pub fn provider(&self) -> Result<Provider, ConfigError> {
        Provider::resolve(&self.config, self.secrets.store.as_ref())
    }

    /// The relay with its secrets.
    pub fn relay(&self) -> Result<Relay, ConfigError> {
        Relay::resolve(&self.config, self.secrets.store.as_ref())
    }
}

/// The provider the engine sends through.
#[derive(Debug, Clone, PartialEq)]
pub enum Provider {
    /// No profile: the embedded simulator (the demo).
    Demo,
    Mm7(Box<Mm7Provider>),
}

/// One MM7 account, ready to use.
#[derive(Debug, Clone, PartialEq)]
pub struct Mm7Provider {
    /// The profile's name (for logs and the secret scope).
    pub name: String,
    pub endpoint: url::Url,
    /// Basic auth, when the profile names a user.
    pub basic_auth: Option<(String, Secret)>,
    pub profile: ProviderProfile,
}

impl Provider {
    /// The active provider of `config`; a profile with a username but no stored password
    /// is [`ConfigError::MissingSecret`].
    pub fn resolve(config: &Config, secrets: &dyn SecretStore) -> Result<Provider, ConfigError> {
        match config.active()? {
            ActiveProvider::Demo => Ok(Provider::Demo),
            ActiveProvider::Profile { name, profile } => {
                let basic_auth = match &profile.username {
                    None => None,
                    Some(user) => Some((user.clone(), required(secrets, name, SECRET_PASSWORD)?)),
                };
                Ok(Provider::Mm7(Box::new(Mm7Provider {
                    name: name.to_string(),
                    endpoint: profile.endpoint_url()?,
                    basic_auth,
                    profile: profile.clone(),
                })))
            }
        }
    }
}

/// The relay the engine reads pushes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Relay {
    Embedded {
        listen: SocketAddr,
        provider_path: String,
        /// The Basic auth the provider must push with, when a user is configured.
        provider_auth: Option<(String, Secret)>,
    },
    Remote {
        url: url::Url,
        client_token: Secret,
    },
}

impl Relay {
    /// The relay of `config`; a remote relay without a client token, or an embedded one with
    /// a provider user but no password, is [`ConfigError::MissingSecret`].
    pub fn resolve(config: &Config, secrets: &dyn SecretStore) -> Result<Relay, ConfigError> {
        match &config.relay.mode {
            RelayMode::Remote { url } => Ok(Relay::Remote {
                url: super::parse_http_url("relay.url", url)?,
                client_token: required(secrets, RELAY_SCOPE, SECRET_RELAY_CLIENT_TOKEN)?,
            }),
            RelayMode::Embedded {
                listen,
                provider_username,
                provider_path,
            } => Ok(Relay::Embedded {
                listen: listen.trim().parse().map_err(|_| {
                    ConfigError::invalid("relay.listen", format!("{listen:?} is not an address"))
                })?,
                provider_path: provider_path.clone(),
                provider_auth: match provider_username {
                    None => None,
                    Some(user) => Some((
                        user.clone(),
                        required(secrets, RELAY_SCOPE, SECRET_RELAY_PROVIDER_PASSWORD)?,
                    )),
                },
            }),
        }
    }
}

fn required(secrets: &dyn SecretStore, scope: &str, name: &str) -> Result<Secret, ConfigError> {
    secrets
        .get(scope, name)?
        .ok_or_else(|| ConfigError::MissingSecret {
            scope: scope.into(),
            name: name.into(),
        })
}
