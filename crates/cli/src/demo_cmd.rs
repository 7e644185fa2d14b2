//! `groupline demo`: the embedded demo provider (simulator + relay, in-process on
//! loopback) with the engine running against it, as the desktop app's first run does.

use std::time::Duration;

use clap::Args;
use engine::EngineError;
use engine::demo::DemoOptions;
use engine::store::ThreadListQuery;

use crate::config_cmd::Location;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    location: Location,
    /// Run without a window (the only mode of this binary; the desktop app is
    /// `groupline-desktop`, which runs the same demo on first launch).
    #[arg(long)]
    headless: bool,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long = "for", value_name = "SECONDS")]
    duration: Option<u64>,
    /// Script speed: 0.1 plays the 45-second story in under 5 seconds.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
}

pub fn run(args: DemoArgs) -> Result<(), EngineError> {
    if !args.headless {
        return Err(EngineError::Start {
            what: "the demo window",
            detail: "this is the command-line client; run `groupline-desktop` (or `make run`) \
                     for the window, or add --headless"
                .into(),
        });
    }
    let options = DemoOptions {
        time_scale: args.time_scale,
        ..DemoOptions::default()
    };
    crate::runtime().block_on(async {
        let mut running = crate::provider_choice::start(&args.location, &options, true).await?;
        if let Some(demo) = &running.demo {
            println!(
                "{}",
                serde_json::json!({"demo": {"provider": demo.sim.submit_url(), "relay": demo.relay_endpoint.url}})
            );
        }
        running.engine.start_background(engine::run_seed())?;
        match args.duration {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        // One last read so reports that arrived meanwhile are in the store.
        let _ = running.engine.poll_once(Duration::ZERO).await;
        let threads = running.engine.session().threads(&ThreadListQuery {
            limit: 50,
            ..Default::default()
        })?;
        running.shutdown().await;
        println!(
            "{}",
            serde_json::json!({"threads": threads.items.len(), "messages": threads.items.iter().map(|t| t.message_count).sum::<i64>()})
        );
        Ok(())
    })
}
