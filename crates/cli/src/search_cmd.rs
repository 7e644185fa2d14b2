//! `groupline search QUERY`: full-text search over messages and threads.

use clap::Args;
use engine::EngineError;
use engine::store::{SearchQuery, SnippetPiece};

use crate::{Common, table};

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find (each a prefix; all must match), or a phone number in any format.
    query: String,
    /// Message hits per page.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// The `next` cursor of the previous page.
    #[arg(long, value_name = "CURSOR")]
    after: Option<String>,
    /// Print JSON (`{threads, messages: {items, next}}`) instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    common: Common,
}

/// A snippet with its hits in brackets.
fn bracketed(pieces: &[SnippetPiece]) -> String {
    pieces
        .iter()
        .map(|p| {
            if p.hit {
                format!("[{}]", p.text)
            } else {
                p.text.clone()
            }
        })
        .collect()
}

pub fn run(args: SearchArgs) -> Result<(), EngineError> {
    let session = args.common.open()?;
    let results = session.search(&SearchQuery {
        text: args.query,
        limit: args.limit,
        after: args.after,
    })?;
    if args.json {
        return crate::output::print_json(&results);
    }
    if !results.threads.is_empty() {
        let rows: Vec<Vec<String>> = results
            .threads
            .iter()
            .map(|h| {
                vec![
                    h.thread_id.to_string(),
                    table::clip(&bracketed(&h.snippet), 80),
                ]
            })
            .collect();
        table::print(&["THREAD", "MATCHED"], &rows);
        println!();
    }
    let rows: Vec<Vec<String>> = results
        .messages
        .items
        .iter()
        .map(|h| {
            vec![
                h.thread_id.to_string(),
                h.message_id.to_string(),
                table::time(h.at),
                table::clip(h.author_name.as_deref().unwrap_or(&h.author), 24),
                table::clip(&bracketed(&h.snippet), 80),
            ]
        })
        .collect();
    table::print(&["THREAD", "MESSAGE", "AT", "FROM", "SNIPPET"], &rows);
    crate::output::print_next(results.messages.next.as_deref(), "--after");
    Ok(())
}
