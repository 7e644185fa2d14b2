//! `groupline poll`: read the relay into the store (once, or until interrupted).

use std::time::Duration;

use clap::Args;
use engine::EngineError;
use engine::demo::DemoOptions;

use crate::config_cmd::Location;

#[derive(Debug, Args)]
pub struct PollArgs {
    #[command(flatten)]
    location: Location,
    /// Read what is there now and exit.
    #[arg(long)]
    once: bool,
    /// With --once: wait this many seconds for the first new entry.
    #[arg(long, default_value_t = 0)]
    wait: u64,
}

pub fn run(args: PollArgs) -> Result<(), EngineError> {
    crate::runtime().block_on(async {
        let mut running = crate::provider_choice::start(&args.location, &DemoOptions::default(), false).await?;
        if args.once {
            let report = running
                .engine
                .poll_once(Duration::from_secs(args.wait))
                .await
                .map_err(|e| EngineError::Start {
                    what: "polling the relay",
                    detail: e.to_string(),
                });
            running.shutdown().await;
            let r = report?;
            println!(
                "{}",
                serde_json::json!({
                    "entries": r.entries, "messages": r.messages, "duplicates": r.duplicates,
                    "reports": r.reports, "unmatched_reports": r.unmatched_reports, "skipped": r.skipped,
                })
            );
            return Ok(());
        }
        running.engine.start_background(engine::run_seed())?;
        eprintln!("groupline: polling; Ctrl-C to stop");
        let _ = tokio::signal::ctrl_c().await;
        running.shutdown().await;
        Ok(())
    })
}
