//! Preflight: what sending to an audience would do, asked before the agent presses Send.
//!
//! The composer shows it (who is skipped because they opted out, whose consent is not on
//! record, when quiet hours would release the message, whether the footer is added). It
//! runs the same checks compose runs ([`compose::check_recipients`]), so what the app
//! promises is what the engine then does; compose still decides on its own, in case the
//! ledger changed in between.

use serde::Serialize;

use super::compose::{self, Audience, MAX_BROADCAST, MAX_GROUP, RecipientCheck, SendRules};
use crate::config::OptInPolicy;
use crate::{EngineError, ErrorCode, Session};

/// What a send to an audience would do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preflight {
    /// Each recipient (canonical, duplicates merged) with what the rules say about them.
    pub recipients: Vec<RecipientCheck>,
    /// Why nothing can be sent, if so, with the code a send would fail with.
    pub blocked: Option<Blocked>,
    /// When quiet hours would release the message (the latest copy's, for a broadcast).
    pub scheduled_at: Option<i64>,
    /// The footer that would be appended for someone's first message from us.
    pub footer: Option<String>,
    /// Individual texts: each recipient's copy is timed and footed on its own.
    pub broadcast: bool,
}

/// Why a send cannot go out at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocked {
    pub code: ErrorCode,
    pub message: String,
}

impl From<EngineError> for Blocked {
    fn from(e: EngineError) -> Self {
        Blocked {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// What sending to `audience` under `rules` at `now` would do.
pub fn preflight(
    session: &Session,
    audience: &Audience,
    rules: &SendRules,
    now: i64,
) -> Result<Preflight, EngineError> {
    let (people, broadcast, cap, what) = match audience {
        Audience::Thread(id) => {
            let thread = session.thread_summary(*id)?;
            let broadcast = thread.kind == store::ThreadKind::Broadcast;
            let people = thread.participants.into_iter().map(|p| p.address).collect();
            (people, broadcast, usize::MAX, "")
        }
        Audience::People(people) => (people.clone(), false, MAX_GROUP, "a group"),
        Audience::Broadcast(people) => (people.clone(), true, MAX_BROADCAST, "a broadcast"),
    };
    let mut report = Preflight {
        recipients: Vec::new(),
        blocked: None,
        scheduled_at: None,
        footer: None,
        broadcast,
    };
    if let Err(e) = compose::check_count(people.len(), cap, what) {
        report.blocked = Some(e.into());
        return Ok(report);
    }
    report.recipients = compose::check_recipients(session, &people, rules, now)?;
    let allowed: Vec<&RecipientCheck> = report.recipients.iter().filter(|c| !c.opted_out).collect();
    report.blocked = if allowed.is_empty() {
        Some(
            EngineError::OptedOut {
                numbers: numbers(report.recipients.iter()),
            }
            .into(),
        )
    } else if rules.opt_in_policy == OptInPolicy::Refuse && allowed.iter().any(|c| c.no_opt_in) {
        Some(
            EngineError::NoOptIn {
                numbers: numbers(allowed.iter().copied().filter(|c| c.no_opt_in)),
            }
            .into(),
        )
    } else {
        None
    };
    if report.blocked.is_some() {
        return Ok(report);
    }
    if rules.urgent.is_none() {
        report.scheduled_at = if broadcast {
            allowed.iter().filter_map(|c| c.quiet_until).max()
        } else {
            compose::next_window(rules, &numbers(allowed.iter().copied()), now)?
        };
    }
    if allowed.iter().any(|c| c.needs_footer) {
        report.footer = rules.footer.clone();
    }
    Ok(report)
}

fn numbers<'c>(checks: impl Iterator<Item = &'c RecipientCheck>) -> Vec<String> {
    checks.map(|c| c.number.clone()).collect()
}
