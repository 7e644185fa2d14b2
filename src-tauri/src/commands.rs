//! The commands the UI can invoke. Each is one call into [`crate::ops`], run off the async
//! threads because the store does blocking I/O.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use engine::Session;
use tauri::{State, WebviewWindow};

use crate::IpcError;
use crate::backend::Backend;
use crate::dto::{
    ContactInput, ContactPage, DesktopStatus, Message, NewerMessages, SearchResults, SendRequest,
    Sent, StoreState, ThreadPage, ThreadSummary, ThreadView, ThreadViewAt,
};
use crate::save_as::{self, SavedFile};
use crate::settings::{self, ConnectionTest, ProfileInput, SettingsView};
use crate::{media, ops};

/// Runs `f` on the session on a blocking thread.
async fn blocking<T: Send + 'static>(
    backend: &Backend,
    f: impl FnOnce(&Session) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    let session: Arc<Session> = backend.session()?;
    tauri::async_runtime::spawn_blocking(move || f(&session))
        .await
        .map_err(|e| IpcError::internal(format!("store worker failed: {e}")))?
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Whether the message store is open yet (the window shows an upgrade screen meanwhile).
#[tauri::command]
#[specta::specta]
pub fn store_state(backend: State<'_, Backend>) -> StoreState {
    backend.store_state()
}

/// The app version, data directory, store schema version, and whether the pipelines run
/// (on the demo provider or not).
#[tauri::command]
#[specta::specta]
pub async fn app_status(backend: State<'_, Backend>) -> Result<DesktopStatus, IpcError> {
    let status = blocking(&backend, |s| Ok(s.status()?)).await?;
    let (engine, demo) = backend.engine_state();
    Ok(DesktopStatus {
        version: status.version,
        data_dir: status.data_dir,
        schema_version: status.schema_version,
        demo,
        engine,
    })
}

/// A page of the inbox (or the archive): pinned first, then most recent.
#[tauri::command]
#[specta::specta]
pub async fn list_threads(
    backend: State<'_, Backend>,
    archived: bool,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<ThreadPage, IpcError> {
    blocking(&backend, move |s| {
        ops::list_threads(s, archived, after, page_size)
    })
    .await
}

/// A thread's header and a page of its messages, newest first; `before` is the previous
/// page's `next` to read older ones.
#[tauri::command]
#[specta::specta]
pub async fn open_thread(
    backend: State<'_, Backend>,
    thread_id: i64,
    before: Option<String>,
    page_size: Option<u32>,
) -> Result<ThreadView, IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| {
        ops::open_thread(s, id, before, page_size)
    })
    .await
}

/// A thread's header and the page of messages around one of them (a search hit), newest
/// first: `messages.next` reads older ones, `has_newer` says the newest are not in it.
#[tauri::command]
#[specta::specta]
pub async fn open_thread_at(
    backend: State<'_, Backend>,
    thread_id: i64,
    message_id: i64,
    page_size: Option<u32>,
) -> Result<ThreadViewAt, IpcError> {
    blocking(&backend, move |s| {
        ops::open_thread_at(s, thread_id, message_id, page_size)
    })
    .await
}

/// The messages just newer than `after_message_id`, newest first: scrolling down in a
/// thread opened at a search hit.
#[tauri::command]
#[specta::specta]
pub async fn newer_messages(
    backend: State<'_, Backend>,
    thread_id: i64,
    after_message_id: i64,
    page_size: Option<u32>,
) -> Result<NewerMessages, IpcError> {
    blocking(&backend, move |s| {
        ops::newer_messages(s, thread_id, after_message_id, page_size)
    })
    .await
}

/// One thread's row (to refresh the list when an event names it).
#[tauri::command]
#[specta::specta]
pub async fn thread_summary(
    backend: State<'_, Backend>,
    thread_id: i64,
) -> Result<ThreadSummary, IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| ops::thread_summary(s, id)).await
}

/// One message with its parts and delivery states.
#[tauri::command]
#[specta::specta]
pub async fn get_message(
    backend: State<'_, Backend>,
    message_id: i64,
) -> Result<Message, IpcError> {
    let id = message_id;
    blocking(&backend, move |s| ops::message(s, id)).await
}

/// Writes a message (durably, before anything is sent) and wakes the outbox.
#[tauri::command]
#[specta::specta]
pub async fn send_message(
    backend: State<'_, Backend>,
    request: SendRequest,
) -> Result<Sent, IpcError> {
    let engine = backend.engine().await?;
    ops::send(&engine, request).await
}

/// Sends a message again to its recipients whose delivery failed, expired or was
/// rejected (not to anyone who opted out since); answers how many were queued.
#[tauri::command]
#[specta::specta]
pub async fn retry_message(backend: State<'_, Backend>, message_id: i64) -> Result<u32, IpcError> {
    let engine = backend.engine().await?;
    ops::retry(&engine, message_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn mark_thread_read(backend: State<'_, Backend>, thread_id: i64) -> Result<(), IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| ops::mark_thread_read(s, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_thread_pinned(
    backend: State<'_, Backend>,
    thread_id: i64,
    pinned: bool,
) -> Result<(), IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| ops::set_thread_pinned(s, id, pinned)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_thread_archived(
    backend: State<'_, Backend>,
    thread_id: i64,
    archived: bool,
) -> Result<(), IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| ops::set_thread_archived(s, id, archived)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_thread_muted(
    backend: State<'_, Backend>,
    thread_id: i64,
    muted: bool,
) -> Result<(), IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| ops::set_thread_muted(s, id, muted)).await
}

/// Renames a thread; `null` or blank shows the participants' names again.
#[tauri::command]
#[specta::specta]
pub async fn rename_thread(
    backend: State<'_, Backend>,
    thread_id: i64,
    title: Option<String>,
) -> Result<(), IpcError> {
    let id = thread_id;
    blocking(&backend, move |s| ops::rename_thread(s, id, title)).await
}

/// Full-text search over names, numbers and message text.
#[tauri::command]
#[specta::specta]
pub async fn search(
    backend: State<'_, Backend>,
    text: String,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<SearchResults, IpcError> {
    blocking(&backend, move |s| ops::search(s, text, after, page_size)).await
}

/// The provider configuration as the Settings panel shows it.
#[tauri::command]
#[specta::specta]
pub async fn get_settings(backend: State<'_, Backend>) -> Result<SettingsView, IpcError> {
    blocking(&backend, settings::settings).await
}

/// Adds or replaces a provider profile (its password to the secret store).
#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    backend: State<'_, Backend>,
    profile: ProfileInput,
) -> Result<SettingsView, IpcError> {
    blocking(&backend, move |s| settings::save_profile(s, profile)).await
}

/// Chooses the provider profile (`demo` for the embedded demo) used from the next start.
#[tauri::command]
#[specta::specta]
pub async fn use_provider(
    backend: State<'_, Backend>,
    name: String,
) -> Result<SettingsView, IpcError> {
    blocking(&backend, move |s| settings::use_provider(s, name)).await
}

/// Sets the region numbers without a country code are read in.
#[tauri::command]
#[specta::specta]
pub async fn set_default_region(
    backend: State<'_, Backend>,
    region: String,
) -> Result<SettingsView, IpcError> {
    blocking(&backend, move |s| settings::set_default_region(s, region)).await
}

/// Proves a profile's endpoint and credentials answer, sending nothing billable.
#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    backend: State<'_, Backend>,
    name: String,
) -> Result<ConnectionTest, IpcError> {
    let session = backend.session()?;
    settings::test_connection(&session, name).await
}

/// "Save as…" for a stored media file: asks where (the native dialog, opening in Downloads
/// with the file's own name) and copies it there; `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_media(
    window: WebviewWindow,
    backend: State<'_, Backend>,
    sha256: String,
    file_name: String,
) -> Result<Option<SavedFile>, IpcError> {
    let dialog = media::save_dialog(&file_name, save_as::downloads(&window)?);
    // A name that is not a stored file is refused before the user is asked anything.
    let asked = sha256.clone();
    blocking(&backend, move |s| media::stored_file(s, &asked).map(drop)).await?;
    let Some(target) = save_as::choose(&window, &dialog).await? else {
        return Ok(None);
    };
    blocking(&backend, move |s| media::save_copy(s, &sha256, &target))
        .await
        .map(Some)
}

/// Opens a received file in the desktop's own app for its kind (a PDF viewer, the address
/// book). Only kinds such an app views rather than runs are opened; see `open_media`.
#[tauri::command]
#[specta::specta]
pub async fn open_media(
    app: tauri::AppHandle,
    backend: State<'_, Backend>,
    sha256: String,
    file_name: String,
) -> Result<(), IpcError> {
    use tauri::Manager;
    let cache = app.path().app_cache_dir().map_err(|e| {
        IpcError::new(
            engine::ErrorCode::SaveFailed,
            format!("no folder for a copy to open: {e}"),
        )
    })?;
    let path = blocking(&backend, move |s| {
        crate::open_media::prepare(s, &sha256, &file_name, &cache)
    })
    .await?;
    tauri_plugin_opener::open_path(&path, None::<&str>).map_err(|e| {
        IpcError::new(
            engine::ErrorCode::MediaUnavailable,
            format!("no app on this computer opened {}: {e}", path.display()),
        )
    })
}

/// A page of contacts by name.
#[tauri::command]
#[specta::specta]
pub async fn list_contacts(
    backend: State<'_, Backend>,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<ContactPage, IpcError> {
    blocking(&backend, move |s| ops::list_contacts(s, after, page_size)).await
}

/// Adds a contact; answers its id.
#[tauri::command]
#[specta::specta]
pub async fn add_contact(
    backend: State<'_, Backend>,
    contact: ContactInput,
) -> Result<i64, IpcError> {
    let now = now_ms();
    blocking(&backend, move |s| ops::add_contact(s, contact, now)).await
}

/// Replaces a contact's name, numbers, company, notes and tags.
#[tauri::command]
#[specta::specta]
pub async fn update_contact(
    backend: State<'_, Backend>,
    contact_id: i64,
    contact: ContactInput,
) -> Result<(), IpcError> {
    let id = contact_id;
    let now = now_ms();
    blocking(&backend, move |s| ops::update_contact(s, id, contact, now)).await
}
