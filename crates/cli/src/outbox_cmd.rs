//! `groupline outbox`: what is waiting to be sent, and why it is waiting.

use clap::Args;
use engine::{DataDir, EngineError, Session};

use crate::Common;

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long)]
    json: bool,
}

pub fn run(args: OutboxArgs) -> Result<(), EngineError> {
    let session = Session::open(
        DataDir::from_env(args.common.data_dir)?,
        crate::now_unix_ms(),
    )?;
    let jobs = session.due_jobs(i64::MAX, 10_000)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&jobs).expect("serializes")
        );
        return Ok(());
    }
    if jobs.is_empty() {
        println!("The outbox is empty.");
        return Ok(());
    }
    for job in jobs {
        println!(
            "job {:>6}  message {:>6}  to {:<16} attempts {:>2}  next at {}  {}",
            job.id.0,
            job.message_id.0,
            job.recipient,
            job.attempts,
            engine::clock::xs_date_time(job.next_attempt_at),
            job.last_error.unwrap_or_default()
        );
    }
    Ok(())
}
