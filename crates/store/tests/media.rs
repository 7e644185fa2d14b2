//! Media files: content-addressed, durable before their row, and swept when no row names
//! them, including after a crash between writing a file and committing its row.

mod fixture;

use std::time::{Duration, SystemTime};

use store::{NewPart, Store, StoreError};

fn far_future() -> SystemTime {
    SystemTime::now() + Duration::from_secs(3600)
}

fn media_files(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for shard in std::fs::read_dir(store.media_dir()).unwrap() {
        let shard = shard.unwrap().path();
        for f in std::fs::read_dir(&shard).unwrap() {
            out.push(
                f.unwrap()
                    .path()
                    .strip_prefix(store.media_dir())
                    .unwrap()
                    .display()
                    .to_string(),
            );
        }
    }
    out.sort();
    out
}

fn part(bytes: &[u8]) -> NewPart<'_> {
    NewPart {
        bytes,
        declared_type: None,
        file_name: Some("a.bin"),
        thumbnail: None,
    }
}

#[test]
fn a_crash_between_file_and_row_leaves_an_orphan_the_sweep_removes_once() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let m = fixture::say(&mut f.store, t, "6175550123", "photos", 1);
    let kept = f
        .store
        .write(|w| w.add_part(m, &part(b"kept bytes")))
        .unwrap();
    let _ = kept;
    // The "crash": the file is written and renamed into place, then the transaction never
    // commits (the process dies; here the write fails after the file is down).
    let err = f
        .store
        .write(|w| {
            w.add_part(m, &part(b"orphan bytes"))?;
            Err::<(), _>(StoreError::NoParticipants)
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NoParticipants));
    assert_eq!(media_files(&f.store).len(), 2, "the orphan file is on disk");
    let dir = f.dir.path().to_path_buf();
    drop(f.store);

    // Restart: the sweep finds the file no row names, and only that one.
    let store = Store::open_in(&dir, 2).unwrap();
    let spared = store.sweep_media(SystemTime::UNIX_EPOCH).unwrap();
    assert_eq!(
        (spared.removed, spared.kept),
        (0, 1),
        "recent files are spared"
    );
    let report = store.sweep_media(far_future()).unwrap();
    assert_eq!((report.removed, report.kept), (1, 1));
    let files = media_files(&store);
    assert_eq!(files.len(), 1);
    let page = store.messages(t, &Default::default()).unwrap();
    let sha = &page.items[0].parts[0].sha256;
    assert!(files[0].ends_with(sha.as_str()));
    assert_eq!(std::fs::read(store.media_file(sha)).unwrap(), b"kept bytes");
    // A second sweep has nothing left to do: nothing is counted twice.
    let again = store.sweep_media(far_future()).unwrap();
    assert_eq!((again.removed, again.kept), (0, 1));
}

#[test]
fn the_same_content_is_one_file_referenced_by_rows_not_by_a_counter() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let a = fixture::say(&mut f.store, t, "6175550123", "one", 1);
    let b = fixture::say(&mut f.store, t, "6175550123", "two", 2);
    // An orphan of the same content left by an earlier crash, then the real writes.
    let _ = f.store.write(|w| {
        w.add_part(a, &part(b"same"))?;
        Err::<(), _>(StoreError::NoParticipants)
    });
    f.store.write(|w| w.add_part(a, &part(b"same"))).unwrap();
    f.store.write(|w| w.add_part(b, &part(b"same"))).unwrap();
    assert_eq!(media_files(&f.store).len(), 1);

    f.store.write(|w| w.delete_message(a)).unwrap();
    let r = f.store.sweep_media(far_future()).unwrap();
    assert_eq!((r.removed, r.kept), (0, 1), "still named by b's part");
    f.store.write(|w| w.delete_message(b)).unwrap();
    let r = f.store.sweep_media(far_future()).unwrap();
    assert_eq!((r.removed, r.kept), (1, 0));
    assert!(media_files(&f.store).is_empty());
    let thread = f.store.thread(t).unwrap();
    assert_eq!((thread.message_count, thread.last_preview), (0, None));
}

#[test]
fn stale_temp_files_are_swept() {
    let f = fixture::store();
    let tmp = f.store.media_dir().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("half-written"), b"x").unwrap();
    let r = f.store.sweep_media(far_future()).unwrap();
    assert_eq!(r.removed_temp, 1);
}
