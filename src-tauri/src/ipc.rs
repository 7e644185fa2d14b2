//! The IPC surface, declared once. `ui/src/lib/bindings.ts` is generated from it:
//! `make bindings` rewrites the file, and a test fails while the committed copy is stale.

use specta_typescript::Typescript;
use tauri_specta::{Builder, collect_commands};

use crate::commands;

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

/// Every command the UI may call. Adding one here also needs its name in `build.rs`
/// (the app manifest) and a grant in `capabilities/main-window.json`.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new().commands(collect_commands![commands::app_status])
}

/// The TypeScript exporter with the project's settings.
pub fn typescript() -> Typescript {
    Typescript::default()
}
