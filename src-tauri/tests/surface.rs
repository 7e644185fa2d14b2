//! The IPC surface is declared in three places that must agree: the tauri-specta builder
//! (`ipc::COMMANDS`), the app manifest in `build.rs`, and the window's grants in
//! `capabilities/main-window.json`. A command missing from either of the last two fails
//! only at run time ("not allowed"), so this test catches it first.

use std::path::PathBuf;

fn read(rel: &str) -> String {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    std::fs::read_to_string(root.join(rel)).unwrap()
}

#[test]
fn every_command_is_in_the_manifest_and_granted_to_the_window() {
    let manifest = read("build.rs");
    let capability = read("capabilities/main-window.json");
    let bindings = read(groupline_desktop::ipc::BINDINGS_PATH);
    for name in groupline_desktop::ipc::COMMANDS {
        assert!(
            manifest.contains(&format!("\"{name}\"")),
            "{name} is not listed in build.rs"
        );
        let grant = format!("\"allow-{}\"", name.replace('_', "-"));
        assert!(
            capability.contains(&grant),
            "{name} is not granted in capabilities/main-window.json ({grant})"
        );
        // `__TAURI_INVOKE("name", ...)` for a command that can fail,
        // `__TAURI_INVOKE<Type>("name")` for one that cannot (store_state).
        let call = format!("(\"{name}\"");
        assert!(
            bindings
                .lines()
                .any(|l| l.contains("__TAURI_INVOKE") && l.contains(&call)),
            "{name} is missing from the bindings"
        );
    }
    let granted = capability.matches("\"allow-").count();
    assert_eq!(
        granted,
        groupline_desktop::ipc::COMMANDS.len(),
        "the window is granted a command the builder does not declare"
    );
}

#[test]
fn the_window_cannot_open_dialogs_or_choose_paths() {
    // "Save as…" opens the native dialog from Rust and writes only where the user chose;
    // the webview itself must never be able to open a dialog (and so pick a path).
    let capability = read("capabilities/main-window.json");
    for forbidden in ["dialog:", "fs:"] {
        assert!(
            !capability.contains(forbidden),
            "capabilities/main-window.json grants a {forbidden} permission"
        );
    }
}
