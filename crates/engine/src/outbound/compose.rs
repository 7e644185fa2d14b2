//! Composing: a message and its outbox jobs, written in one transaction before anything
//! is sent (the first half of "a message is never lost").
//!
//! Three audiences: an existing thread; a set of people (their group or direct thread,
//! found or created by participant key); or a broadcast ("individual texts"), which writes
//! a record in a broadcast thread and one direct copy per recipient, each in that
//! person's own thread, so replies land where the conversation with that person lives.

use store::{Direction, MessageId, MessageState, NewMessage, NewPart, ThreadId, ThreadKind};

use crate::config::OptInPolicy;
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
    /// An agent's reason to send now despite quiet hours (incident coordination). It is
    /// recorded with the message (`quiet_hours_overrides`) when it changed anything.
    pub urgent: Option<String>,
    /// Texting a number with no opt-in on record: allowed, reported, or refused.
    pub opt_in_policy: OptInPolicy,
    /// Appended to the first message each person receives from us; `None` is off.
    pub footer: Option<String>,
}

impl SendRules {
    /// The rules a configuration asks for: quiet hours on or off, the account's footer and
    /// opt-in policy; not urgent.
    pub fn configured(quiet_hours: bool, settings: &crate::config::ComplianceSettings) -> Self {
        SendRules {
            quiet_hours: quiet_hours.then(compliance::QuietPolicy::default),
            urgent: None,
            opt_in_policy: settings.opt_in_policy,
            footer: settings.footer().map(str::to_owned),
        }
    }
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
    /// Recipients with no opt-in on record (sent anyway: the policy is to warn).
    pub without_opt_in: Vec<String>,
    /// The opt-out footer was added for someone receiving their first message from us.
    pub footer_appended: bool,
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
    let (members, broadcast) = members_of(session, &draft.audience)?;
    // Made to fit the recipients' carriers before anything is stored: what is stored is
    // what is sent.
    let budget = budget_for(session, &members)?;
    let prepared = Draft {
        attachments: crate::media_pipeline::prepare(&draft.text, &draft.attachments, budget)?,
        ..draft.clone()
    };
    let draft = &prepared;
    if broadcast {
        return write_broadcast(session, our_number, draft, rules, members, now);
    }
    let checks = check_recipients(session, &members, rules, now)?;
    let allowed = admit(&checks, rules)?;
    let timing = quiet_hours_timing(rules, &allowed, now)?;
    let text = with_footer(&draft.text, &allowed, rules);
    session.write(|w| {
        let thread_id = match &draft.audience {
            Audience::Thread(id) => *id,
            _ => {
                w.resolve_thread(members.iter().map(String::as_str), now)?
                    .id
            }
        };
        let message_id = write_message(w, thread_id, our_number, draft, &text, now)?;
        let numbers = allowed.iter().map(|c| c.number.as_str());
        let jobs = w.queue_outgoing(message_id, numbers, now)?;
        timing.apply(w, message_id, &jobs, now)?;
        record_disclosures(w, &allowed, message_id, &text, rules, now)?;
        Ok(Composed {
            thread_id,
            message_id,
            sent_as: vec![(thread_id, message_id)],
            jobs: jobs.len(),
            skipped_opted_out: opted_out(&checks),
            scheduled_at: timing.hold_until(),
            without_opt_in: without_opt_in(&allowed),
            footer_appended: text != draft.text,
        })
    })
}

/// Who `audience` is, and whether they get individual texts (a broadcast). Refuses more
/// people than a group or a broadcast may have, before anything is done.
pub(crate) fn members_of(
    session: &Session,
    audience: &Audience,
) -> Result<(Vec<String>, bool), EngineError> {
    Ok(match audience {
        Audience::Thread(id) => {
            let thread = session.thread_summary(*id)?;
            let people = thread.participants.into_iter().map(|p| p.address).collect();
            (people, thread.kind == ThreadKind::Broadcast)
        }
        Audience::People(people) => {
            check_count(people.len(), MAX_GROUP, "a group")?;
            (people.clone(), false)
        }
        Audience::Broadcast(people) => {
            check_count(people.len(), MAX_BROADCAST, "a broadcast")?;
            (people.clone(), true)
        }
    })
}

/// The largest message every one of `members`' carriers accepts: the tightest known
/// limit unless the provider has told us each one's carrier.
pub(crate) fn budget_for(session: &Session, members: &[String]) -> Result<u64, EngineError> {
    let carriers = members
        .iter()
        .map(|m| session.carrier_of(m))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(crate::media_pipeline::budget_for(&carriers))
}

/// What the rules say about one recipient, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecipientCheck {
    /// Canonical (E.164 for phone numbers).
    pub number: String,
    /// Their contact's name, if they are a contact.
    pub name: Option<String>,
    pub consent: store::ConsentStatus,
    /// Opted out: no SubmitReq is made for them.
    pub opted_out: bool,
    /// No opt-in on record (and the policy is not off).
    pub no_opt_in: bool,
    /// When their own quiet hours end, if they are in them now.
    pub quiet_until: Option<i64>,
    /// This would be the first message they receive from us: the footer goes with it.
    pub needs_footer: bool,
}

/// The rules' view of each of `numbers` (any format; duplicates merged), in order.
pub(crate) fn check_recipients(
    session: &Session,
    numbers: &[String],
    rules: &SendRules,
    now: i64,
) -> Result<Vec<RecipientCheck>, EngineError> {
    let mut checks: Vec<RecipientCheck> = Vec::with_capacity(numbers.len());
    for raw in numbers {
        let number = session.canonical(raw)?;
        if checks.iter().any(|c| c.number == number) {
            continue;
        }
        let consent = session.consent_status(&number)?;
        let opted_out = consent == store::ConsentStatus::OptedOut;
        checks.push(RecipientCheck {
            name: session.contact_by_number(&number)?.map(|c| c.display_name),
            no_opt_in: consent == store::ConsentStatus::Unknown
                && rules.opt_in_policy != OptInPolicy::Off,
            quiet_until: next_window(rules, std::slice::from_ref(&number), now)?,
            needs_footer: rules.footer.is_some() && !opted_out && !session.disclosed(&number)?,
            number,
            consent,
            opted_out,
        });
    }
    Ok(checks)
}

/// The recipients a message may go to, or why it may go to nobody.
fn admit<'c>(
    checks: &'c [RecipientCheck],
    rules: &SendRules,
) -> Result<Vec<&'c RecipientCheck>, EngineError> {
    let allowed: Vec<_> = checks.iter().filter(|c| !c.opted_out).collect();
    if allowed.is_empty() {
        return Err(EngineError::OptedOut {
            numbers: opted_out(checks),
        });
    }
    let missing = without_opt_in(&allowed);
    if rules.opt_in_policy == OptInPolicy::Refuse && !missing.is_empty() {
        return Err(EngineError::NoOptIn { numbers: missing });
    }
    Ok(allowed)
}

fn opted_out(checks: &[RecipientCheck]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| c.opted_out)
        .map(|c| c.number.clone())
        .collect()
}

fn without_opt_in(allowed: &[&RecipientCheck]) -> Vec<String> {
    allowed
        .iter()
        .filter(|c| c.no_opt_in)
        .map(|c| c.number.clone())
        .collect()
}

/// The text with the footer, when anyone receiving it has not been told how to opt out.
/// A group message is one text for all, so one newcomer puts the footer in everyone's copy.
fn with_footer(text: &str, allowed: &[&RecipientCheck], rules: &SendRules) -> String {
    match &rules.footer {
        Some(footer) if allowed.iter().any(|c| c.needs_footer) => {
            compliance::append_footer(text, footer)
        }
        _ => text.to_owned(),
    }
}

/// Records in the ledger that the recipients who needed it were told how to opt out: by
/// the footer, or by the agent's own "reply STOP" line, which `append_footer` respects.
fn record_disclosures(
    w: &mut store::Writer<'_>,
    allowed: &[&RecipientCheck],
    message: MessageId,
    text: &str,
    rules: &SendRules,
    now: i64,
) -> Result<(), store::StoreError> {
    let Some(footer) = &rules.footer else {
        return Ok(());
    };
    if compliance::append_footer(text, footer) != text {
        return Ok(());
    }
    for c in allowed.iter().filter(|c| c.needs_footer) {
        w.record_consent(
            &c.number,
            store::ConsentKind::DisclosureSent,
            "footer",
            &store::Evidence::Message(message),
            None,
            now,
        )?;
    }
    Ok(())
}

/// How quiet hours treat a message: it goes now, it waits, or an agent sent it anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Timing {
    Now,
    Hold(i64),
    Urgent { reason: String },
}

impl Timing {
    fn hold_until(&self) -> Option<i64> {
        match self {
            Timing::Hold(at) => Some(*at),
            _ => None,
        }
    }

    /// Holds `jobs` until the window opens (visible in the outbox with the reason), or
    /// records the agent's reason for sending now.
    fn apply(
        &self,
        w: &mut store::Writer<'_>,
        message: MessageId,
        jobs: &[store::JobId],
        now: i64,
    ) -> Result<(), store::StoreError> {
        match self {
            Timing::Now => Ok(()),
            Timing::Hold(at) => {
                let reason = format!(
                    "scheduled for {} (the recipients' quiet hours)",
                    crate::clock::xs_date_time(*at)
                );
                for job in jobs {
                    w.retry_job(*job, &reason, *at)?;
                }
                Ok(())
            }
            Timing::Urgent { reason } => w.record_quiet_hours_override(message, reason, None, now),
        }
    }
}

/// The first instant all of `recipients` are inside their windows, if not now. For a group
/// the strictest window wins.
pub(crate) fn next_window(
    rules: &SendRules,
    recipients: &[String],
    now: i64,
) -> Result<Option<i64>, EngineError> {
    let Some(policy) = &rules.quiet_hours else {
        return Ok(None);
    };
    match compliance::next_allowed(now, recipients, policy) {
        Ok(compliance::Allowed::Now) => Ok(None),
        Ok(compliance::Allowed::At(at)) => Ok(Some(at)),
        Err(e) => Err(EngineError::Compose(format!("quiet hours: {e}"))),
    }
}

fn quiet_hours_timing(
    rules: &SendRules,
    allowed: &[&RecipientCheck],
    now: i64,
) -> Result<Timing, EngineError> {
    let numbers: Vec<String> = allowed.iter().map(|c| c.number.clone()).collect();
    Ok(match (next_window(rules, &numbers, now)?, &rules.urgent) {
        (None, _) => Timing::Now,
        (Some(at), None) => Timing::Hold(at),
        (Some(_), Some(reason)) if reason.trim().is_empty() => {
            return Err(EngineError::Compose(
                "an urgent send during quiet hours needs a reason".into(),
            ));
        }
        (Some(_), Some(reason)) => {
            tracing::warn!(
                reason,
                "sent during the recipients' quiet hours, marked urgent"
            );
            Timing::Urgent {
                reason: reason.clone(),
            }
        }
    })
}

pub(crate) fn check_count(n: usize, max: usize, what: &str) -> Result<(), EngineError> {
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
    let checks = check_recipients(session, &people, rules, now)?;
    let allowed = admit(&checks, rules)?;
    // Individual texts: each waits only for its own recipient's window, and carries the
    // footer only if that person has not had it.
    let copies = allowed
        .iter()
        .map(|c| {
            let one = std::slice::from_ref(c);
            Ok((
                *c,
                quiet_hours_timing(rules, one, now)?,
                with_footer(&draft.text, one, rules),
            ))
        })
        .collect::<Result<Vec<_>, EngineError>>()?;
    session.write(|w| {
        let record_thread = w
            .resolve_broadcast(people.iter().map(String::as_str), now)?
            .id;
        let record = write_message(w, record_thread, our_number, draft, &draft.text, now)?;
        // The record carries no jobs; its copies do. It reads as sent once written.
        w.set_message_state(record, MessageState::Sent)?;
        let mut sent_as = Vec::with_capacity(copies.len());
        let mut jobs = 0;
        for (person, timing, text) in &copies {
            let thread = w.resolve_thread([person.number.as_str()], now)?.id;
            let copy = write_message(w, thread, our_number, draft, text, now)?;
            w.link_broadcast_copy(record, copy)?;
            let queued = w.queue_outgoing(copy, [person.number.as_str()], now)?;
            timing.apply(w, copy, &queued, now)?;
            record_disclosures(w, std::slice::from_ref(person), copy, text, rules, now)?;
            jobs += queued.len();
            sent_as.push((thread, copy));
        }
        Ok(Composed {
            thread_id: record_thread,
            message_id: record,
            sent_as,
            jobs,
            skipped_opted_out: opted_out(&checks),
            scheduled_at: copies.iter().filter_map(|(_, t, _)| t.hold_until()).max(),
            without_opt_in: without_opt_in(&allowed),
            footer_appended: copies.iter().any(|(_, _, text)| *text != draft.text),
        })
    })
}

fn write_message(
    w: &mut store::Writer<'_>,
    thread_id: ThreadId,
    our_number: &str,
    draft: &Draft,
    text: &str,
    now: i64,
) -> Result<MessageId, store::StoreError> {
    let added = w.add_message(&NewMessage {
        thread_id,
        direction: Direction::Out,
        author: our_number,
        body: text,
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
