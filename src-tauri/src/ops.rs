//! What each command does, as plain functions over a [`Session`] (or an [`Engine`]), so
//! they are tested with a temporary data directory and no window. Each is one engine call
//! plus the conversion to the IPC shapes; the commands in [`crate::commands`] only move
//! them off the async threads.

use base64::Engine as _;
use engine::outbound::compose::{Attachment, Audience, Draft};
use engine::store::{
    ContactId, ContactQuery, MessageId, MessageQuery, SearchQuery, ThreadId, ThreadListQuery,
};
use engine::{Engine, Session};

use crate::IpcError;
use crate::dto::{
    ContactInput, ContactPage, Message, MessagePage, NewerMessages, OutgoingAttachment, Recipients,
    SearchResults, SendRequest, Sent, ThreadPage, ThreadSummary, ThreadView, ThreadViewAt,
};

/// At most this many attachments in one message.
pub const MAX_ATTACHMENTS: usize = 10;
/// At most this many bytes in one attachment (carriers take far less; the engine
/// downscales images to fit).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// At most this many bytes of attachments in one message.
pub const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;
/// Longest file name kept.
const MAX_FILE_NAME_CHARS: usize = 120;

fn limit(requested: Option<u32>, default: usize) -> usize {
    requested.map_or(default, |l| l as usize)
}

/// Marks the participants who opted out, from the consent ledger.
fn with_consent(session: &Session, mut thread: ThreadSummary) -> Result<ThreadSummary, IpcError> {
    for p in &mut thread.participants {
        p.opted_out = session.consent_status(&p.address)? == engine::store::ConsentStatus::OptedOut;
    }
    Ok(thread)
}

pub fn list_threads(
    session: &Session,
    archived: bool,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<ThreadPage, IpcError> {
    let mut page: ThreadPage = session
        .threads(&ThreadListQuery {
            archived,
            limit: limit(page_size, 50),
            after,
        })?
        .into();
    page.items = page
        .items
        .into_iter()
        .map(|t| with_consent(session, t))
        .collect::<Result<_, _>>()?;
    Ok(page)
}

pub fn open_thread(
    session: &Session,
    thread_id: i64,
    before: Option<String>,
    page_size: Option<u32>,
) -> Result<ThreadView, IpcError> {
    let mut view: ThreadView = session
        .thread(
            ThreadId(thread_id),
            &MessageQuery {
                limit: limit(page_size, 50),
                before,
            },
        )?
        .into();
    view.thread = with_consent(session, view.thread)?;
    Ok(view)
}

/// The thread and the messages around `message_id` (a search hit), for opening it there.
pub fn open_thread_at(
    session: &Session,
    thread_id: i64,
    message_id: i64,
    page_size: Option<u32>,
) -> Result<ThreadViewAt, IpcError> {
    let around = session.messages_around(
        ThreadId(thread_id),
        MessageId(message_id),
        limit(page_size, 50),
    )?;
    Ok(ThreadViewAt {
        thread: thread_summary(session, thread_id)?,
        messages: MessagePage {
            items: around.items.into_iter().map(Into::into).collect(),
            next: around.older,
        },
        has_newer: around.has_newer,
    })
}

/// The page of `thread_id`'s messages just newer than `after_message_id`.
pub fn newer_messages(
    session: &Session,
    thread_id: i64,
    after_message_id: i64,
    page_size: Option<u32>,
) -> Result<NewerMessages, IpcError> {
    Ok(session
        .messages_newer(
            ThreadId(thread_id),
            MessageId(after_message_id),
            limit(page_size, 50),
        )?
        .into())
}

pub fn thread_summary(session: &Session, thread_id: i64) -> Result<ThreadSummary, IpcError> {
    with_consent(session, session.thread_summary(ThreadId(thread_id))?.into())
}

pub fn message(session: &Session, message_id: i64) -> Result<Message, IpcError> {
    Ok(session.message(MessageId(message_id))?.into())
}

pub fn mark_thread_read(session: &Session, thread_id: i64) -> Result<(), IpcError> {
    Ok(session.write(|w| w.mark_thread_read(ThreadId(thread_id)))?)
}

pub fn set_thread_pinned(session: &Session, thread_id: i64, on: bool) -> Result<(), IpcError> {
    Ok(session.write(|w| w.set_thread_pinned(ThreadId(thread_id), on))?)
}

pub fn set_thread_archived(session: &Session, thread_id: i64, on: bool) -> Result<(), IpcError> {
    Ok(session.write(|w| w.set_thread_archived(ThreadId(thread_id), on))?)
}

pub fn set_thread_muted(session: &Session, thread_id: i64, on: bool) -> Result<(), IpcError> {
    Ok(session.write(|w| w.set_thread_muted(ThreadId(thread_id), on))?)
}

pub fn rename_thread(
    session: &Session,
    thread_id: i64,
    title: Option<String>,
) -> Result<(), IpcError> {
    Ok(session.write(|w| w.set_thread_title(ThreadId(thread_id), title.as_deref()))?)
}

pub fn search(
    session: &Session,
    text: String,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<SearchResults, IpcError> {
    Ok(session
        .search(&SearchQuery {
            text,
            limit: limit(page_size, 30),
            after,
        })?
        .into())
}

pub fn list_contacts(
    session: &Session,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<ContactPage, IpcError> {
    Ok(session
        .contacts(&ContactQuery {
            limit: limit(page_size, 100),
            after,
        })?
        .into())
}

fn check_contact(input: &ContactInput) -> Result<(), IpcError> {
    if input.display_name.trim().is_empty() {
        return Err(IpcError::invalid("a contact needs a name"));
    }
    if input.numbers.iter().all(|n| n.trim().is_empty()) {
        return Err(IpcError::invalid("a contact needs at least one number"));
    }
    Ok(())
}

/// Adds a contact; returns its id.
pub fn add_contact(session: &Session, input: ContactInput, now: i64) -> Result<i64, IpcError> {
    check_contact(&input)?;
    Ok(session.write(|w| w.add_contact(&input.as_store(), now))?.0)
}

pub fn update_contact(
    session: &Session,
    contact_id: i64,
    input: ContactInput,
    now: i64,
) -> Result<(), IpcError> {
    check_contact(&input)?;
    Ok(session.write(|w| w.update_contact(ContactId(contact_id), &input.as_store(), now))?)
}

/// A file name as shown and sent: its last path component, without control characters,
/// at most [`MAX_FILE_NAME_CHARS`] characters.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let name = name.trim().trim_start_matches('.').trim();
    if name.is_empty() {
        "attachment".to_owned()
    } else {
        name.to_owned()
    }
}

/// Decodes and bounds the attachments (sizes are checked before memory is spent).
pub fn decode_attachments(list: &[OutgoingAttachment]) -> Result<Vec<Attachment>, IpcError> {
    if list.len() > MAX_ATTACHMENTS {
        return Err(IpcError::invalid(format!(
            "at most {MAX_ATTACHMENTS} attachments per message"
        )));
    }
    let mut total = 0usize;
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let name = clean_file_name(&a.file_name);
        let estimate = a.data_base64.len() / 4 * 3;
        if estimate > MAX_ATTACHMENT_BYTES + 3 {
            return Err(IpcError::invalid(format!(
                "{name} is larger than {} MiB",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.data_base64.as_bytes())
            .map_err(|_| IpcError::invalid(format!("{name} could not be read")))?;
        if bytes.is_empty() {
            return Err(IpcError::invalid(format!("{name} is empty")));
        }
        total += bytes.len();
        if total > MAX_TOTAL_BYTES {
            return Err(IpcError::invalid(format!(
                "the attachments are larger than {} MiB together",
                MAX_TOTAL_BYTES / (1024 * 1024)
            )));
        }
        out.push(Attachment {
            file_name: name,
            bytes,
        });
    }
    Ok(out)
}

/// The engine's draft for a request.
pub fn draft(request: SendRequest) -> Result<Draft, IpcError> {
    let attachments = decode_attachments(&request.attachments)?;
    if request.text.trim().is_empty() && attachments.is_empty() {
        return Err(IpcError::invalid("write something or attach a file"));
    }
    let audience = match request.to {
        Recipients::Thread { thread_id } => Audience::Thread(ThreadId(thread_id)),
        Recipients::Group { numbers } => Audience::People(numbers),
        Recipients::Individual { numbers } => Audience::Broadcast(numbers),
    };
    Ok(Draft {
        audience,
        text: request.text,
        subject: None,
        attachments,
    })
}

/// Requeues a message's failed recipients; answers how many.
pub async fn retry(engine: &Engine, message_id: i64) -> Result<u32, IpcError> {
    let requeued = engine.retry(MessageId(message_id)).await?;
    Ok(u32::try_from(requeued).unwrap_or(u32::MAX))
}

/// Writes the message durably and wakes the outbox.
pub async fn send(engine: &Engine, request: SendRequest) -> Result<Sent, IpcError> {
    let urgent = request
        .urgent_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if request.urgent_reason.is_some() && urgent.is_none() {
        return Err(IpcError::invalid("say why this message must go now"));
    }
    let draft = draft(request)?;
    let composed = match urgent {
        Some(reason) => engine.send_urgent(draft, reason).await?,
        None => engine.send(draft).await?,
    };
    Ok(Sent {
        thread_id: composed.thread_id.0,
        message_id: composed.message_id.0,
        skipped_opted_out: composed.skipped_opted_out,
        scheduled_at: composed.scheduled_at,
        without_opt_in: composed.without_opt_in,
        footer_appended: composed.footer_appended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::ErrorCode;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn file_names_lose_their_paths_and_control_characters() {
        assert_eq!(clean_file_name("/etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_file_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_file_name("../.."), "attachment");
        assert_eq!(clean_file_name(".hidden"), "hidden");
        assert_eq!(clean_file_name(""), "attachment");
        assert_eq!(clean_file_name(&"x".repeat(500)).chars().count(), 120);
    }

    #[test]
    fn attachments_are_bounded_before_decoding() {
        let ok = decode_attachments(&[OutgoingAttachment {
            file_name: "dir/card.vcf".into(),
            data_base64: b64(b"BEGIN:VCARD"),
        }])
        .unwrap();
        assert_eq!(ok[0].file_name, "card.vcf");
        assert_eq!(ok[0].bytes, b"BEGIN:VCARD");

        let huge = OutgoingAttachment {
            file_name: "big.bin".into(),
            data_base64: "A".repeat((MAX_ATTACHMENT_BYTES / 3 + 10) * 4),
        };
        let err = decode_attachments(&[huge]).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("big.bin"), "{}", err.message);

        let junk = OutgoingAttachment {
            file_name: "x.png".into(),
            data_base64: "not base64!".into(),
        };
        assert_eq!(
            decode_attachments(&[junk]).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let many: Vec<_> = (0..=MAX_ATTACHMENTS)
            .map(|i| OutgoingAttachment {
                file_name: format!("{i}.txt"),
                data_base64: b64(b"hi"),
            })
            .collect();
        assert!(decode_attachments(&many).is_err());
    }

    #[test]
    fn threads_say_who_opted_out() {
        use engine::store::{ConsentKind, Evidence};
        let dir = tempfile::tempdir().unwrap();
        let data = engine::DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        let thread = session
            .write(|w| {
                let t = w.resolve_thread(["2025550155", "2025550166"], 1)?;
                w.record_consent(
                    "2025550166",
                    ConsentKind::OptOut,
                    "keyword",
                    &Evidence::Text("Stop.".into()),
                    None,
                    2,
                )?;
                Ok(t.id)
            })
            .unwrap();
        let opted = |t: &ThreadSummary| {
            t.participants
                .iter()
                .filter(|p| p.opted_out)
                .map(|p| p.address.clone())
                .collect::<Vec<_>>()
        };
        let page = list_threads(&session, false, None, None).unwrap();
        assert_eq!(opted(&page.items[0]), vec!["+12025550166".to_owned()]);
        let one = thread_summary(&session, thread.0).unwrap();
        assert_eq!(opted(&one), vec!["+12025550166".to_owned()]);
        let view = open_thread(&session, thread.0, None, None).unwrap();
        assert_eq!(opted(&view.thread), vec!["+12025550166".to_owned()]);
    }

    #[test]
    fn an_empty_message_is_refused_and_recipients_map_to_audiences() {
        let empty = SendRequest {
            to: Recipients::Thread { thread_id: 1 },
            text: "  \n".into(),
            attachments: vec![],
            urgent_reason: None,
        };
        assert_eq!(draft(empty).unwrap_err().code, ErrorCode::InvalidInput);
        let d = draft(SendRequest {
            to: Recipients::Individual {
                numbers: vec!["2025550111".into(), "2025550122".into()],
            },
            text: "Open house moved to 3pm".into(),
            attachments: vec![],
            urgent_reason: None,
        })
        .unwrap();
        assert!(matches!(d.audience, Audience::Broadcast(ref n) if n.len() == 2));
    }
}
