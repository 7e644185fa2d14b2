//! Time as the engine sees it. It is passed in ([`Clock`]) so retries, timestamps and the
//! crash tests are deterministic, and MM7's `xs:dateTime` text is converted here only.

use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Milliseconds since the Unix epoch, from whatever the caller trusts.
pub trait Clock: Send + Sync + Debug {
    fn now_ms(&self) -> i64;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// The machine's clock moved by a fixed offset: time flows as usual from another instant
/// (tests pin the time of day that quiet hours see without freezing retries).
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    pub offset_ms: i64,
}

impl OffsetClock {
    /// A clock that reads `at_ms` now.
    pub fn starting_at(at_ms: i64) -> Self {
        OffsetClock {
            offset_ms: at_ms - SystemClock.now_ms(),
        }
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.offset_ms
    }
}

/// `2026-01-02T03:04:05Z` (UTC, whole seconds, as Sinch writes TimeStamp).
pub fn xs_date_time(ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    at.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// Reads a provider's `xs:dateTime` (with or without an offset; no offset means UTC, which
/// is what every sample in the brief means) as Unix ms. Anything unreadable is `None`: a
/// provider timestamp is informative, never a reason to refuse a message.
pub fn parse_xs_date_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some((at.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    let format = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    PrimitiveDateTime::parse(text, &format)
        .ok()
        .map(|at| (at.assume_utc().unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_provider_forms() {
        let ms = 1_767_323_045_000;
        assert_eq!(xs_date_time(ms), "2026-01-02T03:04:05Z");
        assert_eq!(parse_xs_date_time("2026-01-02T03:04:05Z"), Some(ms));
        assert_eq!(parse_xs_date_time(" 2026-01-02T03:04:05 "), Some(ms));
        assert_eq!(
            parse_xs_date_time("2026-01-02T03:04:05.250"),
            Some(ms + 250)
        );
        assert_eq!(parse_xs_date_time("2026-01-01T22:04:05-05:00"), Some(ms));
        assert_eq!(parse_xs_date_time("yesterday"), None);
    }
}
