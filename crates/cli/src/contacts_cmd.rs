//! `groupline contacts`: the address book, or the contact behind one number.

use clap::Args;
use engine::EngineError;
use engine::store::{Contact, ContactQuery, Page};

use crate::{Common, table};

#[derive(Debug, Args)]
pub struct ContactsArgs {
    /// Show only the contact this number (any format) belongs to.
    #[arg(long, value_name = "NUMBER")]
    number: Option<String>,
    /// Contacts per page, by name.
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

pub fn run(args: ContactsArgs) -> Result<(), EngineError> {
    let session = args.common.open()?;
    let page: Page<Contact> = match &args.number {
        Some(number) => Page {
            items: session.contact_by_number(number)?.into_iter().collect(),
            next: None,
        },
        None => session.contacts(&ContactQuery {
            limit: args.limit,
            after: args.after,
        })?,
    };
    if args.json {
        return crate::output::print_json(&page);
    }
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                table::clip(&c.display_name, 30),
                c.numbers.join(", "),
                table::clip(c.company.as_deref().unwrap_or(""), 24),
                c.tags.join(", "),
            ]
        })
        .collect();
    table::print(&["ID", "NAME", "NUMBERS", "COMPANY", "TAGS"], &rows);
    crate::output::print_next(page.next.as_deref(), "--after");
    Ok(())
}
