//! The IPC surface, declared once. `ui/src/lib/bindings.ts` is generated from it:
//! `make bindings` rewrites the file, and a test fails while the committed copy is stale.

use specta_typescript::Typescript;
use tauri_specta::{Builder, collect_commands, collect_events};

use crate::commands;
use crate::compliance_commands;
use crate::events::EngineEvents;
use crate::{notification_command, participants_command, size_meter_command};

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

/// Every command the UI may call, in the order of [`COMMANDS`]. Adding one here also needs
/// its name in `build.rs` (the app manifest) and a grant in
/// `capabilities/main-window.json`; a test checks all three agree.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::store_state,
            commands::app_status,
            commands::list_threads,
            commands::open_thread,
            commands::open_thread_at,
            commands::newer_messages,
            commands::thread_summary,
            commands::get_message,
            commands::send_message,
            commands::retry_message,
            commands::mark_thread_read,
            commands::set_thread_pinned,
            commands::set_thread_archived,
            commands::set_thread_muted,
            commands::rename_thread,
            commands::search,
            commands::list_contacts,
            commands::add_contact,
            commands::update_contact,
            commands::get_settings,
            commands::save_profile,
            commands::use_provider,
            commands::set_default_region,
            commands::test_connection,
            commands::save_media,
            commands::open_media,
            compliance_commands::preflight_send,
            compliance_commands::consent_ledger,
            compliance_commands::consent_history,
            compliance_commands::consent_statuses,
            compliance_commands::record_opt_in_consent,
            compliance_commands::export_consent_csv,
            compliance_commands::import_consent_csv,
            compliance_commands::start_group_without_opted_out,
            size_meter_command::size_meter,
            participants_command::continue_thread_with,
            notification_command::show_desktop_notification,
        ])
        .events(collect_events![EngineEvents])
        // Row ids and millisecond timestamps are i64 in Rust; both stay far below 2^53,
        // so they cross as plain numbers.
        .dangerously_cast_bigints_to_number()
        // The IPC types are one-way (results serialize, requests deserialize): one
        // TypeScript type each, not a serialize/deserialize pair.
        .disable_serde_phases()
}

/// The commands' names as Tauri knows them (the manifest in `build.rs` lists the same).
pub const COMMANDS: &[&str] = &[
    "store_state",
    "app_status",
    "list_threads",
    "open_thread",
    "open_thread_at",
    "newer_messages",
    "thread_summary",
    "get_message",
    "send_message",
    "retry_message",
    "mark_thread_read",
    "set_thread_pinned",
    "set_thread_archived",
    "set_thread_muted",
    "rename_thread",
    "search",
    "list_contacts",
    "add_contact",
    "update_contact",
    "get_settings",
    "save_profile",
    "use_provider",
    "set_default_region",
    "test_connection",
    "save_media",
    "open_media",
    "preflight_send",
    "consent_ledger",
    "consent_history",
    "consent_statuses",
    "record_opt_in_consent",
    "export_consent_csv",
    "import_consent_csv",
    "start_group_without_opted_out",
    "size_meter",
    "continue_thread_with",
    "show_desktop_notification",
];

/// The TypeScript exporter with the project's settings.
pub fn typescript() -> Typescript {
    Typescript::default()
}
