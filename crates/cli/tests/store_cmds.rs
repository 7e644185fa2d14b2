//! `groupline threads|show|search|contacts|paths|bench store`, run as real processes
//! against a store filled through the store's own API.

use std::path::Path;
use std::process::{Command, Output};

use engine::store::{ContactInput, Direction, MessageState, NewMessage, Store, ThreadId};

fn groupline(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_groupline"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("GROUPLINE_DATA_DIR")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// A claim thread with a named driver and a tow service, and a direct thread.
fn filled() -> (tempfile::TempDir, ThreadId, ThreadId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path(), 1).unwrap();
    let msg = |thread, author, body, at| NewMessage {
        thread_id: thread,
        direction: Direction::In,
        author,
        body,
        subject: None,
        at,
        provider_at: None,
        provider_message_id: None,
        linked_id: None,
        transaction_id: None,
        state: MessageState::Unread,
    };
    let (claim, direct) = store
        .write(|w| {
            w.add_account("main", "+16175550100", 1)?;
            w.add_contact(
                &ContactInput {
                    display_name: "Dana Driver",
                    numbers: vec!["617-555-0123"],
                    company: Some("Policyholder"),
                    tags: vec!["claim-4411"],
                    ..Default::default()
                },
                1,
            )?;
            let claim = w
                .resolve_thread(["6175550123", "6175550177", "6175550100"], 1)?
                .id;
            w.set_thread_title(claim, Some("Claim 4411"))?;
            w.add_message(&msg(
                claim,
                "6175550123",
                "Car is on Route 9, need a tow",
                1_700_000_000_000,
            ))?;
            let m = w.add_message(&NewMessage {
                direction: Direction::Out,
                state: MessageState::Queued,
                ..msg(
                    claim,
                    "6175550100",
                    "Tow truck dispatched, 20 minutes",
                    1_700_000_060_000,
                )
            })?;
            w.queue_outgoing(m.id, ["6175550123", "6175550177"], 1_700_000_060_000)?;
            let direct = w.resolve_thread(["6175550188"], 2)?.id;
            w.add_message(&msg(
                direct,
                "6175550188",
                "Are we still on for the showing?",
                1_600_000_000_000,
            ))?;
            Ok((claim, direct))
        })
        .unwrap();
    (dir, claim, direct)
}

#[test]
fn paths_names_the_data_dir_database_and_media() {
    let dir = tempfile::tempdir().unwrap();
    let text = ok(&groupline(dir.path(), &["paths"]));
    assert!(
        text.contains(&format!("data_dir\t{}", dir.path().display())),
        "{text}"
    );
    assert!(text.contains("groupline.sqlite3"), "{text}");
    let j = json(&groupline(dir.path(), &["paths", "--json"]));
    assert_eq!(
        j["media_dir"],
        dir.path().join("media").display().to_string()
    );
}

#[test]
fn threads_lists_by_activity_with_preview_unread_and_names() {
    let (dir, claim, direct) = filled();
    let j = json(&groupline(dir.path(), &["threads", "--json"]));
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], claim.0);
    assert_eq!(items[1]["id"], direct.0);
    assert_eq!(items[0]["title"], "Claim 4411");
    assert_eq!(items[0]["unread_count"], 1);
    assert_eq!(items[0]["last_preview"], "Tow truck dispatched, 20 minutes");
    assert_eq!(items[0]["participants"][0]["name"], "Dana Driver");
    assert!(j["next"].is_null());

    let page = json(&groupline(
        dir.path(),
        &["threads", "--json", "--limit", "1"],
    ));
    let cursor = page["next"].as_str().unwrap().to_owned();
    let rest = json(&groupline(
        dir.path(),
        &["threads", "--json", "--limit", "1", "--after", &cursor],
    ));
    assert_eq!(rest["items"][0]["id"], direct.0);

    let table = ok(&groupline(dir.path(), &["threads"]));
    let lines: Vec<_> = table.lines().collect();
    assert!(lines[0].starts_with("ID"), "{table}");
    assert!(
        lines[1].contains("Claim 4411") && lines[1].contains("2023-11-14"),
        "{table}"
    );
    assert!(lines[2].contains("+16175550188"), "{table}");
}

#[test]
fn show_prints_a_thread_newest_page_with_delivery_states() {
    let (dir, claim, _) = filled();
    let j = json(&groupline(
        dir.path(),
        &["show", &claim.to_string(), "--json"],
    ));
    assert_eq!(j["thread"]["title"], "Claim 4411");
    let messages = j["messages"]["items"].as_array().unwrap();
    assert_eq!(messages[0]["body"], "Tow truck dispatched, 20 minutes");
    assert_eq!(messages[0]["deliveries"].as_array().unwrap().len(), 2);
    assert_eq!(messages[0]["deliveries"][0]["state"], "queued");
    assert_eq!(messages[1]["author_name"], "Dana Driver");

    let text = ok(&groupline(dir.path(), &["show", &claim.to_string()]));
    let first = text.find("need a tow").unwrap();
    let second = text.find("Tow truck dispatched").unwrap();
    assert!(first < second, "oldest of the page first: {text}");

    let missing = groupline(dir.path(), &["show", "999"]);
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(err.trim(), "groupline: no thread with id 999");
}

#[test]
fn search_finds_messages_and_threads_with_snippets() {
    let (dir, claim, _) = filled();
    let j = json(&groupline(dir.path(), &["search", "tow", "--json"]));
    let hits = j["messages"]["items"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["thread_id"], claim.0);
    assert!(
        hits[0]["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["hit"] == true && p["text"] == "Tow"),
        "{j}"
    );
    let by_name = json(&groupline(dir.path(), &["search", "dana", "--json"]));
    assert_eq!(by_name["threads"][0]["thread_id"], claim.0);
    let by_number = json(&groupline(
        dir.path(),
        &["search", "(617) 555-0177", "--json"],
    ));
    assert_eq!(by_number["threads"][0]["thread_id"], claim.0);

    let text = ok(&groupline(dir.path(), &["search", "route"]));
    assert!(text.contains("[Route]"), "{text}");
}

#[test]
fn contacts_lists_and_finds_by_any_number_format() {
    let (dir, _, _) = filled();
    let j = json(&groupline(dir.path(), &["contacts", "--json"]));
    assert_eq!(j["items"][0]["display_name"], "Dana Driver");
    assert_eq!(j["items"][0]["numbers"][0], "+16175550123");
    for n in ["+1 (617) 555-0123", "16175550123", "tel:+16175550123"] {
        let found = json(&groupline(
            dir.path(),
            &["contacts", "--number", n, "--json"],
        ));
        assert_eq!(found["items"][0]["tags"][0], "claim-4411", "{n}");
    }
    let none = json(&groupline(
        dir.path(),
        &["contacts", "--number", "6175559999", "--json"],
    ));
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let table = ok(&groupline(dir.path(), &["contacts"]));
    assert!(
        table.contains("Dana Driver") && table.contains("Policyholder"),
        "{table}"
    );

    let bad = groupline(dir.path(), &["contacts", "--after", "nonsense"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn bench_store_builds_a_fresh_store_and_prints_median_and_p99() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("bench");
    let out = groupline(
        &target,
        &[
            "bench",
            "store",
            "--messages",
            "400",
            "--threads",
            "12",
            "--runs",
            "3",
        ],
    );
    let text = ok(&out);
    for needle in [
        "messages/s",
        "open the store",
        "thread list, first page",
        "newest 50 messages",
        "search \"tow\"",
        "vs all text stored",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(text.contains("median") && text.contains("p99"), "{text}");
    let threads = json(&groupline(
        &target,
        &["threads", "--json", "--limit", "500"],
    ));
    assert!(threads["items"].as_array().unwrap().len() >= 10);

    // A directory that already holds a store is never overwritten.
    let again = groupline(
        &target,
        &["bench", "store", "--messages", "10", "--threads", "1"],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a Groupline store"));
}
