//! What to do after an attempt: record success, retry later, or fail with the reason.
//!
//! Status classes follow BRIEF §4 and §8 through [`mm7::StatusCode::is_transient`]:
//! 3xxx (but 3001/3002), 3510, 4006 and 2569 are retried with exponential backoff and
//! jitter; everything else fails at once with the provider's code and text. 2571/2572 can
//! only come from a bug in our fan-out and are logged as such.

use std::time::Duration;

use crate::transport::SubmitAnswer;

/// Backoff and give-up limits.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The first retry's delay (before jitter).
    pub base: Duration,
    /// No wait is longer than this.
    pub max: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(2),
            max: Duration::from_secs(600),
            max_attempts: 10,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`: `base · 2^(attempts-1)` capped at `max`,
    /// then scaled by a jitter in [0.5, 1.0) so a throttled burst does not retry in step.
    pub fn delay(&self, attempts: i64, jitter: f64, at_least: Option<Duration>) -> Duration {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let raw = self
            .base
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.max);
        let jittered = raw.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        at_least.map_or(jittered, |floor| jittered.max(floor.min(self.max)))
    }
}

/// The decision for one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The provider has it. `message_id` matches its delivery reports.
    Submitted {
        message_id: Option<String>,
        status_code: Option<i64>,
        status_text: String,
        /// The provider's answer was readable (else the state is "submitted", unconfirmed).
        confirmed: bool,
    },
    /// Try again after `delay`.
    Retry { delay: Duration, reason: String },
    /// Never going to work: the recipient's delivery fails with this.
    Fail {
        status_code: Option<i64>,
        reason: String,
        /// The provider refused it (else we gave up or could not tell).
        rejected: bool,
    },
}

/// Decides what an answer means after `attempts` attempts (this one included).
pub fn decide(answer: &SubmitAnswer, attempts: i64, policy: &RetryPolicy, jitter: f64) -> Decision {
    let retry = |reason: String, floor: Option<Duration>| {
        if attempts >= policy.max_attempts {
            Decision::Fail {
                status_code: None,
                reason: format!("gave up after {attempts} attempts; last: {reason}"),
                rejected: false,
            }
        } else {
            Decision::Retry {
                delay: policy.delay(attempts, jitter, floor),
                reason,
            }
        }
    };
    match answer {
        SubmitAnswer::Accepted { message_id, status } => Decision::Submitted {
            message_id: message_id.clone(),
            status_code: Some(i64::from(status.code.0)),
            status_text: status_text(status),
            confirmed: true,
        },
        SubmitAnswer::AcceptedUnreadable { detail } => Decision::Submitted {
            message_id: None,
            status_code: None,
            status_text: format!("sent; the provider's answer was unreadable ({detail})"),
            confirmed: false,
        },
        SubmitAnswer::Refused { status } if status.code.is_transient() => {
            let floor = (status.code.0 == 3510).then_some(Duration::from_secs(1));
            retry(format!("{} {}", status.code.0, status_text(status)), floor)
        }
        SubmitAnswer::Refused { status } => {
            if matches!(status.code.0, 2571 | 2572) {
                tracing::error!(
                    code = status.code.0,
                    "the provider refused our group fan-out: a Groupline bug, please report it"
                );
            }
            Decision::Fail {
                status_code: Some(i64::from(status.code.0)),
                reason: status_text(status),
                rejected: true,
            }
        }
        SubmitAnswer::NotSent {
            detail,
            retry_after,
        } => retry(detail.clone(), *retry_after),
        SubmitAnswer::Unconfirmed { detail } => Decision::Submitted {
            message_id: None,
            status_code: None,
            status_text: format!(
                "unconfirmed: {detail}; not resent automatically, to avoid a duplicate"
            ),
            confirmed: false,
        },
        SubmitAnswer::Rejected {
            http_status,
            detail,
        } => Decision::Fail {
            status_code: Some(i64::from(*http_status)),
            reason: detail.clone(),
            rejected: false,
        },
    }
}

/// The provider's text for a status, or the code's published meaning.
fn status_text(status: &mm7::Status) -> String {
    status
        .text
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| status.code.meaning().map(str::to_owned))
        .unwrap_or_else(|| format!("status {}", status.code.0))
}

#[cfg(test)]
mod tests {
    use mm7::{Status, StatusCode};

    use super::*;

    fn refused(code: u16) -> SubmitAnswer {
        SubmitAnswer::Refused {
            status: Status {
                code: StatusCode(code),
                text: None,
                details: None,
            },
        }
    }

    #[test]
    fn status_classes_decide_retry_or_fail() {
        let p = RetryPolicy::default();
        for code in [3000, 3510, 4006, 2569, 3500] {
            assert!(
                matches!(decide(&refused(code), 1, &p, 0.0), Decision::Retry { .. }),
                "{code}"
            );
        }
        for code in [2002, 2563, 3001, 4007, 2571, 2599] {
            match decide(&refused(code), 1, &p, 0.0) {
                Decision::Fail {
                    status_code,
                    reason,
                    rejected,
                } => {
                    assert_eq!(status_code, Some(i64::from(code)));
                    assert!(rejected);
                    assert!(!reason.is_empty());
                }
                other => panic!("{code}: {other:?}"),
            }
        }
        assert!(matches!(
            decide(&refused(3000), p.max_attempts, &p, 0.0),
            Decision::Fail {
                rejected: false,
                ..
            }
        ));
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, 1.0, None), Duration::from_secs(2));
        assert_eq!(p.delay(3, 1.0, None), Duration::from_secs(8));
        assert_eq!(p.delay(3, 0.0, None), Duration::from_secs(4));
        assert_eq!(p.delay(40, 1.0, None), p.max);
        assert_eq!(
            p.delay(1, 0.0, Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn an_unanswered_request_is_not_resent() {
        let d = decide(
            &SubmitAnswer::Unconfirmed {
                detail: "timeout".into(),
            },
            1,
            &RetryPolicy::default(),
            0.5,
        );
        assert!(matches!(
            d,
            Decision::Submitted {
                confirmed: false,
                message_id: None,
                ..
            }
        ));
    }
}
