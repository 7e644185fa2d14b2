//! Crash safety: `groupline poll` (the outbox worker and the relay poller) is killed with
//! SIGKILL at random moments while 200 messages are queued for sending and 200 inbound
//! messages arrive through a relay; after a clean final run every message is in the store
//! exactly once and every recipient got its message exactly once, except for the
//! documented window (provider accepted, store not yet told), which is measured: each such
//! duplicate must be a resend of the same TransactionID.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::spawn_serving;
use engine::store::{Direction, MessageQuery, ThreadListQuery};

const SENDS: usize = 200;
const INBOUND: usize = 200;

fn run_ok(mut cmd: Command, stdin: Option<&str>) {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn script() -> String {
    let mut s = String::from("name = \"crash\"\nour_number = \"12025550100\"\n");
    for p in 0..12 {
        s += &format!("[[cast]]\nname = \"P{p}\"\nnumber = \"120255561{p:02}\"\n");
    }
    for i in 0..INBOUND {
        let from = i % 12;
        let group = if i % 3 == 0 {
            String::new()
        } else {
            format!("\"P{}\", \"P{}\"", (from + 1) % 12, (from + 2) % 12)
        };
        s += &format!(
            "[[messages]]\nat_ms = {}\nfrom = \"P{from}\"\ngroup = [{group}]\ntext = \"in {i}\"\n",
            i * 60
        );
    }
    s
}

fn start_poller(data: &Path) -> Child {
    let mut cmd = sub(data, &["poll"]);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd.spawn().unwrap()
}

fn sub(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groupline"));
    cmd.env_remove("GROUPLINE_DATA_DIR")
        .env_remove("GROUPLINE_CONFIG")
        .env("GROUPLINE_SECRETS", "file")
        .args(args)
        .arg("--data-dir")
        .arg(data);
    cmd
}

#[test]
fn sigkill_at_random_moments_loses_nothing_and_doubles_only_in_the_window() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("app");
    let script_path = tmp.path().join("script.toml");
    std::fs::write(&script_path, script()).unwrap();

    let (mut relay, ready) = spawn_serving(
        &[
            "relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--client",
            "desk:tok",
        ],
        &tmp.path().join("relay"),
    );
    let relay_addr = ready["listening"].as_str().unwrap().to_owned();
    let (mut sim, ready) = spawn_serving(
        &[
            "sim",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--push-to",
            &format!("http://{relay_addr}/mm7"),
            "--script",
            script_path.to_str().unwrap(),
            "--dlr-delay-ms",
            "50",
            "--retry-interval-ms",
            "200",
        ],
        &tmp.path().join("sim"),
    );
    let sim_addr = ready["listening"].as_str().unwrap().to_owned();

    run_ok(
        sub(
            &data,
            &[
                "config",
                "profile",
                "add",
                "sim",
                "--endpoint",
                &format!("http://{sim_addr}/mm7"),
                "--vasp-id",
                "groupline-demo",
                "--sender",
                "12025550100",
            ],
        ),
        None,
    );
    run_ok(sub(&data, &["config", "use", "sim"]), None);
    // The test runs at any hour; quiet hours would hold every send until morning.
    run_ok(sub(&data, &["config", "set", "quiet_hours", "off"]), None);
    run_ok(
        sub(
            &data,
            &[
                "config",
                "relay",
                "remote",
                "--url",
                &format!("http://{relay_addr}"),
                "--token-stdin",
            ],
        ),
        Some("tok\n"),
    );

    let writer = open(&data);
    let mut rng = fastrand::Rng::with_seed(0x6c_7eed);
    let started = Instant::now();
    let mut queued = 0;
    let mut kills = 0;
    while queued < SENDS || started.elapsed() < Duration::from_millis(INBOUND as u64 * 60 + 500) {
        let mut poller = start_poller(&data);
        let until = Instant::now() + Duration::from_millis(rng.u64(100..1200));
        while Instant::now() < until {
            if queued < SENDS && rng.bool() {
                // Another process (the app, a script) queues while the engine runs.
                queue(&writer, queued);
                queued += 1;
            } else {
                std::thread::sleep(Duration::from_millis(rng.u64(5..25)));
            }
        }
        poller.kill().unwrap();
        poller.wait().unwrap();
        kills += 1;
    }

    // A clean run until everything has gone out and come in.
    let mut poller = start_poller(&data);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let outbox = sub(&data, &["outbox", "--json"]).output().unwrap();
        let pending: Vec<serde_json::Value> =
            serde_json::from_slice(&outbox.stdout).unwrap_or_default();
        let inbound = count_inbound(&data);
        if pending.is_empty() && inbound >= INBOUND {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not settled: {} pending, {inbound} inbound",
            pending.len()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // SIGINT: a graceful stop.
    Command::new("kill")
        .args(["-INT", &poller.id().to_string()])
        .status()
        .unwrap();
    poller.wait().unwrap();

    // Inbound: every scripted message exactly once.
    let session = open(&data);
    let (inbound, outbound) = all_messages(&session);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &inbound {
        *seen.entry(m.body.clone()).or_default() += 1;
    }
    assert_eq!(seen.len(), INBOUND, "distinct inbound messages");
    assert!(
        seen.values().all(|n| *n == 1),
        "an inbound message was stored twice"
    );

    // Outbound: every queued message in the store once, accepted by the provider.
    assert_eq!(outbound.len(), SENDS);
    for m in &outbound {
        assert_eq!(m.deliveries.len(), 1);
        assert!(
            m.deliveries[0].provider_message_id.is_some(),
            "{:?}",
            m.deliveries[0]
        );
    }

    // The simulator's log: each recipient got one accepted submit, except resends of the
    // same TransactionID after a crash in the window.
    let log = http_get_json(&sim_addr, "/sim/log");
    let mut per_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for e in log.as_array().unwrap() {
        if e["event"] == "submit" && e["status_code"] == 1000 {
            per_recipient
                .entry(e["participant"].as_str().unwrap_or_default().to_owned())
                .or_default()
                .push(e["transaction_id"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert_eq!(
        per_recipient.len(),
        SENDS,
        "every recipient got its message"
    );
    let mut window_duplicates = 0;
    for (recipient, transactions) in &per_recipient {
        if transactions.len() > 1 {
            window_duplicates += transactions.len() - 1;
            assert!(
                transactions.iter().all(|t| t == &transactions[0]),
                "{recipient} got different submits: {transactions:?}"
            );
        }
    }
    eprintln!(
        "crash test: {kills} SIGKILLs, {SENDS} sends, {INBOUND} inbound; \
         {window_duplicates} resend(s) inside the documented window"
    );
    relay.kill().unwrap();
    sim.kill().unwrap();
}

/// Writes "out N" to its own recipient into the outbox, as `groupline send --queue-only`
/// does, from this process.
fn queue(session: &engine::Session, n: usize) {
    let options = engine::LaunchOptions {
        config_file: None,
        ..Default::default()
    };
    let draft = engine::outbound::compose::Draft {
        audience: engine::outbound::compose::Audience::People(vec![format!(
            "+1202555{:04}",
            7000 + n
        )]),
        text: format!("out {n}"),
        subject: None,
        attachments: vec![],
    };
    engine::queue(session, &options, &draft, now_ms()).unwrap();
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn open(data: &Path) -> Arc<engine::Session> {
    let dir = engine::DataDir::resolve(Some(data.to_path_buf()), None).unwrap();
    Arc::new(engine::Session::open(dir, 0).unwrap())
}

fn count_inbound(data: &Path) -> usize {
    let (inbound, _) = all_messages(&open(data));
    inbound.len()
}

fn all_messages(
    session: &engine::Session,
) -> (Vec<engine::store::Message>, Vec<engine::store::Message>) {
    let (mut inbound, mut outbound) = (Vec::new(), Vec::new());
    let mut after = None;
    loop {
        let page = session
            .threads(&ThreadListQuery {
                limit: 200,
                after: after.clone(),
                ..Default::default()
            })
            .unwrap();
        for t in &page.items {
            let mut before = None;
            loop {
                let view = session
                    .thread(
                        t.id,
                        &MessageQuery {
                            limit: 200,
                            before: before.clone(),
                        },
                    )
                    .unwrap();
                for m in view.messages.items {
                    match m.direction {
                        Direction::In => inbound.push(m),
                        Direction::Out => outbound.push(m),
                    }
                }
                match view.messages.next {
                    Some(next) => before = Some(next),
                    None => break,
                }
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    (inbound, outbound)
}

/// A plain HTTP/1.0 GET on loopback (the test needs nothing more).
fn http_get_json(addr: &str, path: &str) -> serde_json::Value {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let start = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    serde_json::from_slice(&response[start..]).unwrap()
}
