//! `groupline relay serve`: the inbox relay as a process, for an office server or a
//! reachable machine. Prints one JSON line (`{"listening": …, "db": …}`) once it accepts
//! pushes, then serves until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use engine::DataDir;
use relay::{
    BasicCredentials, Relay, RelayConfig, RelayLimits, SqliteStore, StoreOptions, TeamConfig,
};
use serde_json::json;

use crate::Common;

#[derive(Debug, Args)]
pub struct RelayArgs {
    #[command(subcommand)]
    command: RelayCommand,
}

#[derive(Debug, Subcommand)]
enum RelayCommand {
    /// Accept provider pushes and serve them to clients by cursor.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free one; the JSON line says which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// The path providers POST to; put a secret in it when the provider cannot send Basic
    /// auth (e.g. /mm7/4f9c…).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/mm7",
        env = "GROUPLINE_RELAY_PROVIDER_PATH",
        hide_env_values = true
    )]
    provider_path: String,
    /// Basic auth user the provider must send.
    #[arg(long, value_name = "USER", env = "GROUPLINE_RELAY_PROVIDER_USER")]
    provider_user: Option<String>,
    /// Basic auth password the provider must send.
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "GROUPLINE_RELAY_PROVIDER_PASSWORD",
        hide_env_values = true,
        requires = "provider_user"
    )]
    provider_password: Option<String>,
    /// A client allowed to read the stream, as NAME:TOKEN (repeatable, or comma-separated
    /// in the environment variable).
    #[arg(
        long = "client",
        value_name = "NAME:TOKEN",
        env = "GROUPLINE_RELAY_CLIENTS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    clients: Vec<String>,
    /// How long entries every client acknowledged are kept.
    #[arg(long, value_name = "SECONDS", default_value_t = 7 * 24 * 3600)]
    retention_secs: u64,
    /// Largest push body accepted (default: Sinch's largest legal MMS plus headroom).
    #[arg(long, value_name = "BYTES")]
    max_body_bytes: Option<usize>,
    /// Connections served at once.
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,
    /// The relay's SQLite file (default: DATA_DIR/relay/relay.sqlite3); bodies go to the
    /// directory beside it named FILE-bodies.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Team mode: clients' SubmitReqs (POST /v1/submit) are forwarded to this provider
    /// URL and recorded in the stream for every desktop.
    #[arg(long, value_name = "URL", env = "GROUPLINE_RELAY_TEAM_PROVIDER_URL")]
    team_provider_url: Option<String>,
    /// Basic auth user the provider requires of team submits.
    #[arg(
        long,
        value_name = "USER",
        env = "GROUPLINE_RELAY_TEAM_PROVIDER_USER",
        requires = "team_provider_url"
    )]
    team_provider_user: Option<String>,
    /// Basic auth password for team submits.
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "GROUPLINE_RELAY_TEAM_PROVIDER_PASSWORD",
        hide_env_values = true,
        requires = "team_provider_user"
    )]
    team_provider_password: Option<String>,
    /// VASPID (Sinch: the API key) written into every team submit.
    #[arg(
        long,
        value_name = "ID",
        env = "GROUPLINE_RELAY_TEAM_VASP_ID",
        hide_env_values = true,
        requires = "team_provider_url"
    )]
    team_vasp_id: Option<String>,
    /// VASID (Sinch: the service ID) written into every team submit.
    #[arg(long, value_name = "ID", requires = "team_provider_url")]
    team_vas_id: Option<String>,
    /// How long the provider may take to answer a team submit.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    team_timeout_secs: u64,
    /// Test hook: abort after a batch's bodies are on disk, before its index commits.
    #[arg(long, hide = true)]
    test_abort_before_index_commit: bool,
    #[command(flatten)]
    common: Common,
}

pub fn run(args: &RelayArgs) -> ExitCode {
    let RelayCommand::Serve(serve_args) = &args.command;
    match serve(serve_args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("groupline relay: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let data_dir = DataDir::from_env(args.common.data_dir.clone()).map_err(|e| e.to_string())?;
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| data_dir.path().join("relay").join("relay.sqlite3"));
    let mut limits = RelayLimits::default();
    if let Some(n) = args.max_body_bytes {
        limits.max_body_bytes = n;
    }
    if let Some(n) = args.max_connections {
        limits.max_connections = n;
    }
    let mut config = RelayConfig::new(&db)
        .with_listen(args.listen)
        .with_provider_path(args.provider_path.clone())
        .with_retention(Duration::from_secs(args.retention_secs))
        .with_limits(limits);
    if let Some(user) = &args.provider_user {
        config =
            config.with_provider_basic(user, args.provider_password.clone().unwrap_or_default());
    }
    if let Some(url) = &args.team_provider_url {
        let mut team = TeamConfig::new(url);
        team.provider_basic = args
            .team_provider_user
            .as_ref()
            .map(|user| BasicCredentials {
                user: user.clone(),
                password: args.team_provider_password.clone().unwrap_or_default(),
            });
        team.vasp_id = args.team_vasp_id.clone();
        team.vas_id = args.team_vas_id.clone();
        team.timeout = Duration::from_secs(args.team_timeout_secs);
        config = config.with_team(team);
    }
    for client in &args.clients {
        let (name, token) = client
            .split_once(':')
            .filter(|(n, t)| !n.is_empty() && !t.is_empty())
            .ok_or_else(|| format!("--client takes NAME:TOKEN, got {client:?}"))?;
        config = config.with_client(name, token);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let handle = if args.test_abort_before_index_commit {
            if let Some(dir) = db.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            let options = StoreOptions {
                abort_before_index_commit: true,
                ..StoreOptions::default()
            };
            let store = SqliteStore::open_with(&db, options).map_err(|e| e.to_string())?;
            Relay::start_with_store(config, Arc::new(store)).await
        } else {
            Relay::start(config).await
        }
        .map_err(|e| e.to_string())?;
        println!(
            "{}",
            json!({ "listening": handle.addr.to_string(), "db": db.display().to_string() })
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
        crate::sim_cmd::until_signal().await;
        handle.shutdown().await;
        Ok(())
    })
}
