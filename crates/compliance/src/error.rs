//! Errors of the quiet-hours rules. Classification cannot fail, so it has none.

/// Why quiet hours could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuietError {
    /// Opening and closing minutes must satisfy `open < close <= 1440`.
    #[error("quiet-hours window {open}..{close} (minutes after midnight) is not a daytime window")]
    InvalidHours { open: u16, close: u16 },
    /// A zone name the bundled tz database does not know (a bad table row).
    #[error("unknown IANA time zone {0:?}")]
    UnknownZone(String),
    /// An instant outside the range the time-zone arithmetic supports.
    #[error("instant {0} ms is out of range")]
    OutOfRange(i64),
    /// No instant within `horizon_days` of `from_unix_ms` is inside every recipient's
    /// window (windows that never overlap, or a window narrowed to nothing).
    #[error("no instant within {horizon_days} days of {from_unix_ms} ms suits every recipient")]
    NoCommonWindow { from_unix_ms: i64, horizon_days: u8 },
}
