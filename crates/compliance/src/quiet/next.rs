//! The earliest instant at which a set of windows are all open: when a group message
//! may go out.
//!
//! Method: start at `at`; while some window is closed, jump to the latest of the closed
//! windows' next openings. Each jump lands on an opening no later than the answer (a
//! window closed now can only open again at or before any later instant where it is
//! open), so the first instant where all are open is the earliest one. Windows that never
//! overlap are detected by a horizon of a few days.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

use super::{QuietPolicy, Window, window_for};
use crate::QuietError;

/// How far ahead to look for a common opening before giving up. Windows repeat daily, so
/// if none is found within a few days there is none; 8 covers a DST change on the way.
const HORIZON_DAYS: u8 = 8;

/// When a message may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// Every recipient is inside their window now.
    Now,
    /// The earliest instant (Unix ms) at which every recipient is inside their window.
    At(i64),
}

/// When a message to all of `recipients` (a group: strictest across participants) may go
/// out, at or after `at_unix_ms`. No recipients: [`Allowed::Now`].
pub fn next_allowed<S: AsRef<str>>(
    at_unix_ms: i64,
    recipients: &[S],
    policy: &QuietPolicy,
) -> Result<Allowed, QuietError> {
    let windows: Vec<Window> = recipients
        .iter()
        .map(|r| window_for(r.as_ref(), policy))
        .collect();
    next_allowed_in(at_unix_ms, &windows)
}

/// [`next_allowed`] over windows already looked up (e.g. kept with a thread).
pub fn next_allowed_in(at_unix_ms: i64, windows: &[Window]) -> Result<Allowed, QuietError> {
    let mut constraints = Vec::new();
    for w in windows {
        if w.hours.is_empty() {
            return Err(no_common_window(at_unix_ms));
        }
        for zone in &w.zones {
            let tz =
                TimeZone::get(zone).map_err(|_| QuietError::UnknownZone((*zone).to_owned()))?;
            constraints.push(Constraint {
                open: time(w.hours.open()),
                close: w.hours.close(),
                tz,
            });
        }
    }
    let start =
        Timestamp::from_millisecond(at_unix_ms).map_err(|_| QuietError::OutOfRange(at_unix_ms))?;
    let horizon = at_unix_ms.saturating_add(i64::from(HORIZON_DAYS) * 24 * 3_600_000);
    let mut t = start;
    loop {
        let mut latest_opening: Option<Timestamp> = None;
        for c in &constraints {
            if !c.is_open(t) {
                let opening = c
                    .next_opening(t)
                    .ok_or(QuietError::OutOfRange(at_unix_ms))?;
                latest_opening = latest_opening.max(Some(opening));
            }
        }
        match latest_opening {
            None if t == start => return Ok(Allowed::Now),
            None => return Ok(Allowed::At(t.as_millisecond())),
            Some(next) if next.as_millisecond() > horizon => {
                return Err(no_common_window(at_unix_ms));
            }
            Some(next) => t = next,
        }
    }
}

fn no_common_window(from_unix_ms: i64) -> QuietError {
    QuietError::NoCommonWindow {
        from_unix_ms,
        horizon_days: HORIZON_DAYS,
    }
}

/// `minutes` after midnight as a civil time (`minutes` < 1440 for an opening).
fn time(minutes: u16) -> Time {
    let hour = i8::try_from(minutes / 60).map_or(23, |h| h.min(23));
    let minute = i8::try_from(minutes % 60).unwrap_or(0);
    Time::new(hour, minute, 0, 0).unwrap_or(Time::MIN)
}

/// One window in one zone.
struct Constraint {
    open: Time,
    /// Minutes after midnight; 1440 means "until midnight".
    close: u16,
    tz: TimeZone,
}

impl Constraint {
    fn is_open(&self, t: Timestamp) -> bool {
        let local = t.to_zoned(self.tz.clone()).time();
        let minutes =
            u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        local >= self.open && minutes < self.close
    }

    /// The first opening strictly after `t` (today's if not yet reached, else tomorrow's).
    /// DST: an opening inside a spring-forward gap moves to just after it.
    fn next_opening(&self, t: Timestamp) -> Option<Timestamp> {
        let local = t.to_zoned(self.tz.clone());
        let day = if local.time() < self.open {
            local.date()
        } else {
            local.date().tomorrow().ok()?
        };
        let opening = day.to_datetime(self.open).to_zoned(self.tz.clone()).ok()?;
        Some(opening.timestamp())
    }
}
