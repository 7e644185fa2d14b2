//! `groupline config …`: read and edit the configuration file and its secrets.
//!
//! Which file: `--config FILE`, else `$GROUPLINE_CONFIG`, else `DATA_DIR/config.toml` when the
//! data directory was chosen (`--data-dir` or `$GROUPLINE_DATA_DIR`), else the platform's
//! config directory; `groupline config path` says which and why. Secret values are read from
//! standard input only (never argv, where `ps` and shell history would show them) and are
//! never printed: `show` says "set" or "not set".

use std::path::PathBuf;

use clap::{Args, Subcommand};
use engine::config::{
    self, Config, ConfigLocation, ConfigSummary, OpenedSecretStore, ProviderProfile, RELAY_SCOPE,
    RelayMode, RelaySummary, SECRET_PASSWORD, SECRET_RELAY_CLIENT_TOKEN,
    SECRET_RELAY_PROVIDER_PASSWORD, Secret,
};
use engine::{DataDir, EngineError};
use serde::Serialize;

use crate::Common;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print which configuration file is used and why, and where secrets are kept.
    Path(JsonArgs),
    /// Print the configuration; secrets show only as "set" or "not set".
    Show(JsonArgs),
    /// Add or remove provider profiles.
    Profile(ProfileArgs),
    /// Choose the active provider profile, or `demo` for the embedded demo provider.
    Use {
        /// A profile name, or `demo`.
        name: String,
        #[command(flatten)]
        at: Location,
    },
    /// Set one scalar key, e.g. `default_region CA` or `profiles.work.timeout_secs 60`
    /// (an empty VALUE removes an optional key).
    Set {
        key: String,
        value: String,
        #[command(flatten)]
        at: Location,
    },
    /// Store or delete secrets (the value is read from standard input).
    Secret(SecretArgs),
    /// Choose the relay the provider's pushes are read from.
    Relay(RelayArgs),
}

/// Where the configuration is: every `config` subcommand takes these.
#[derive(Debug, Args)]
pub struct Location {
    /// The configuration file (default: $GROUPLINE_CONFIG, else DATA_DIR/config.toml when
    /// the data directory was given, else the platform's config directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

impl Location {
    /// Resolves the configuration file the way every subcommand does.
    pub fn resolve(&self) -> Result<ConfigLocation, EngineError> {
        let data_dir = DataDir::from_env(self.common.data_dir.clone())?;
        Ok(ConfigLocation::from_env(self.config.clone(), &data_dir)?)
    }
}

#[derive(Debug, Args)]
struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    at: Location,
}

#[derive(Debug, Args)]
struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// Add a provider profile (an MM7 account).
    Add(Box<ProfileAdd>),
    /// Remove a provider profile and its stored password.
    Remove {
        name: String,
        #[command(flatten)]
        at: Location,
    },
}

#[derive(Debug, Args)]
struct ProfileAdd {
    /// The profile's name (letters, digits, '-', '_'; not "demo" or "relay").
    name: String,
    /// The provider's MM7 URL.
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// VASPID (at Sinch, the API key).
    #[arg(long, value_name = "ID")]
    vasp_id: String,
    /// VASID: the service id; required on shared short codes.
    #[arg(long, value_name = "ID")]
    vas_id: Option<String>,
    /// Our number in international format (e.g. 12515550100) or short code.
    #[arg(long, value_name = "NUMBER")]
    sender: String,
    /// Basic-auth user, when the provider wants Basic auth.
    #[arg(long, value_name = "USER")]
    username: Option<String>,
    /// Read the Basic-auth password from the first line of standard input.
    #[arg(long, requires = "username")]
    password_stdin: bool,
    /// MM7Version to send (5.3.0 or 6.8.0 at Sinch).
    #[arg(long = "version", value_name = "X.Y.Z")]
    mm7_version: Option<String>,
    /// MM7 namespace URI (default: REL-6-MM7-1-4).
    #[arg(long, value_name = "URI")]
    namespace: Option<String>,
    /// Send the x-mblox-operator-id header when the carrier is known.
    #[arg(long)]
    operator_id_header: bool,
    /// Per-request timeout in seconds.
    #[arg(long = "timeout", value_name = "SECONDS")]
    timeout_secs: Option<u64>,
    /// Requests in flight at once.
    #[arg(long, value_name = "N")]
    max_concurrency: Option<u32>,
    /// Requests started per second.
    #[arg(long = "rate", value_name = "PER_SECOND")]
    rate_per_second: Option<f64>,
    /// Make it the active profile too.
    #[arg(long = "use")]
    make_active: bool,
    #[command(flatten)]
    at: Location,
}

#[derive(Debug, Args)]
struct SecretArgs {
    #[command(subcommand)]
    command: SecretCommand,
}

#[derive(Debug, Subcommand)]
enum SecretCommand {
    /// Store a secret read from the first line of standard input. SCOPE is a profile
    /// (NAME: password) or `relay` (NAME: client_token, provider_password).
    Set {
        scope: String,
        name: String,
        #[command(flatten)]
        at: Location,
    },
    /// Delete a stored secret.
    Delete {
        scope: String,
        name: String,
        #[command(flatten)]
        at: Location,
    },
}

#[derive(Debug, Args)]
struct RelayArgs {
    #[command(subcommand)]
    command: RelayCommand,
}

#[derive(Debug, Subcommand)]
enum RelayCommand {
    /// Read pushes from a relay elsewhere (an office server).
    Remote {
        /// The relay's base URL.
        #[arg(long, value_name = "URL")]
        url: String,
        /// Read the relay client token from the first line of standard input.
        #[arg(long)]
        token_stdin: bool,
        #[command(flatten)]
        at: Location,
    },
    /// Run the relay inside Groupline (the default; the demo uses it).
    Embedded {
        /// Address to listen on (default 127.0.0.1:0, a free loopback port).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Basic-auth user the provider must push with.
        #[arg(long, value_name = "USER")]
        provider_username: Option<String>,
        /// The path the provider POSTs to (default /mm7).
        #[arg(long, value_name = "PATH")]
        provider_path: Option<String>,
        /// Read the provider's push password from the first line of standard input.
        #[arg(long, requires = "provider_username")]
        password_stdin: bool,
        #[command(flatten)]
        at: Location,
    },
}

pub fn run(args: ConfigArgs) -> Result<(), EngineError> {
    match args.command {
        ConfigCommand::Path(a) => path(a),
        ConfigCommand::Show(a) => show(a),
        ConfigCommand::Profile(p) => match p.command {
            ProfileCommand::Add(a) => profile_add(*a),
            ProfileCommand::Remove { name, at } => profile_remove(&name, &at),
        },
        ConfigCommand::Use { name, at } => edit(
            &at,
            |c| c.use_profile(&name),
            |c| format!("active provider: {}", active_name(c)),
        ),
        ConfigCommand::Set { key, value, at } => edit(
            &at,
            |c| c.set(&key, &value),
            |_| format!("{key} = {value:?}"),
        ),
        ConfigCommand::Secret(s) => match s.command {
            SecretCommand::Set { scope, name, at } => secret_set(&scope, &name, &at),
            SecretCommand::Delete { scope, name, at } => secret_delete(&scope, &name, &at),
        },
        ConfigCommand::Relay(r) => relay(r.command),
    }
}

/// Opens the secret store for `location`, telling the user once when the keyring was
/// unreachable and a file is used instead.
fn secrets(location: &ConfigLocation) -> Result<OpenedSecretStore, EngineError> {
    let opened = config::open_secret_store(location)?;
    if opened.fell_back {
        eprintln!("groupline: warning: {}", opened.reason);
    }
    Ok(opened)
}

fn active_name(c: &Config) -> &str {
    c.active_profile.as_deref().unwrap_or(config::DEMO_PROFILE)
}

/// Loads without checking (so a bad value can be repaired), applies `change`, saves (which
/// checks the whole) and prints `done`.
fn edit(
    at: &Location,
    change: impl FnOnce(&mut Config) -> Result<(), config::ConfigError>,
    done: impl FnOnce(&Config) -> String,
) -> Result<(), EngineError> {
    let location = at.resolve()?;
    let mut c = Config::load_unchecked(location.path())?;
    change(&mut c)?;
    c.save(location.path())?;
    println!("{}", done(&c));
    Ok(())
}

#[derive(Serialize)]
struct PathReport {
    path: String,
    source: config::ConfigSource,
    why: &'static str,
    exists: bool,
    secrets: String,
    secrets_why: String,
}

fn path(args: JsonArgs) -> Result<(), EngineError> {
    let location = args.at.resolve()?;
    // No warning here: the report itself says why the secrets are where they are.
    let opened = config::open_secret_store(&location)?;
    let report = PathReport {
        path: location.path().display().to_string(),
        source: location.source(),
        why: location.source().describe(),
        exists: location.path().exists(),
        secrets: opened.store.describe(),
        secrets_why: opened.reason,
    };
    if args.json {
        return crate::output::print_json(&report);
    }
    println!("{}", report.path);
    println!(
        "  {}{}",
        report.why,
        if report.exists {
            ""
        } else {
            " (not written yet: the defaults apply)"
        }
    );
    println!("secrets: {} ({})", report.secrets, report.secrets_why);
    Ok(())
}

fn show(args: JsonArgs) -> Result<(), EngineError> {
    let location = args.at.resolve()?;
    let c = Config::load(location.path())?;
    let opened = secrets(&location)?;
    let summary = ConfigSummary::new(&location, &c, &opened);
    if args.json {
        return crate::output::print_json(&summary);
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!("file\t{} ({})", summary.path, summary.source.describe());
    println!("secrets\t{}", summary.secret_store);
    println!("default_region\t{}", summary.default_region);
    println!("active\t{}", summary.active);
    for (name, p) in &summary.profiles {
        let k = |f: &str| format!("profiles.{name}.{f}");
        println!("{}\t{}", k("endpoint"), p.endpoint);
        println!("{}\t{}", k("vasp_id"), p.vasp_id);
        println!("{}\t{}", k("vas_id"), opt(&p.vas_id));
        println!("{}\t{}", k("sender"), p.sender);
        println!("{}\t{}", k("username"), opt(&p.username));
        println!("{}\t{}", k("password"), p.password.as_str());
        println!("{}\t{}", k("mm7_version"), p.mm7_version);
        println!("{}\t{}", k("namespace"), p.namespace);
        println!("{}\t{}", k("operator_id_header"), p.operator_id_header);
        println!("{}\t{}", k("tls.verify"), p.tls_verify);
        println!("{}\t{}", k("tls.ca_file"), opt(&p.tls_ca_file));
        println!("{}\t{}", k("timeout_secs"), p.timeout_secs);
        println!("{}\t{}", k("max_concurrency"), p.max_concurrency);
        println!("{}\t{}", k("rate_per_second"), p.rate_per_second);
    }
    match &summary.relay {
        RelaySummary::Embedded {
            listen,
            provider_username,
            provider_path,
            provider_password,
        } => {
            println!("relay.mode\tembedded");
            println!("relay.listen\t{listen}");
            println!("relay.provider_path\t{provider_path}");
            println!("relay.provider_username\t{}", opt(provider_username));
            println!("relay.provider_password\t{}", provider_password.as_str());
        }
        RelaySummary::Remote { url, client_token } => {
            println!("relay.mode\tremote");
            println!("relay.url\t{url}");
            println!("relay.client_token\t{}", client_token.as_str());
        }
    }
    if !summary.unknown_keys.is_empty() {
        println!("unknown_keys\t{}", summary.unknown_keys.join(", "));
    }
    Ok(())
}

fn read_secret() -> Result<Secret, EngineError> {
    Ok(Secret::read_line(std::io::stdin().lock())?)
}

fn profile_add(a: ProfileAdd) -> Result<(), EngineError> {
    let location = a.at.resolve()?;
    let mut c = Config::load_unchecked(location.path())?;
    let mut p = ProviderProfile::new(a.endpoint, a.vasp_id, a.sender);
    p.vas_id = a.vas_id;
    p.username = a.username;
    if let Some(v) = a.mm7_version {
        p.mm7_version = v;
    }
    if let Some(ns) = a.namespace {
        p.namespace = ns;
    }
    p.operator_id_header = a.operator_id_header;
    if let Some(t) = a.timeout_secs {
        p.timeout_secs = t;
    }
    if let Some(n) = a.max_concurrency {
        p.max_concurrency = n;
    }
    if let Some(r) = a.rate_per_second {
        p.rate_per_second = r;
    }
    c.add_profile(&a.name, p)?;
    if a.make_active {
        c.use_profile(&a.name)?;
    }
    c.validate()?;
    // The secret first: a failure leaves no profile that silently lacks its password.
    if a.password_stdin {
        let password = read_secret()?;
        secrets(&location)?
            .store
            .set(&a.name, SECRET_PASSWORD, &password)?;
    }
    c.save(location.path())?;
    println!(
        "added profile {}{}",
        a.name,
        if a.make_active { " (active)" } else { "" }
    );
    Ok(())
}

fn profile_remove(name: &str, at: &Location) -> Result<(), EngineError> {
    let location = at.resolve()?;
    let mut c = Config::load_unchecked(location.path())?;
    c.remove_profile(name)?;
    c.save(location.path())?;
    // The profile is gone; a secret left behind is harmless, so only warn.
    match secrets(&location).and_then(|s| Ok(s.store.delete(name, SECRET_PASSWORD)?)) {
        Ok(_) => {}
        Err(e) => eprintln!("groupline: warning: could not delete {name}'s password: {e}"),
    }
    println!(
        "removed profile {name}; active provider: {}",
        active_name(&c)
    );
    Ok(())
}

/// A scope is the relay or an existing profile; the name must be one it uses.
fn check_scope(location: &ConfigLocation, scope: &str, name: &str) -> Result<(), EngineError> {
    if scope != RELAY_SCOPE {
        let c = Config::load_unchecked(location.path())?;
        if !c.profiles.contains_key(scope) {
            return Err(config::ConfigError::UnknownProfile { name: scope.into() }.into());
        }
    }
    Ok(config::check_secret_name(scope, name)?)
}

fn secret_set(scope: &str, name: &str, at: &Location) -> Result<(), EngineError> {
    let location = at.resolve()?;
    check_scope(&location, scope, name)?;
    let value = read_secret()?;
    let opened = secrets(&location)?;
    opened.store.set(scope, name, &value)?;
    println!("stored {scope}/{name} in {}", opened.store.describe());
    Ok(())
}

fn secret_delete(scope: &str, name: &str, at: &Location) -> Result<(), EngineError> {
    let location = at.resolve()?;
    config::check_secret_name(scope, name)?;
    let existed = secrets(&location)?.store.delete(scope, name)?;
    println!(
        "{scope}/{name}: {}",
        if existed { "deleted" } else { "was not set" }
    );
    Ok(())
}

fn relay(command: RelayCommand) -> Result<(), EngineError> {
    let (at, mode, secret) = match command {
        RelayCommand::Remote {
            url,
            token_stdin,
            at,
        } => (
            at,
            RelayMode::Remote { url },
            token_stdin.then_some(SECRET_RELAY_CLIENT_TOKEN),
        ),
        RelayCommand::Embedded {
            listen,
            provider_username,
            provider_path,
            password_stdin,
            at,
        } => (
            at,
            RelayMode::Embedded {
                listen: listen.unwrap_or_else(|| config::DEFAULT_RELAY_LISTEN.into()),
                provider_username,
                provider_path: provider_path
                    .unwrap_or_else(|| config::DEFAULT_RELAY_PROVIDER_PATH.into()),
            },
            password_stdin.then_some(SECRET_RELAY_PROVIDER_PASSWORD),
        ),
    };
    let location = at.resolve()?;
    let mut c = Config::load_unchecked(location.path())?;
    c.relay.mode = mode;
    c.validate()?;
    if let Some(name) = secret {
        let value = read_secret()?;
        secrets(&location)?.store.set(RELAY_SCOPE, name, &value)?;
    }
    c.save(location.path())?;
    match &c.relay.mode {
        RelayMode::Remote { url } => println!("relay: remote {url}"),
        RelayMode::Embedded { listen, .. } => println!("relay: embedded on {listen}"),
    }
    Ok(())
}
