//! The `groupline status` subcommand, run as a real process.

use std::process::Command;

fn groupline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_groupline"))
}

#[test]
fn status_prints_json_for_the_chosen_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let out = groupline()
        .args(["status", "--data-dir"])
        .arg(dir.path())
        .env_remove("GROUPLINE_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["data_dir"], dir.path().display().to_string());
    assert!(json["schema_version"].as_u64().unwrap() >= 1);
}

#[test]
fn status_honours_the_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let out = groupline()
        .arg("status")
        .env("GROUPLINE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["data_dir"], dir.path().display().to_string());
}

#[test]
fn unusable_data_dir_fails_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let out = groupline()
        .args(["status", "--data-dir"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("groupline: "), "{stderr}");
}
