//! The `groupline-desktop` binary: everything lives in the library so tests can reach it.

// Keeps a console window from opening beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    groupline_desktop::run();
}
