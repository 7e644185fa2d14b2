//! `groupline send`: compose a message (durably, before anything is sent) and send it.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use engine::EngineError;
use engine::demo::DemoOptions;
use engine::outbound::compose::{Attachment, Audience, Draft};
use engine::store::ThreadId;

use crate::config_cmd::Location;

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    location: Location,
    /// An existing thread to reply in.
    #[arg(long, conflicts_with_all = ["to", "broadcast"])]
    thread: Option<i64>,
    /// Recipients, comma-separated, any number format (one: direct; several: a group).
    #[arg(long, value_delimiter = ',', required_unless_present = "thread")]
    to: Vec<String>,
    /// Send individual texts (one direct thread per recipient) instead of a group.
    #[arg(long, requires = "to")]
    broadcast: bool,
    #[arg(long, default_value = "")]
    text: String,
    #[arg(long)]
    subject: Option<String>,
    /// A file to attach (repeatable).
    #[arg(long, value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// Only write the message to the outbox; whichever engine runs next on this data
    /// directory (`groupline poll`, the desktop app) sends it.
    #[arg(long)]
    queue_only: bool,
    /// How long to keep retrying transient failures before leaving them to the next run.
    #[arg(long, default_value_t = 60)]
    retry_for: u64,
}

pub fn run(args: SendArgs) -> Result<(), EngineError> {
    let mut attachments = Vec::new();
    for path in &args.attach {
        let bytes = std::fs::read(path).map_err(|source| EngineError::Media {
            path: path.clone(),
            source,
        })?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "attachment".into());
        attachments.push(Attachment { file_name, bytes });
    }
    let audience = match (args.thread, args.broadcast) {
        (Some(id), _) => Audience::Thread(ThreadId(id)),
        (None, true) => Audience::Broadcast(args.to.clone()),
        (None, false) => Audience::People(args.to.clone()),
    };
    let draft = Draft {
        audience,
        text: args.text.clone(),
        subject: args.subject.clone(),
        attachments,
    };
    if args.queue_only {
        let data = engine::DataDir::from_env(args.location.common.data_dir.clone())?;
        let session = engine::Session::open(data, crate::now_unix_ms())?;
        let options = engine::LaunchOptions {
            config_file: args.location.config.clone(),
            ..Default::default()
        };
        let composed = engine::queue(&session, &options, &draft, crate::now_unix_ms())?;
        println!("{}", serde_json::to_string(&composed).expect("serializes"));
        return Ok(());
    }
    crate::runtime().block_on(async {
        let running =
            crate::provider_choice::start(&args.location, &DemoOptions::default(), false).await?;
        let result = async {
            let composed = running.engine.send(draft).await?;
            match running
                .engine
                .drain_outbox(Duration::from_secs(args.retry_for))
                .await
            {
                // The app (or `groupline poll`) holds the outbox: it sends what we queued.
                Err(e @ EngineError::OutboxElsewhere) => eprintln!("groupline: {e}"),
                other => other?,
            }
            let session = running.engine.session();
            let mut messages = Vec::new();
            for (_, id) in &composed.sent_as {
                messages.push(session.message(*id)?);
            }
            Ok::<_, EngineError>(serde_json::json!({
                "thread_id": composed.thread_id,
                "message_id": composed.message_id,
                "messages": messages,
            }))
        }
        .await;
        running.shutdown().await;
        println!(
            "{}",
            serde_json::to_string_pretty(&result?).expect("serializes")
        );
        Ok(())
    })
}
