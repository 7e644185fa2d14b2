//! The commands the UI can invoke. Each is one engine call, run off the async threads
//! because the store does blocking I/O.

use engine::AppStatus;
use tauri::State;

use crate::IpcError;
use crate::backend::Backend;

/// The app version, data directory and store schema version, read from the open store.
#[tauri::command]
#[specta::specta]
pub async fn app_status(backend: State<'_, Backend>) -> Result<AppStatus, IpcError> {
    let session = backend.session()?;
    tauri::async_runtime::spawn_blocking(move || session.status())
        .await
        .map_err(|e| IpcError::internal(format!("status worker failed: {e}")))?
        .map_err(IpcError::from)
}
