//! The committed TypeScript bindings must match what the Rust IPC surface generates.
//! Run `make bindings` (or this test with `UPDATE_BINDINGS=1`) to regenerate them.

use std::path::PathBuf;

#[test]
fn committed_bindings_are_current() {
    let committed_path =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join(groupline_desktop::ipc::BINDINGS_PATH);
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("bindings.ts");
    groupline_desktop::ipc::builder()
        .export(groupline_desktop::ipc::typescript(), &fresh_path)
        .expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();
    assert!(
        fresh.contains("appStatus"),
        "the status command must be exported"
    );

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `make bindings` and commit the result",
        committed_path.display()
    );
}
