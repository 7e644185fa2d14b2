//! Adding and removing a conversation's participants.
//!
//! An MMS group cannot change its members: every handset keys the conversation on the set
//! of numbers in it. So a change of membership starts a new thread among the new set,
//! linked back to the old one as its successor (`predecessor_id`), and the UI opens it. If
//! a thread with exactly those people already exists it is reused, with its own history.
//! The same path serves "start a group without the opted-out" ([`crate::compliance_commands`]).

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use engine::Session;
use engine::outbound::compose::{MAX_BROADCAST, MAX_GROUP};
use engine::store::{ThreadId, ThreadKind};
use tauri::State;

use crate::IpcError;
use crate::backend::Backend;

/// Starts (or finds) the thread among `numbers` that continues `thread_id`, linked to it as
/// its successor; answers its id. `numbers` are already checked.
pub(crate) fn start_successor(
    session: &Session,
    thread_id: i64,
    numbers: &[String],
    now: i64,
) -> Result<i64, IpcError> {
    Ok(session
        .write(|w| w.continue_thread(ThreadId(thread_id), numbers.iter().map(String::as_str), now))?
        .id
        .0)
}

/// The canonical (E.164) form of each of `raw`, blanks skipped and duplicates merged;
/// refuses anything that is not a phone number, naming it.
fn canonical_numbers(session: &Session, raw: &[String]) -> Result<Vec<String>, IpcError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut invalid = Vec::new();
    for r in raw.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        match session.canonical(r) {
            Ok(n) if is_phone_number(&n) => {
                if seen.insert(n.clone()) {
                    out.push(n);
                }
            }
            Ok(_) => invalid.push(r.to_owned()),
            Err(e) if e.code() == engine::ErrorCode::InvalidInput => invalid.push(r.to_owned()),
            Err(e) => return Err(e.into()),
        }
    }
    if !invalid.is_empty() {
        return Err(IpcError::invalid(format!(
            "not a phone number: {}",
            invalid.join(", ")
        )));
    }
    Ok(out)
}

/// E.164: a plus and digits (the store keeps e-mail addresses and short codes otherwise).
fn is_phone_number(canonical: &str) -> bool {
    canonical
        .strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// Continues `thread_id` with `participants` (numbers in any format): a new thread linked to
/// it, or the existing one among those people; answers its id.
pub fn continue_with(
    session: &Session,
    thread_id: i64,
    participants: &[String],
    now: i64,
) -> Result<i64, IpcError> {
    let thread = session.thread_summary(ThreadId(thread_id))?;
    let numbers = canonical_numbers(session, participants)?;
    if numbers.is_empty() {
        return Err(IpcError::invalid(
            "a conversation needs at least one person",
        ));
    }
    let max = if thread.kind == ThreadKind::Broadcast {
        MAX_BROADCAST
    } else {
        MAX_GROUP
    };
    if numbers.len() > max {
        return Err(IpcError::invalid(format!(
            "at most {max} people in one conversation"
        )));
    }
    let current: BTreeSet<&str> = thread
        .participants
        .iter()
        .map(|p| p.address.as_str())
        .collect();
    if numbers.len() == current.len() && numbers.iter().all(|n| current.contains(n.as_str())) {
        return Err(IpcError::invalid(
            "these are the people in this conversation already",
        ));
    }
    start_successor(session, thread_id, &numbers, now)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Continues a conversation with other people (added or removed): since MMS groups cannot
/// change members, a new conversation linked to this one; answers its id.
#[tauri::command]
#[specta::specta]
pub async fn continue_thread_with(
    backend: State<'_, Backend>,
    thread_id: i64,
    participants: Vec<String>,
) -> Result<i64, IpcError> {
    let session = backend.session()?;
    let now = now_ms();
    tauri::async_runtime::spawn_blocking(move || {
        continue_with(&session, thread_id, &participants, now)
    })
    .await
    .map_err(|e| IpcError::internal(format!("store worker failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::ErrorCode;

    fn session() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let data = engine::DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        (dir, session)
    }

    fn group(session: &Session) -> i64 {
        session
            .write(|w| {
                Ok(
                    w.resolve_thread(["2025550111", "2025550122", "2025550133"], 1)?
                        .id
                        .0,
                )
            })
            .unwrap()
    }

    fn people(session: &Session, id: i64) -> Vec<String> {
        let t = session.thread_summary(ThreadId(id)).unwrap();
        t.participants.into_iter().map(|p| p.address).collect()
    }

    #[test]
    fn removing_someone_starts_a_linked_successor() {
        let (_d, session) = session();
        let old = group(&session);
        let next = continue_with(
            &session,
            old,
            &["(202) 555-0111".into(), "+1 202 555 0122".into()],
            10,
        )
        .unwrap();
        assert_ne!(next, old);
        let t = session.thread_summary(ThreadId(next)).unwrap();
        assert_eq!(t.predecessor_id, Some(ThreadId(old)));
        assert_eq!(people(&session, next), ["+12025550111", "+12025550122"]);
        // The old conversation is untouched.
        assert_eq!(people(&session, old).len(), 3);
        // Asking again finds the same successor rather than a second one.
        let again = continue_with(
            &session,
            old,
            &["2025550122".into(), "2025550111".into()],
            11,
        )
        .unwrap();
        assert_eq!(again, next);
    }

    #[test]
    fn adding_someone_merges_duplicates_in_any_format() {
        let (_d, session) = session();
        let old = group(&session);
        let next = continue_with(
            &session,
            old,
            &[
                "2025550111".into(),
                "202.555.0122".into(),
                "+12025550133".into(),
                "(202) 555-0144".into(),
                " 202 555 0144 ".into(),
                "".into(),
            ],
            10,
        )
        .unwrap();
        assert_eq!(people(&session, next).len(), 4);
        assert_eq!(
            session
                .thread_summary(ThreadId(next))
                .unwrap()
                .predecessor_id,
            Some(ThreadId(old))
        );
    }

    #[test]
    fn what_cannot_be_a_conversation_is_refused() {
        let (_d, session) = session();
        let old = group(&session);
        let refuse = |numbers: Vec<String>| continue_with(&session, old, &numbers, 10).unwrap_err();
        let e = refuse(vec![
            "2025550111".into(),
            "bob@example.com".into(),
            "hello".into(),
        ]);
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("bob@example.com"), "{}", e.message);
        assert!(e.message.contains("hello"), "{}", e.message);
        assert_eq!(refuse(vec![" ".into()]).code, ErrorCode::InvalidInput);
        let same = refuse(vec![
            "2025550133".into(),
            "2025550122".into(),
            "2025550111".into(),
        ]);
        assert!(same.message.contains("already"), "{}", same.message);
        let many: Vec<String> = (0..=MAX_GROUP).map(|i| format!("20255502{i:02}")).collect();
        assert!(refuse(many).message.contains("at most 20"));
        assert_eq!(
            continue_with(&session, 9999, &["2025550111".into()], 10)
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }
}
