//! Composing: a message and its outbox jobs, written in one transaction before anything
//! is sent (the first half of "a message is never lost").
//!
//! Three audiences: an existing thread; a set of people (their group or direct thread,
//! found or created by participant key); or a broadcast ("individual texts"), which writes
//! a record in a broadcast thread and one direct copy per recipient, each in that
//! person's own thread, so replies land where the conversation with that person lives.

use store::{Direction, MessageId, MessageState, NewMessage, NewPart, ThreadId, ThreadKind};

use crate::{EngineError, Session};

/// Sinch's cap on a group (BRIEF §5); more is refused before anything is written.
pub const MAX_GROUP: usize = mm7::group::MAX_PARTICIPANTS;
/// A broadcast's cap per compose: enough for an office's mailing, small enough that a
/// slip of the paste buffer cannot text a whole contact list.
pub const MAX_BROADCAST: usize = 100;

/// Who a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Thread(ThreadId),
    /// Numbers in any format: one person is a direct thread, several a group.
    People(Vec<String>),
    /// The same text to each, as separate direct messages.
    Broadcast(Vec<String>),
}

/// A file to send, as the user picked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A message as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub audience: Audience,
    pub text: String,
    pub subject: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// How compose applies the send-time rules.
#[derive(Debug, Clone, Default)]
pub struct SendRules {
    /// Quiet hours by the recipients' local time; `None` sends at once.
    pub quiet_hours: Option<compliance::QuietPolicy>,
    /// An agent's reason to send now despite quiet hours (incident coordination).
    pub urgent: Option<String>,
}

impl Draft {
    /// A text-only message to `audience`.
    pub fn text(audience: Audience, text: impl Into<String>) -> Self {
        Draft {
            audience,
            text: text.into(),
            subject: None,
            attachments: Vec::new(),
        }
    }
}

/// What composing wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Composed {
    /// The thread the user sees the message in (the broadcast record's for a broadcast).
    pub thread_id: ThreadId,
    /// The message in that thread.
    pub message_id: MessageId,
    /// The messages that carry outbox jobs (the message itself, or a broadcast's copies).
    pub sent_as: Vec<(ThreadId, MessageId)>,
    pub jobs: usize,
    /// Participants left out because they opted out (no SubmitReq is made for them).
    pub skipped_opted_out: Vec<String>,
    /// When the message goes out, if quiet hours hold it (Unix ms).
    pub scheduled_at: Option<i64>,
}

/// Writes `draft` from `our_number` at `now`: the message(s), parts and outbox jobs.
pub fn compose(
    session: &Session,
    our_number: &str,
    draft: &Draft,
    rules: &SendRules,
    now: i64,
) -> Result<Composed, EngineError> {
    if draft.text.trim().is_empty() && draft.attachments.is_empty() {
        return Err(EngineError::Compose(
            "a message needs text or an attachment".into(),
        ));
    }
    // Made to fit the carriers before anything is stored: what is stored is what is sent.
    let prepared = Draft {
        attachments: crate::media_pipeline::prepare(&draft.text, &draft.attachments)?,
        ..draft.clone()
    };
    let draft = &prepared;
    let thread_members = match &draft.audience {
        Audience::Thread(id) => {
            let thread = session.thread_summary(*id)?;
            if thread.kind == ThreadKind::Broadcast {
                let people = thread.participants.into_iter().map(|p| p.address).collect();
                return write_broadcast(session, our_number, draft, rules, people, now);
            }
            Some(
                thread
                    .participants
                    .into_iter()
                    .map(|p| p.address)
                    .collect::<Vec<_>>(),
            )
        }
        Audience::People(people) => {
            check_count(people.len(), MAX_GROUP, "a group")?;
            None
        }
        Audience::Broadcast(people) => {
            check_count(people.len(), MAX_BROADCAST, "a broadcast")?;
            return write_broadcast(session, our_number, draft, rules, people.clone(), now);
        }
    };
    let members = match (&draft.audience, thread_members) {
        (Audience::Thread(_), Some(members)) => members,
        (Audience::People(people), _) => people.clone(),
        _ => unreachable!("broadcasts returned above"),
    };
    let (allowed, skipped) = split_opted_out(session, &members)?;
    if allowed.is_empty() {
        return Err(EngineError::Compose(format!(
            "{} opted out (STOP); texting {} is blocked",
            skipped.join(", "),
            if skipped.len() == 1 {
                "them"
            } else {
                "everyone here"
            }
        )));
    }
    let scheduled_at = quiet_hours_hold(session, rules, &allowed, now)?;
    session.write(|w| {
        let thread_id = match &draft.audience {
            Audience::Thread(id) => *id,
            _ => {
                w.resolve_thread(members.iter().map(String::as_str), now)?
                    .id
            }
        };
        let message_id = write_message(w, thread_id, our_number, draft, now)?;
        let jobs = w.queue_outgoing(message_id, allowed.iter().map(String::as_str), now)?;
        hold(w, &jobs, scheduled_at)?;
        Ok(Composed {
            thread_id,
            message_id,
            sent_as: vec![(thread_id, message_id)],
            jobs: jobs.len(),
            skipped_opted_out: skipped.clone(),
            scheduled_at,
        })
    })
}

/// When quiet hours let every one of `recipients` be texted, if not now. For a group the
/// strictest window wins (the first instant all of them are inside theirs).
fn quiet_hours_hold(
    session: &Session,
    rules: &SendRules,
    recipients: &[String],
    now: i64,
) -> Result<Option<i64>, EngineError> {
    let Some(policy) = &rules.quiet_hours else {
        return Ok(None);
    };
    let canonical = recipients
        .iter()
        .map(|r| session.canonical(r))
        .collect::<Result<Vec<_>, _>>()?;
    let at = match compliance::next_allowed(now, &canonical, policy) {
        Ok(compliance::Allowed::Now) => return Ok(None),
        Ok(compliance::Allowed::At(at)) => at,
        Err(e) => return Err(EngineError::Compose(format!("quiet hours: {e}"))),
    };
    if let Some(reason) = &rules.urgent {
        tracing::warn!(
            reason,
            "sent during the recipients' quiet hours, marked urgent"
        );
        return Ok(None);
    }
    Ok(Some(at))
}

/// Holds `jobs` until `at`, visible in the outbox with the reason.
fn hold(
    w: &mut store::Writer<'_>,
    jobs: &[store::JobId],
    at: Option<i64>,
) -> Result<(), store::StoreError> {
    if let Some(at) = at {
        let reason = format!(
            "scheduled for {} (the recipients' quiet hours)",
            crate::clock::xs_date_time(at)
        );
        for job in jobs {
            w.retry_job(*job, &reason, at)?;
        }
    }
    Ok(())
}

/// Splits numbers into those we may text and those who opted out.
fn split_opted_out(
    session: &Session,
    numbers: &[String],
) -> Result<(Vec<String>, Vec<String>), EngineError> {
    let mut allowed = Vec::with_capacity(numbers.len());
    let mut skipped = Vec::new();
    for n in numbers {
        if session.consent_status(n)? == store::ConsentStatus::OptedOut {
            skipped.push(n.clone());
        } else {
            allowed.push(n.clone());
        }
    }
    Ok((allowed, skipped))
}

fn check_count(n: usize, max: usize, what: &str) -> Result<(), EngineError> {
    if n == 0 {
        return Err(EngineError::Compose(format!(
            "{what} needs at least one recipient"
        )));
    }
    if n > max {
        return Err(EngineError::Compose(format!(
            "{what} can have at most {max} recipients; this one has {n}"
        )));
    }
    Ok(())
}

fn write_broadcast(
    session: &Session,
    our_number: &str,
    draft: &Draft,
    rules: &SendRules,
    people: Vec<String>,
    now: i64,
) -> Result<Composed, EngineError> {
    let (allowed, skipped) = split_opted_out(session, &people)?;
    if allowed.is_empty() {
        return Err(EngineError::Compose(
            "every recipient of this broadcast opted out (STOP)".into(),
        ));
    }
    // Individual texts: each waits only for its own recipient's window.
    let holds = allowed
        .iter()
        .map(|p| quiet_hours_hold(session, rules, std::slice::from_ref(p), now))
        .collect::<Result<Vec<_>, _>>()?;
    session.write(|w| {
        let record_thread = w
            .resolve_broadcast(people.iter().map(String::as_str), now)?
            .id;
        let record = write_message(w, record_thread, our_number, draft, now)?;
        // The record carries no jobs; its copies do. It reads as sent once written.
        w.set_message_state(record, MessageState::Sent)?;
        let mut sent_as = Vec::with_capacity(allowed.len());
        let mut jobs = 0;
        for (person, at) in allowed.iter().zip(&holds) {
            let thread = w.resolve_thread([person.as_str()], now)?.id;
            let copy = write_message(w, thread, our_number, draft, now)?;
            w.link_broadcast_copy(record, copy)?;
            let queued = w.queue_outgoing(copy, [person.as_str()], now)?;
            hold(w, &queued, *at)?;
            jobs += queued.len();
            sent_as.push((thread, copy));
        }
        Ok(Composed {
            thread_id: record_thread,
            message_id: record,
            sent_as,
            jobs,
            skipped_opted_out: skipped.clone(),
            scheduled_at: holds.iter().flatten().max().copied(),
        })
    })
}

fn write_message(
    w: &mut store::Writer<'_>,
    thread_id: ThreadId,
    our_number: &str,
    draft: &Draft,
    now: i64,
) -> Result<MessageId, store::StoreError> {
    let added = w.add_message(&NewMessage {
        thread_id,
        direction: Direction::Out,
        author: our_number,
        body: &draft.text,
        subject: draft.subject.as_deref(),
        at: now,
        provider_at: None,
        provider_message_id: None,
        linked_id: None,
        transaction_id: None,
        state: MessageState::Queued,
    })?;
    for attachment in &draft.attachments {
        w.add_part(
            added.id,
            &NewPart {
                bytes: &attachment.bytes,
                declared_type: None,
                file_name: Some(&attachment.file_name),
                thumbnail: None,
            },
        )?;
    }
    Ok(added.id)
}
