//! Desktop notifications against a real D-Bus daemon (started for the test) and a
//! notification service of the test's own, speaking the freedesktop protocol: what is sent,
//! that markup is escaped, that a click opens the right thread and only that, and that no
//! service is an error the app can fall back from.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use dbus::Message;
use dbus::arg::PropMap;
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;
use groupline_desktop::desktop_notification::{DesktopNotifier, Notice, NotifyError};

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// A session bus of the test's own (`dbus-daemon` is one of `scripts/setup.sh --test`'s
/// packages), stopped when dropped.
struct Bus {
    daemon: Child,
    address: String,
    _config: tempfile::TempDir,
}

/// A session bus with no service directories, so nothing on this machine can be started
/// by activation in place of the test's own service.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

impl Bus {
    fn start() -> Bus {
        let config = tempfile::tempdir().expect("temp dir");
        let file = config.path().join("bus.conf");
        std::fs::write(&file, BUS_CONFIG).expect("bus config written");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", file.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon runs (scripts/setup.sh --test installs it)");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("dbus-daemon prints its address");
        Bus {
            daemon,
            address: line.trim().to_owned(),
            _config: config,
        }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// One Notify call as the service received it.
#[derive(Debug, Clone)]
struct Received {
    app: String,
    summary: String,
    body: String,
    actions: Vec<String>,
    category: Option<String>,
}

/// What the test asks the service to do: emit a signal.
enum Emit {
    Action(u32, &'static str),
    Closed(u32),
}

/// A notification service on the bus, advertising `body-markup` like GNOME's.
struct Service {
    received: Arc<Mutex<Vec<Received>>>,
    emit: mpsc::Sender<Emit>,
}

impl Service {
    fn start(address: &str) -> Service {
        let conn = Connection::new_address(address).expect("service joins the bus");
        conn.request_name(SERVICE, false, true, true)
            .expect("service takes its name");
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let mut next_id = 0u32;
        conn.start_receive(
            MatchRule::new_method_call(),
            Box::new(move |msg: Message, conn: &Connection| {
                let reply = match msg.member().as_deref() {
                    Some("GetCapabilities") => msg.method_return().append1(vec![
                        "body".to_owned(),
                        "body-markup".to_owned(),
                        "actions".to_owned(),
                    ]),
                    Some("Notify") => {
                        let (app, _replaces, _icon, summary, body, actions, hints, _timeout): (
                            String,
                            u32,
                            String,
                            String,
                            String,
                            Vec<String>,
                            PropMap,
                            i32,
                        ) = msg.read_all().expect("Notify's arguments");
                        let category = hints
                            .get("category")
                            .and_then(|v| v.0.as_str())
                            .map(str::to_owned);
                        log.lock().unwrap().push(Received {
                            app,
                            summary,
                            body,
                            actions,
                            category,
                        });
                        next_id += 1;
                        msg.method_return().append1(next_id)
                    }
                    _ => return true,
                };
                let _ = conn.send(reply);
                true
            }),
        );
        let (emit, orders) = mpsc::channel::<Emit>();
        thread::spawn(move || {
            loop {
                match orders.try_recv() {
                    Ok(order) => {
                        let signal = match order {
                            Emit::Action(id, key) => {
                                Message::new_signal(PATH, SERVICE, "ActionInvoked")
                                    .unwrap()
                                    .append2(id, key)
                            }
                            Emit::Closed(id) => {
                                Message::new_signal(PATH, SERVICE, "NotificationClosed")
                                    .unwrap()
                                    .append2(id, 2u32)
                            }
                        };
                        let _ = conn.send(signal);
                    }
                    Err(mpsc::TryRecvError::Disconnected) => return,
                    Err(mpsc::TryRecvError::Empty) => {}
                }
                if conn.process(Duration::from_millis(10)).is_err() {
                    return;
                }
            }
        });
        Service { received, emit }
    }
}

fn notice(thread_id: i64, title: &str, body: &str) -> Notice {
    Notice {
        thread_id,
        title: title.to_owned(),
        body: body.to_owned(),
    }
}

/// Waits until `clicks` holds `want` (or fails after five seconds).
fn wait_for(clicks: &Mutex<Vec<i64>>, want: &[i64]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while clicks.lock().unwrap().as_slice() != want {
        assert!(
            Instant::now() < deadline,
            "clicks were {:?}, expected {want:?}",
            clicks.lock().unwrap()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_notification_shows_literally_and_its_click_opens_its_thread() {
    let bus = Bus::start();
    let service = Service::start(&bus.address);
    let clicks = Arc::new(Mutex::new(Vec::new()));
    let seen = clicks.clone();
    let notifier = DesktopNotifier::at(&bus.address, move |thread| {
        seen.lock().unwrap().push(thread)
    })
    .expect("the notifier joins the bus");

    let first = notifier
        .show(notice(
            41,
            "Dana in Claim 4471",
            "Tow truck is <b>here</b> & waiting",
        ))
        .expect("shown");
    let second = notifier
        .show(notice(42, "Ravi", "Photos attached"))
        .expect("shown");
    assert_ne!(first, second);

    let received = service.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].app, "Groupline");
    assert_eq!(received[0].summary, "Dana in Claim 4471");
    // The service reads markup, so the message's text is escaped to show as written.
    assert_eq!(
        received[0].body,
        "Tow truck is &lt;b&gt;here&lt;/b&gt; &amp; waiting"
    );
    assert_eq!(received[0].actions, ["default", "Open"]);
    assert_eq!(received[0].category.as_deref(), Some("im.received"));

    // Another action on the first, then a click on the second: only the click opens.
    service.emit.send(Emit::Action(first, "dismiss")).unwrap();
    service.emit.send(Emit::Action(second, "default")).unwrap();
    wait_for(&clicks, &[42]);

    // A closed notification is forgotten: a late click on it opens nothing.
    service.emit.send(Emit::Closed(first)).unwrap();
    service.emit.send(Emit::Action(first, "default")).unwrap();
    service.emit.send(Emit::Action(second, "default")).unwrap();
    wait_for(&clicks, &[42, 42]);
}

#[test]
fn without_a_notification_service_showing_is_an_error_to_fall_back_from() {
    let bus = Bus::start();
    let notifier = DesktopNotifier::at(&bus.address, |_| {}).expect("the bus itself is there");
    let err = notifier
        .show(notice(1, "Dana", "hello"))
        .expect_err("nobody serves notifications on this bus");
    assert!(matches!(err, NotifyError::Service(_)), "{err:?}");

    // No bus at all is the other kind.
    let none = DesktopNotifier::at("unix:path=/nonexistent/groupline-bus", |_| {});
    assert!(matches!(none, Err(NotifyError::NoBus(_))));
}
