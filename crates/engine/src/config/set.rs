//! `groupline config set KEY VALUE`: scalar keys by their dotted path in the file.

use std::path::PathBuf;

use super::{Config, ConfigError, RelayMode};

/// The keys [`Config::set`] accepts; `NAME` stands for a profile's name.
pub const SETTABLE_KEYS: &[&str] = &[
    "default_region",
    "active_profile",
    "quiet_hours",
    "compliance.business_name",
    "compliance.help_contact",
    "compliance.opt_in_policy",
    "compliance.footer",
    "compliance.opt_out_confirmation",
    "compliance.opt_in_confirmation",
    "compliance.help_reply",
    "compliance.extra_opt_out_keywords",
    "compliance.opt_in_keywords",
    "compliance.help_keywords",
    "relay.url",
    "relay.listen",
    "relay.provider_username",
    "relay.provider_path",
    "profiles.NAME.endpoint",
    "profiles.NAME.vasp_id",
    "profiles.NAME.vas_id",
    "profiles.NAME.sender",
    "profiles.NAME.username",
    "profiles.NAME.mm7_version",
    "profiles.NAME.namespace",
    "profiles.NAME.operator_id_header",
    "profiles.NAME.timeout_secs",
    "profiles.NAME.max_concurrency",
    "profiles.NAME.rate_per_second",
    "profiles.NAME.tls.verify",
    "profiles.NAME.tls.ca_file",
];

impl Config {
    /// Sets one scalar key from its text. For optional keys an empty value removes the key.
    /// The change is checked as part of the whole ([`Config::validate`]); on error nothing
    /// changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let mut next = self.clone();
        next.set_unchecked(key, value)?;
        next.validate()?;
        *self = next;
        Ok(())
    }

    fn set_unchecked(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let unknown = || ConfigError::UnknownKey {
            key: key.into(),
            known: SETTABLE_KEYS.join(", "),
        };
        let optional = |v: &str| (!v.is_empty()).then(|| v.to_string());
        match key {
            "default_region" => self.default_region = value.trim().to_ascii_uppercase(),
            "quiet_hours" => {
                self.quiet_hours = match value.trim().to_ascii_lowercase().as_str() {
                    "true" | "on" | "yes" => true,
                    "false" | "off" | "no" => false,
                    _ => return Err(ConfigError::invalid(key, "is on or off")),
                }
            }
            "active_profile" => match value {
                "" => self.active_profile = None,
                name => self.use_profile(name)?,
            },
            "relay.url" => match &mut self.relay.mode {
                RelayMode::Remote { url } => *url = value.into(),
                RelayMode::Embedded { .. } => {
                    return Err(ConfigError::invalid(
                        key,
                        "the relay is embedded; switch with `groupline config relay remote --url URL --token-stdin`",
                    ));
                }
            },
            "relay.listen" | "relay.provider_username" | "relay.provider_path" => {
                let RelayMode::Embedded {
                    listen,
                    provider_username,
                    provider_path,
                } = &mut self.relay.mode
                else {
                    return Err(ConfigError::invalid(
                        key,
                        "the relay is remote; switch with `groupline config relay embedded`",
                    ));
                };
                match key {
                    "relay.listen" => *listen = value.into(),
                    "relay.provider_username" => *provider_username = optional(value),
                    _ => *provider_path = value.into(),
                }
            }
            _ if key.starts_with("compliance.") => {
                if !self.compliance.set(&key["compliance.".len()..], value)? {
                    return Err(unknown());
                }
            }
            _ => {
                let rest = key.strip_prefix("profiles.").ok_or_else(unknown)?;
                let (name, field) = rest.split_once('.').ok_or_else(unknown)?;
                let profile = self
                    .profiles
                    .get_mut(name)
                    .ok_or_else(|| ConfigError::UnknownProfile { name: name.into() })?;
                match field {
                    "endpoint" => profile.endpoint = value.into(),
                    "vasp_id" => profile.vasp_id = value.into(),
                    "vas_id" => profile.vas_id = optional(value),
                    "sender" => profile.sender = value.into(),
                    "username" => profile.username = optional(value),
                    "mm7_version" => profile.mm7_version = value.into(),
                    "namespace" => profile.namespace = value.into(),
                    "operator_id_header" => profile.operator_id_header = parse(key, value)?,
                    "timeout_secs" => profile.timeout_secs = parse(key, value)?,
                    "max_concurrency" => profile.max_concurrency = parse(key, value)?,
                    "rate_per_second" => profile.rate_per_second = parse(key, value)?,
                    "tls.verify" => profile.tls.verify = parse(key, value)?,
                    "tls.ca_file" => profile.tls.ca_file = optional(value).map(PathBuf::from),
                    _ => return Err(unknown()),
                }
            }
        }
        Ok(())
    }
}

fn parse<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value
        .trim()
        .parse()
        .map_err(|e| ConfigError::invalid(key, format!("{value:?}: {e}")))
}
