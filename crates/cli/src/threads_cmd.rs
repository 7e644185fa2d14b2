//! `groupline threads` and `groupline show THREAD`: the thread list and one thread's
//! messages, read through the engine's session.

use clap::Args;
use engine::store::{MessageQuery, ThreadId, ThreadListQuery, ThreadSummary};
use engine::{EngineError, Session};

use crate::{Common, table};

#[derive(Debug, Args)]
pub struct ThreadsArgs {
    /// List archived threads instead of the inbox.
    #[arg(long)]
    archived: bool,
    /// Threads per page.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// The `next` cursor of the previous page.
    #[arg(long, value_name = "CURSOR")]
    after: Option<String>,
    /// Print JSON (`{items, next}`) instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The thread's id (the first column of `groupline threads`).
    thread: i64,
    /// Messages per page, newest first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// The `next` cursor of the previous page (older messages).
    #[arg(long, value_name = "CURSOR")]
    before: Option<String>,
    /// Print JSON (`{thread, messages: {items, next}}`) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    common: Common,
}

/// A thread's title, else its participants' names (or numbers).
pub fn thread_label(t: &ThreadSummary) -> String {
    if let Some(title) = &t.title {
        return title.clone();
    }
    t.participants
        .iter()
        .map(|p| p.name.clone().unwrap_or_else(|| p.address.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run_threads(args: ThreadsArgs) -> Result<(), EngineError> {
    let session = args.common.open()?;
    let page = session.threads(&ThreadListQuery {
        archived: args.archived,
        limit: args.limit,
        after: args.after,
    })?;
    if args.json {
        return crate::output::print_json(&page);
    }
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|t| {
            let flags = format!(
                "{}{}",
                if t.pinned { "📌" } else { "" },
                if t.muted { "🔕" } else { "" }
            );
            vec![
                t.id.to_string(),
                table::time(t.last_activity),
                if t.unread_count > 0 {
                    t.unread_count.to_string()
                } else {
                    String::new()
                },
                flags,
                table::clip(&thread_label(t), 40),
                table::clip(t.last_preview.as_deref().unwrap_or(""), 60),
            ]
        })
        .collect();
    table::print(
        &[
            "ID",
            "LAST ACTIVITY",
            "UNREAD",
            "",
            "THREAD",
            "LAST MESSAGE",
        ],
        &rows,
    );
    crate::output::print_next(page.next.as_deref(), "--after");
    Ok(())
}

pub fn run_show(args: ShowArgs) -> Result<(), EngineError> {
    let session: Session = args.common.open()?;
    let view = session.thread(
        ThreadId(args.thread),
        &MessageQuery {
            limit: args.limit,
            before: args.before,
        },
    )?;
    if args.json {
        return crate::output::print_json(&view);
    }
    let t = &view.thread;
    println!(
        "{} ({:?}, {} messages)",
        thread_label(t),
        t.kind,
        t.message_count
    );
    for p in &t.participants {
        match &p.name {
            Some(name) => println!("  {name} <{}>", p.address),
            None => println!("  {}", p.address),
        }
    }
    println!();
    // Oldest of the page first, as a conversation reads.
    for m in view.messages.items.iter().rev() {
        let who = m.author_name.clone().unwrap_or_else(|| m.author.clone());
        let arrow = match m.direction {
            engine::store::Direction::In => "←",
            engine::store::Direction::Out => "→",
        };
        println!("{} {arrow} {who}", table::time(m.at));
        if let Some(subject) = &m.subject {
            println!("    [{subject}]");
        }
        for line in m.body.lines() {
            println!("    {line}");
        }
        for p in &m.parts {
            println!(
                "    📎 {} ({}, {} bytes)",
                p.file_name.as_deref().unwrap_or("attachment"),
                p.content_type,
                p.size
            );
        }
        for d in &m.deliveries {
            println!("    {:?} → {}", d.state, d.recipient);
        }
    }
    crate::output::print_next(view.messages.next.as_deref(), "--before");
    Ok(())
}
