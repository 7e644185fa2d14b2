//! Shared by the process tests that start a long-running `groupline … serve`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `groupline ARGS --data-dir DIR` with a clean environment and returns the child and
/// the one JSON line it prints once it is ready (`{"listening": …}`).
pub fn spawn_serving(args: &[&str], data_dir: &Path) -> (Child, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_groupline"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("GROUPLINE_DATA_DIR")
        .env_remove("GROUPLINE_RELAY_CLIENTS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, ready)
}
