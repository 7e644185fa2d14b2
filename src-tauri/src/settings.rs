//! The Settings panel's reads and writes: the engine's configuration file and its secret
//! store, exactly as `groupline config` changes them (load, change, check, save; the
//! password to the secret store first, so no profile silently lacks it), and "Test
//! connection" ([`engine::connection_check`]). The pipelines read the configuration when
//! they start, so a change applies at the next start; the panel says so.

use engine::Session;
use engine::config::{
    self, Config, ConfigSummary, LoadedConfig, ProviderProfile, RelaySummary, SECRET_PASSWORD,
    Secret, SecretStatus,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use specta_typescript::Number;

use crate::IpcError;

/// One provider profile as the panel shows it; the password only as set or not.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ProfileView {
    pub name: String,
    pub endpoint: String,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    pub sender: String,
    pub username: Option<String>,
    pub password_set: bool,
}

/// The configuration as the panel shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    /// The configuration file.
    pub path: String,
    /// Where secrets are kept (the OS keyring, or a 0600 file) and why.
    pub secret_store: String,
    pub default_region: String,
    /// The active profile's name, or `demo` for the embedded demo provider.
    pub active: String,
    pub profiles: Vec<ProfileView>,
    /// `embedded` (inside this app) or `remote`.
    pub relay_mode: String,
    /// The relay's URL (remote) or listening address (embedded).
    pub relay_address: String,
}

/// A provider profile to add or replace.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ProfileInput {
    pub name: String,
    pub endpoint: String,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    pub sender: String,
    pub username: Option<String>,
    /// A new password; `null` keeps the stored one.
    pub password: Option<String>,
    /// Use this profile from the next start.
    pub make_active: bool,
}

/// The outcome of "Test connection".
#[derive(Debug, Clone, Serialize, Type)]
pub struct ConnectionTest {
    pub ok: bool,
    /// `mm7`, `credentials`, `unreachable`, `tls`, `timeout` or `not_mm7`.
    pub kind: String,
    pub summary: String,
    pub url: String,
    #[specta(type = Number)]
    pub elapsed_ms: i64,
}

fn load(session: &Session) -> Result<LoadedConfig, IpcError> {
    Ok(LoadedConfig::open(None, session.data_dir()).map_err(engine::EngineError::from)?)
}

fn view(loaded: &LoadedConfig) -> SettingsView {
    let s = ConfigSummary::new(&loaded.location, &loaded.config, &loaded.secrets);
    let (relay_mode, relay_address) = match s.relay {
        RelaySummary::Embedded { listen, .. } => ("embedded".to_owned(), listen),
        RelaySummary::Remote { url, .. } => ("remote".to_owned(), url),
    };
    SettingsView {
        path: s.path,
        secret_store: s.secret_store,
        default_region: s.default_region,
        active: s.active,
        profiles: s
            .profiles
            .into_iter()
            .map(|(name, p)| ProfileView {
                name,
                endpoint: p.endpoint,
                vasp_id: p.vasp_id,
                vas_id: p.vas_id,
                sender: p.sender,
                username: p.username,
                password_set: p.password == SecretStatus::Set,
            })
            .collect(),
        relay_mode,
        relay_address,
    }
}

pub fn settings(session: &Session) -> Result<SettingsView, IpcError> {
    Ok(view(&load(session)?))
}

/// Loads without checking (so a bad value can be repaired), changes, checks and saves.
fn edit(
    session: &Session,
    change: impl FnOnce(&mut Config, &LoadedConfig) -> Result<(), IpcError>,
) -> Result<SettingsView, IpcError> {
    let loaded = load(session)?;
    let path = loaded.location.path().to_path_buf();
    let mut c = Config::load_unchecked(&path).map_err(engine::EngineError::from)?;
    change(&mut c, &loaded)?;
    c.validate().map_err(engine::EngineError::from)?;
    c.save(&path).map_err(engine::EngineError::from)?;
    settings(session)
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Adds or replaces a provider profile (and its password), as `groupline config profile add`.
pub fn save_profile(session: &Session, input: ProfileInput) -> Result<SettingsView, IpcError> {
    let name = input.name.trim().to_owned();
    config::check_profile_name(&name).map_err(engine::EngineError::from)?;
    edit(session, |c, loaded| {
        let mut p = c.profiles.get(&name).cloned().unwrap_or_else(|| {
            ProviderProfile::new(
                input.endpoint.trim(),
                input.vasp_id.trim(),
                input.sender.trim(),
            )
        });
        p.endpoint = input.endpoint.trim().to_owned();
        p.vasp_id = input.vasp_id.trim().to_owned();
        p.sender = input.sender.trim().trim_start_matches('+').to_owned();
        p.vas_id = trimmed(&input.vas_id);
        p.username = trimmed(&input.username);
        c.profiles.remove(&name);
        c.add_profile(&name, p).map_err(engine::EngineError::from)?;
        if input.make_active {
            c.use_profile(&name).map_err(engine::EngineError::from)?;
        }
        c.validate().map_err(engine::EngineError::from)?;
        // The secret first: a failure leaves no profile that silently lacks its password.
        if let Some(password) = input.password.as_deref().filter(|p| !p.is_empty()) {
            loaded
                .secrets
                .store
                .set(&name, SECRET_PASSWORD, &Secret::new(password))
                .map_err(engine::EngineError::from)?;
        }
        Ok(())
    })
}

/// Chooses the provider used from the next start (`demo` for the embedded demo).
pub fn use_provider(session: &Session, name: String) -> Result<SettingsView, IpcError> {
    edit(session, |c, _| {
        Ok(c.use_profile(name.trim())
            .map_err(engine::EngineError::from)?)
    })
}

/// Sets the region numbers without a country code are read in (e.g. `US`).
pub fn set_default_region(session: &Session, region: String) -> Result<SettingsView, IpcError> {
    edit(session, |c, _| {
        Ok(c.set("default_region", region.trim())
            .map_err(engine::EngineError::from)?)
    })
}

/// Proves profile `name` answers, sending nothing billable.
pub async fn test_connection(session: &Session, name: String) -> Result<ConnectionTest, IpcError> {
    let loaded = load(session)?;
    let report = engine::connection_check::test_profile(&loaded, name.trim()).await?;
    use engine::connection_check::Verdict;
    let kind = match report.verdict {
        Verdict::Mm7 { .. } => "mm7",
        Verdict::Credentials { .. } => "credentials",
        Verdict::Unreachable { .. } => "unreachable",
        Verdict::Tls { .. } => "tls",
        Verdict::Timeout => "timeout",
        Verdict::NotMm7 { .. } => "not_mm7",
    }
    .to_owned();
    Ok(ConnectionTest {
        ok: report.verdict.is_ok(),
        kind,
        summary: report.summary,
        url: report.url,
        elapsed_ms: i64::try_from(report.elapsed_ms).unwrap_or(i64::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(dir: &std::path::Path) -> Session {
        let data = engine::DataDir::resolve(Some(dir.to_path_buf()), None).unwrap();
        // An existing secrets file is used as it is: no keyring probe in a test.
        let location = config::ConfigLocation::from_env(None, &data).unwrap();
        std::fs::write(location.secrets_file(), "").unwrap();
        Session::open(data, 0).unwrap()
    }

    #[test]
    fn a_profile_is_saved_made_active_and_shown_without_its_password() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path());
        let before = settings(&s).unwrap();
        assert_eq!(before.active, "demo");
        let after = save_profile(
            &s,
            ProfileInput {
                name: "sinch".into(),
                endpoint: "https://mms.example.com/mm7".into(),
                vasp_id: "key".into(),
                vas_id: Some("  ".into()),
                sender: "+12025550100".into(),
                username: Some("agent".into()),
                password: None,
                make_active: true,
            },
        )
        .unwrap();
        assert_eq!(after.active, "sinch");
        let p = &after.profiles[0];
        assert_eq!(p.sender, "12025550100");
        assert_eq!(p.vas_id, None);
        assert!(!p.password_set);
        let back = use_provider(&s, "demo".into()).unwrap();
        assert_eq!(back.active, "demo");
        let bad = set_default_region(&s, "Narnia".into());
        assert!(bad.is_err());
    }
}
