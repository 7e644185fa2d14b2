//! Desktop notifications through the freedesktop Notifications service on the session bus,
//! which GNOME, KDE, XFCE, dunst and mako all serve, with a click that opens the thread.
//!
//! Why not the alternatives: WebKitGTK's `Notification` asks the embedder for permission and
//! wry never grants it, and notify-rust (under tauri-plugin-notification) only reports a
//! click to a thread blocked on each notification until it closes. Here one thread owns a
//! private bus connection: it sends `Notify` calls and hears `ActionInvoked` and
//! `NotificationClosed` for all of them, so a click is a lookup from the notification's id
//! to its thread.
//!
//! Everything shown comes from the network. Servers that advertise `body-markup` read the
//! body as a subset of HTML, so the body is escaped for them: a message saying `<b>` shows
//! `<b>`, and a message can never smuggle in a link or an image.

use std::collections::{HashMap, VecDeque};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use dbus::arg::PropMap;
use dbus::blocking::Connection;
use dbus::message::MatchRule;

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
/// The action a server invokes when the notification itself is clicked.
const DEFAULT_ACTION: &str = "default";
/// How long one call to the service may take before the notification is given up.
const CALL_TIMEOUT: Duration = Duration::from_secs(2);
/// How often the bus thread looks for work between incoming signals.
const TICK: Duration = Duration::from_millis(50);
/// Notifications whose click is still remembered; older ones open nothing.
const REMEMBERED: usize = 256;

/// What one notification says, and the thread a click on it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub thread_id: i64,
    pub title: String,
    pub body: String,
}

/// Why a notification was not shown. The caller falls back to its in-window toast.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// No session bus, or the bus could not be joined.
    #[error("no desktop session bus: {0}")]
    NoBus(String),
    /// The bus answered, but no notification service did (or it refused the call).
    #[error("the desktop notification service did not answer: {0}")]
    Service(String),
    /// The bus thread has stopped (the connection dropped).
    #[error("the desktop notification connection closed")]
    Closed,
}

type ClickHandler = Box<dyn Fn(i64) + Send + 'static>;

struct Request {
    notice: Notice,
    reply: mpsc::SyncSender<Result<u32, NotifyError>>,
}

/// A connection to the notification service, owned by one background thread.
pub struct DesktopNotifier {
    requests: mpsc::Sender<Request>,
}

impl DesktopNotifier {
    /// Joins the user's session bus (`DBUS_SESSION_BUS_ADDRESS`).
    pub fn session(on_click: impl Fn(i64) + Send + 'static) -> Result<Self, NotifyError> {
        Self::start(Connection::new_session, Box::new(on_click))
    }

    /// Joins the bus at `address` (tests run their own bus).
    pub fn at(address: &str, on_click: impl Fn(i64) + Send + 'static) -> Result<Self, NotifyError> {
        let address = address.to_owned();
        Self::start(
            move || Connection::new_address(&address),
            Box::new(on_click),
        )
    }

    fn start(
        connect: impl FnOnce() -> Result<Connection, dbus::Error> + Send + 'static,
        on_click: ClickHandler,
    ) -> Result<Self, NotifyError> {
        let (requests, incoming) = mpsc::channel::<Request>();
        let (ready, started) = mpsc::sync_channel(1);
        thread::Builder::new()
            .name("desktop-notifications".into())
            .spawn(move || match Bus::open(connect, on_click) {
                Ok(bus) => {
                    let _ = ready.send(Ok(()));
                    bus.serve(incoming);
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
            })
            .map_err(|e| NotifyError::NoBus(e.to_string()))?;
        started.recv().map_err(|_| NotifyError::Closed)??;
        Ok(Self { requests })
    }

    /// Shows `notice`; returns the service's id for it.
    pub fn show(&self, notice: Notice) -> Result<u32, NotifyError> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.requests
            .send(Request { notice, reply })
            .map_err(|_| NotifyError::Closed)?;
        answer.recv().map_err(|_| NotifyError::Closed)?
    }
}

/// Which thread each shown notification opens, forgetting the oldest past [`REMEMBERED`].
#[derive(Default)]
struct Shown {
    threads: HashMap<u32, i64>,
    order: VecDeque<u32>,
}

impl Shown {
    fn remember(&mut self, id: u32, thread_id: i64) {
        if self.threads.insert(id, thread_id).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.threads.remove(&old);
            }
        }
    }

    fn forget(&mut self, id: u32) {
        if self.threads.remove(&id).is_some() {
            self.order.retain(|x| *x != id);
        }
    }
}

struct Bus {
    conn: Connection,
    markup: bool,
    shown: Arc<Mutex<Shown>>,
}

impl Bus {
    fn open(
        connect: impl FnOnce() -> Result<Connection, dbus::Error>,
        on_click: ClickHandler,
    ) -> Result<Self, NotifyError> {
        let conn = connect().map_err(|e| NotifyError::NoBus(describe(&e)))?;
        let shown = Arc::new(Mutex::new(Shown::default()));

        let clicked = shown.clone();
        conn.add_match(
            MatchRule::new_signal(SERVICE, "ActionInvoked"),
            move |(id, action): (u32, String), _: &Connection, _: &dbus::Message| {
                if action == DEFAULT_ACTION {
                    let thread = clicked
                        .lock()
                        .ok()
                        .and_then(|s| s.threads.get(&id).copied());
                    if let Some(thread_id) = thread {
                        on_click(thread_id);
                    }
                }
                true
            },
        )
        .map_err(|e| NotifyError::NoBus(describe(&e)))?;
        let closed = shown.clone();
        conn.add_match(
            MatchRule::new_signal(SERVICE, "NotificationClosed"),
            move |(id, _reason): (u32, u32), _: &Connection, _: &dbus::Message| {
                if let Ok(mut s) = closed.lock() {
                    s.forget(id);
                }
                true
            },
        )
        .map_err(|e| NotifyError::NoBus(describe(&e)))?;

        // A service that is not running yet may be started by the bus on the first call, so
        // its absence here is not fatal: each Notify asks again.
        let markup = conn
            .with_proxy(SERVICE, PATH, CALL_TIMEOUT)
            .method_call::<(Vec<String>,), _, _, _>(SERVICE, "GetCapabilities", ())
            .map(|(caps,)| caps.iter().any(|c| c == "body-markup"))
            .unwrap_or(true);
        Ok(Self {
            conn,
            markup,
            shown,
        })
    }

    fn serve(self, requests: mpsc::Receiver<Request>) {
        loop {
            loop {
                match requests.try_recv() {
                    Ok(r) => {
                        let _ = r.reply.send(self.notify(&r.notice));
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => return,
                }
            }
            if let Err(e) = self.conn.process(TICK) {
                tracing::warn!("desktop notifications stopped: {}", describe(&e));
                return;
            }
        }
    }

    fn notify(&self, n: &Notice) -> Result<u32, NotifyError> {
        let body = if self.markup {
            escape_markup(&n.body)
        } else {
            n.body.clone()
        };
        let mut hints = PropMap::new();
        hints.insert(
            "category".into(),
            dbus::arg::Variant(Box::new("im.received".to_owned())),
        );
        hints.insert(
            "desktop-entry".into(),
            dbus::arg::Variant(Box::new("groupline".to_owned())),
        );
        let actions = vec![DEFAULT_ACTION.to_owned(), "Open".to_owned()];
        let (id,): (u32,) = self
            .conn
            .with_proxy(SERVICE, PATH, CALL_TIMEOUT)
            .method_call(
                SERVICE,
                "Notify",
                (
                    "Groupline",
                    0u32,
                    "",
                    n.title.as_str(),
                    body,
                    actions,
                    hints,
                    -1i32,
                ),
            )
            .map_err(|e| NotifyError::Service(describe(&e)))?;
        if let Ok(mut s) = self.shown.lock() {
            s.remember(id, n.thread_id);
        }
        Ok(id)
    }
}

fn describe(e: &dbus::Error) -> String {
    match (e.name(), e.message()) {
        (Some(name), Some(msg)) => format!("{name}: {msg}"),
        (Some(name), None) => name.to_owned(),
        (None, Some(msg)) => msg.to_owned(),
        (None, None) => "unknown D-Bus error".to_owned(),
    }
}

/// The body as literal text for a server that reads markup.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_to_literal_text() {
        assert_eq!(
            escape_markup(r#"<a href="x">Tom & 'Ann'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Ann&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn shown_forgets_the_oldest_past_its_bound() {
        let mut s = Shown::default();
        for id in 0..(REMEMBERED as u32 + 10) {
            s.remember(id, i64::from(id) * 10);
        }
        assert_eq!(s.threads.len(), REMEMBERED);
        assert!(!s.threads.contains_key(&9));
        assert_eq!(s.threads.get(&10), Some(&100));
        s.forget(10);
        assert!(!s.threads.contains_key(&10));
        assert_eq!(s.order.len(), REMEMBERED - 1);
    }
}
