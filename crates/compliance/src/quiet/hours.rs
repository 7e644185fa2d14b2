//! A daily local-time window, in minutes after midnight, and how two of them combine.

use crate::QuietError;

/// Local hours during which texting is allowed: from `open` (inclusive) to `close`
/// (exclusive), in minutes after local midnight. Windows never cross midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hours {
    open: u16,
    close: u16,
}

impl Hours {
    /// Federal TCPA calling hours: 8:00 to 21:00.
    pub const FEDERAL: Hours = Hours {
        open: 8 * 60,
        close: 21 * 60,
    };
    /// Florida (FTSA) and Oklahoma (OTSA): 8:00 to 20:00.
    pub const FLORIDA_OKLAHOMA: Hours = Hours {
        open: 8 * 60,
        close: 20 * 60,
    };

    /// Hours from `open` to `close`, minutes after midnight; `open < close <= 1440`.
    pub fn new(open: u16, close: u16) -> Result<Hours, QuietError> {
        if open < close && close <= 24 * 60 {
            Ok(Hours { open, close })
        } else {
            Err(QuietError::InvalidHours { open, close })
        }
    }

    pub fn open(self) -> u16 {
        self.open
    }

    pub fn close(self) -> u16 {
        self.close
    }

    /// Whether the window never opens (an intersection of windows that do not overlap).
    pub fn is_empty(self) -> bool {
        self.open >= self.close
    }

    /// The hours inside both windows: the later opening and the earlier closing. May be
    /// empty ([`Hours::is_empty`]).
    pub fn intersect(self, other: Hours) -> Hours {
        Hours {
            open: self.open.max(other.open),
            close: self.close.min(other.close),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Hours;

    #[test]
    fn validates_and_intersects() {
        assert!(Hours::new(9 * 60, 8 * 60).is_err());
        assert!(Hours::new(0, 24 * 60 + 1).is_err());
        let ct = Hours::new(9 * 60, 20 * 60).unwrap();
        assert_eq!(Hours::FEDERAL.intersect(ct), ct);
        assert!(
            Hours::new(8 * 60, 9 * 60)
                .unwrap()
                .intersect(Hours::new(10 * 60, 11 * 60).unwrap())
                .is_empty()
        );
    }
}
