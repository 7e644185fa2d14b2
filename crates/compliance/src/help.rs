//! HELP replies at most once per number per 24 hours (issue 8), so a HELP loop between
//! two auto-responders, or a person texting HELP repeatedly, cannot make us spam.

/// The least time between two HELP replies to one number: 24 hours, in milliseconds.
pub const HELP_REPLY_INTERVAL_MS: i64 = 24 * 60 * 60 * 1000;

/// Whether a HELP message from a number should get the automatic reply now. Times are
/// Unix milliseconds. A clock that went backwards (`now` before the last reply) does not
/// count as 24 hours having passed.
pub fn help_reply_due(last_help_reply_at: Option<i64>, now: i64) -> bool {
    match last_help_reply_at {
        None => true,
        Some(last) => now.saturating_sub(last) >= HELP_REPLY_INTERVAL_MS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_per_day() {
        let t = 1_800_000_000_000;
        assert!(help_reply_due(None, t));
        assert!(!help_reply_due(Some(t), t));
        assert!(!help_reply_due(Some(t), t + HELP_REPLY_INTERVAL_MS - 1));
        assert!(help_reply_due(Some(t), t + HELP_REPLY_INTERVAL_MS));
        assert!(!help_reply_due(Some(t), t - 1000));
        assert!(help_reply_due(Some(i64::MIN), i64::MAX));
    }
}
