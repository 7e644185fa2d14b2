//! Tauri's build step, with an app manifest: only the commands listed here can be granted
//! to a window, and `capabilities/` grants them explicitly (nothing is allowed by default).
//! Keep the list equal to `ipc::COMMANDS` (a test checks it).

const COMMANDS: &[&str] = &[
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

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step failed");
}
