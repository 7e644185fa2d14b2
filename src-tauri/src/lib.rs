//! Groupline's desktop shell: a Tauri window over the engine, and nothing more.
//!
//! The shell opens the data directory, starts the engine's pipelines (the configured
//! provider or the embedded demo) once the window is up, declares the IPC surface once
//! ([`ipc::builder`], from which the UI's TypeScript bindings are generated), forwards the
//! engine's events ([`events`]) and serves stored media through a scoped protocol
//! ([`media`]). Each command is one engine call ([`ops`]); no protocol or storage logic
//! lives here.

pub mod backend;
pub mod commands;
pub mod compliance_commands;
#[cfg(target_os = "linux")]
pub mod desktop_notification;
pub mod dto;
pub mod events;
pub mod ipc;
mod ipc_error;
pub mod media;
pub mod notification_command;
pub mod open_media;
pub mod ops;
pub mod participants_command;
pub mod save_as;
pub mod settings;
pub mod size_meter_command;

pub use ipc_error::IpcError;

use std::time::{SystemTime, UNIX_EPOCH};

use backend::Backend;
use tauri::{Manager, RunEvent};

/// Starts the desktop app and blocks until its last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let builder = ipc::builder();
    let result = tauri::Builder::default()
        // The native save dialog, for the commands' "Save as…" (src/save_as.rs). The window
        // is granted none of the plugin's own commands: only Rust opens a dialog.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            tauri::async_runtime::spawn_blocking(move || {
                let backend = app.state::<Backend>();
                let session = backend.session().ok();
                responder.respond(media::respond(session.as_deref(), &request));
            });
        })
        .setup(move |app| {
            builder.mount_events(app);
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            app.manage(Backend::opening());
            app.manage(notification_command::DesktopNotifications::default());
            // The store opens off the main thread, so the window is up (and says so) while
            // a large store upgrades; the pipelines start once it is open.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn_blocking(move || {
                let backend = handle.state::<Backend>();
                backend.open_from_env(now);
                match backend.session() {
                    Ok(s) => {
                        tracing::info!(data_dir = %s.data_dir().path().display(), "store open")
                    }
                    Err(e) => tracing::error!(code = ?e.code, "{}", e.message),
                }
                tauri::async_runtime::spawn(Backend::start(handle.clone()));
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("Groupline could not start: {e}");
            eprintln!("groupline-desktop: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            let backend = app.state::<Backend>();
            tauri::async_runtime::block_on(backend.shutdown());
        }
    });
}
