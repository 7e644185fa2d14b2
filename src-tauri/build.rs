//! Tauri's build step, with an app manifest: only the commands listed here can be granted
//! to a window, and `capabilities/` grants them explicitly (nothing is allowed by default).

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["app_status"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step failed");
}
