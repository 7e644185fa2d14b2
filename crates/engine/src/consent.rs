//! Compliance in the pipelines: the `compliance` crate's rules applied where messages
//! pass, inside the same transactions, so no client can skip them.
//!
//! - Inbound: a STOP (or plain-language opt-out) from any participant is recorded in the
//!   consent ledger with the message as evidence, and exactly one confirmation is queued to
//!   that person alone, in the same transaction as the message itself. A second STOP finds
//!   the number already opted out and queues nothing. START/UNSTOP/YES from an opted-out
//!   number re-opens it, also with one confirmation.
//! - Outbound: the outbox worker asks [`may_send`] in the transaction that starts each
//!   attempt, so nothing is submitted to a number whose opt-out has committed, except the
//!   confirmation recorded for that opt-out.

use compliance::Classification;
use store::{
    ConsentKind, ConsentStatus, Direction, Evidence, MessageId, MessageState, NewMessage,
    StoreError, Writer,
};

use crate::config::ComplianceSettings;

/// The account's compliance settings, with the classifier's keyword sets built once.
#[derive(Debug, Clone)]
pub struct Rules {
    pub settings: ComplianceSettings,
    keywords: compliance::Keywords,
}

impl Rules {
    pub fn new(settings: ComplianceSettings) -> Self {
        let keywords = settings.keywords();
        Rules { settings, keywords }
    }

    /// What `body` asks for, by this account's keywords.
    pub fn classify(&self, body: &str) -> Classification {
        compliance::classify_with(body, &self.keywords)
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules::new(ComplianceSettings::default())
    }
}

/// What an inbound message did to its author's consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentChange {
    OptedOut {
        number: String,
        confirmation: MessageId,
    },
    OptedIn {
        number: String,
        confirmation: MessageId,
    },
}

/// Applies the opt-out / opt-in rules to an inbound message just stored as `message`.
/// `received_at` (when the message arrived) dates the ledger event; `now` (our clock) is
/// when the confirmation is due.
pub fn on_inbound(
    w: &mut Writer<'_>,
    rules: &Rules,
    message: MessageId,
    from: &str,
    body: &str,
    received_at: i64,
    now: i64,
) -> Result<Option<ConsentChange>, StoreError> {
    let settings = &rules.settings;
    let (kind, reply) = match rules.classify(body) {
        Classification::OptOut { rule } => (
            ConsentKind::OptOut,
            (rule, settings.opt_out_confirmation.as_str()),
        ),
        Classification::OptIn { rule } => (
            ConsentKind::OptIn,
            (rule, settings.opt_in_confirmation.as_str()),
        ),
        Classification::Help { .. } | Classification::None => return Ok(None),
    };
    let status = w.consent_status(from)?;
    let applies = match kind {
        ConsentKind::OptOut => status != ConsentStatus::OptedOut,
        // "YES" in a group chat is conversation, not consent: only an opted-out number
        // opts back in.
        _ => status == ConsentStatus::OptedOut,
    };
    if !applies {
        return Ok(None);
    }
    let (rule, text) = reply;
    w.record_consent(
        from,
        kind,
        &format!("inbound {rule}"),
        &Evidence::Message(message),
        None,
        received_at,
    )?;
    let confirmation = queue_direct(w, from, text, now)?;
    w.record_consent(
        from,
        ConsentKind::ConfirmationSent,
        "automatic",
        &Evidence::Message(confirmation),
        None,
        now,
    )?;
    let number = w
        .consent_history(from)?
        .last()
        .map(|e| e.number.clone())
        .unwrap_or_default();
    Ok(Some(match kind {
        ConsentKind::OptOut => ConsentChange::OptedOut {
            number,
            confirmation,
        },
        _ => ConsentChange::OptedIn {
            number,
            confirmation,
        },
    }))
}

/// Whether `message` may be submitted to `number` now: not after an opt-out, unless it is
/// the confirmation recorded for that opt-out.
pub fn may_send(w: &mut Writer<'_>, number: &str, message: MessageId) -> Result<bool, StoreError> {
    if w.consent_status(number)? != ConsentStatus::OptedOut {
        return Ok(true);
    }
    let history = w.consent_history(number)?;
    let since_opt_out = history
        .iter()
        .rposition(|e| e.kind == ConsentKind::OptOut)
        .map_or(&history[..], |i| &history[i..]);
    Ok(since_opt_out.iter().any(|e| {
        e.kind == ConsentKind::ConfirmationSent && e.evidence == Evidence::Message(message)
    }))
}

/// Answers a HELP / INFO from `from` with the account's HELP text, at most once per 24
/// hours (the last answer is found in their direct thread, so the limit survives
/// restarts). Runs after the inbound batch has committed: a crash in between loses only
/// this courtesy reply, never a message.
pub fn answer_help(
    session: &crate::Session,
    rules: &Rules,
    from: &str,
    body: &str,
    now: i64,
) -> Result<bool, crate::EngineError> {
    if !matches!(rules.classify(body), Classification::Help { .. })
        || session.consent_status(from)? == ConsentStatus::OptedOut
    {
        return Ok(false);
    }
    let ours = session.write(|w| w.own_numbers())?;
    let our_number = ours.first().map(|a| a.as_str()).unwrap_or_default();
    let text = rules.settings.help_text(our_number);
    let thread = session.write(|w| w.resolve_thread([from], now))?.id;
    let recent = session.thread(
        thread,
        &store::MessageQuery {
            limit: 50,
            before: None,
        },
    )?;
    let last_answer = recent
        .messages
        .items
        .iter()
        .filter(|m| m.direction == Direction::Out && m.body == text)
        .map(|m| m.at)
        .max();
    if !compliance::help_reply_due(last_answer, now) {
        return Ok(false);
    }
    session.write(|w| queue_direct(w, from, &text, now))?;
    Ok(true)
}

/// Queues `text` to `number` alone, in its direct thread, from our (first) number.
fn queue_direct(
    w: &mut Writer<'_>,
    number: &str,
    text: &str,
    now: i64,
) -> Result<MessageId, StoreError> {
    let ours = w.own_numbers()?;
    let author = ours
        .first()
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let thread = w.resolve_thread([number], now)?.id;
    let added = w.add_message(&NewMessage {
        thread_id: thread,
        direction: Direction::Out,
        author: &author,
        body: text,
        subject: None,
        at: now,
        provider_at: None,
        provider_message_id: None,
        linked_id: None,
        transaction_id: None,
        state: MessageState::Queued,
    })?;
    w.queue_outgoing(added.id, [number], now)?;
    Ok(added.id)
}
