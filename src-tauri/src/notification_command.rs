//! The `show_desktop_notification` command: the UI decides that a message deserves a
//! notification (lib/notifications.svelte.ts), and this shows it on the desktop. A click
//! brings the window forward and asks the UI to open the thread.
//!
//! The bus connection is made on first use and kept. Where there is no notification
//! service (no session bus, a bare X server, another OS) the command answers `false` and
//! the UI keeps its in-window toast; that is not an error the user needs to see.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, State};

use crate::IpcError;

/// How long to wait before trying the bus again after it could not be joined.
#[cfg(target_os = "linux")]
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The app's connection to the desktop's notification service, made on first use.
#[derive(Default)]
pub struct DesktopNotifications {
    state: Mutex<BusState>,
}

#[derive(Default)]
enum BusState {
    #[default]
    NotYet,
    #[cfg(target_os = "linux")]
    Open(Arc<crate::desktop_notification::DesktopNotifier>),
    Unavailable {
        since: Instant,
    },
}

impl DesktopNotifications {
    #[cfg(target_os = "linux")]
    fn notifier(
        &self,
        app: &AppHandle,
    ) -> Option<Arc<crate::desktop_notification::DesktopNotifier>> {
        use crate::desktop_notification::DesktopNotifier;
        let mut state = self.state.lock().ok()?;
        match &*state {
            BusState::Open(n) => return Some(n.clone()),
            BusState::Unavailable { since } if since.elapsed() < RETRY_AFTER => return None,
            _ => {}
        }
        let app = app.clone();
        match DesktopNotifier::session(move |thread_id| open_from_notification(&app, thread_id)) {
            Ok(n) => {
                let n = Arc::new(n);
                *state = BusState::Open(n.clone());
                Some(n)
            }
            Err(e) => {
                tracing::info!("desktop notifications unavailable, toasts only: {e}");
                *state = BusState::Unavailable {
                    since: Instant::now(),
                };
                None
            }
        }
    }

    /// Forgets a connection that stopped, so the next notification reconnects.
    #[cfg(target_os = "linux")]
    fn closed(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = BusState::Unavailable {
                since: Instant::now() - RETRY_AFTER,
            };
        }
    }
}

/// A click: the window comes forward and the UI opens the thread.
#[cfg(target_os = "linux")]
fn open_from_notification(app: &AppHandle, thread_id: i64) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    crate::events::EngineEvents::one(crate::events::AppEvent::NotificationClicked { thread_id })
        .send(app);
}

/// Shows a desktop notification for a message in `thread_id`. `true` when the desktop
/// showed it; `false` when there is no notification service (show it in the window).
#[tauri::command]
#[specta::specta]
pub async fn show_desktop_notification(
    app: AppHandle,
    notifications: State<'_, DesktopNotifications>,
    thread_id: i64,
    title: String,
    body: String,
) -> Result<bool, IpcError> {
    #[cfg(target_os = "linux")]
    {
        use crate::desktop_notification::{Notice, NotifyError};
        let Some(notifier) = notifications.notifier(&app) else {
            return Ok(false);
        };
        let notice = Notice {
            thread_id,
            title,
            body,
        };
        let shown = tauri::async_runtime::spawn_blocking(move || notifier.show(notice))
            .await
            .map_err(|e| IpcError::internal(format!("notification worker failed: {e}")))?;
        match shown {
            Ok(_) => Ok(true),
            Err(NotifyError::Closed) => {
                notifications.closed();
                Ok(false)
            }
            Err(e) => {
                tracing::debug!("desktop notification not shown: {e}");
                Ok(false)
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (app, notifications, thread_id, title, body);
        Ok(false)
    }
}
