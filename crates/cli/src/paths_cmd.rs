//! `groupline paths`: where the data directory, database and media folder are, so a user
//! (or a script) knows which store the CLI and the desktop app share.

use clap::Args;
use engine::EngineError;

use crate::Common;

#[derive(Debug, Args)]
pub struct PathsArgs {
    /// Print JSON instead of `name<TAB>path` lines.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    common: Common,
}

pub fn run(args: PathsArgs) -> Result<(), EngineError> {
    let paths = args.common.open()?.paths()?;
    if args.json {
        return crate::output::print_json(&paths);
    }
    println!("data_dir\t{}", paths.data_dir);
    println!("database\t{}", paths.database);
    println!("media_dir\t{}", paths.media_dir);
    Ok(())
}
