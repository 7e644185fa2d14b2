//! The client side of the relay: bearer auth, reading by cursor, long polling,
//! acknowledging, and pruning what every client acknowledged after the retention.

mod fixtures;

use std::time::Duration;

use fixtures::*;
use relay::{Relay, RelayConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_read_by_cursor_and_long_poll() {
    let dir = tempfile::tempdir().unwrap();
    let relay =
        Relay::start(RelayConfig::new(dir.path().join("r.sqlite3")).with_client("desk", "t0k"))
            .await
            .unwrap();
    let base = format!("http://{}", relay.addr);
    let client = reqwest::Client::new();

    let r = client
        .get(format!("{base}/v1/entries"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client
        .get(format!("{base}/v1/entries"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let empty = entries(&client, &base, "t0k", "").await;
    assert!(empty.entries.is_empty());
    assert_eq!(empty.next_after, 0);

    // A long poll waiting on an empty stream wakes when a push is stored.
    let poll = {
        let (client, base) = (client.clone(), base.clone());
        tokio::spawn(async move { entries(&client, &base, "t0k", "after=0&wait=20").await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    post(&client, &format!("{base}/mm7"), &deliver_req("tx-1", "one")).await;
    let page = poll.await.unwrap();
    assert_eq!(page.entries.len(), 1);
    let first = &page.entries[0];
    assert_eq!(first.summary.transaction_id.as_deref(), Some("tx-1"));
    let raw = first.raw().unwrap();
    let decoded = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
    assert_eq!(decoded.envelope.transaction_id.as_deref(), Some("tx-1"));

    for i in 2..=5 {
        post(
            &client,
            &format!("{base}/mm7"),
            &delivery_report(&format!("tx-{i}"), "m"),
        )
        .await;
    }
    let page = entries(
        &client,
        &base,
        "t0k",
        &format!("after={}&limit=2", first.cursor),
    )
    .await;
    assert_eq!(page.entries.len(), 2);
    assert_eq!(page.latest, 5);
    let page = entries(&client, &base, "t0k", &format!("after={}", page.next_after)).await;
    assert_eq!(page.entries.len(), 2);
    assert_eq!(page.next_after, 5);

    // Without `after`, a client resumes from what it acknowledged.
    assert_eq!(ack(&client, &base, "t0k", 3).await, 3);
    assert_eq!(ack(&client, &base, "t0k", 2).await, 3, "never backwards");
    assert_eq!(
        ack(&client, &base, "t0k", 99).await,
        5,
        "never past the latest"
    );
    let resumed = entries(&client, &base, "t0k", "").await;
    assert!(resumed.entries.is_empty());
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_every_client_acknowledged_are_pruned_after_the_retention() {
    let dir = tempfile::tempdir().unwrap();
    let clock = manual_clock(1_000_000);
    let relay = Relay::start(
        RelayConfig::new(dir.path().join("r.sqlite3"))
            .with_client("front-desk", "a")
            .with_client("back-office", "b")
            .with_retention(Duration::from_secs(60))
            .with_clock(clock.clone()),
    )
    .await
    .unwrap();
    let base = format!("http://{}", relay.addr);
    let client = reqwest::Client::new();
    for i in 1..=4 {
        post(
            &client,
            &format!("{base}/mm7"),
            &deliver_req(&format!("tx-{i}"), "x"),
        )
        .await;
    }
    ack(&client, &base, "a", 4).await;
    ack(&client, &base, "b", 2).await;
    clock.advance(30_000);
    assert_eq!(relay.prune_now().await.unwrap(), 0, "within the retention");
    clock.advance(31_000);
    assert_eq!(
        relay.prune_now().await.unwrap(),
        2,
        "1 and 2: acknowledged by both"
    );
    ack(&client, &base, "b", 4).await;
    clock.advance(30_000);
    assert_eq!(
        relay.prune_now().await.unwrap(),
        0,
        "3 and 4 are within retention"
    );
    clock.advance(31_000);
    assert_eq!(relay.prune_now().await.unwrap(), 2);
    assert!(relay.store().read_after(0, 10).unwrap().is_empty());

    // Cursors are never reused after pruning.
    post(&client, &format!("{base}/mm7"), &deliver_req("tx-5", "x")).await;
    let page = entries(&client, &base, "b", "").await;
    assert_eq!(page.entries[0].cursor, 5);
    relay.shutdown().await;
}
