//! Quiet hours: when a recipient may be texted, by the recipient's local time.
//!
//! Why: federal TCPA rules allow solicitations only 8:00–21:00 local time, Florida (FTSA)
//! and Oklahoma (OTSA) 8:00–20:00, and both states presume residency from the area code
//! (brief §7). The recipient's zone comes from the area code via the shipped NANP table;
//! a group may be texted only when every participant is inside their window.
//!
//! Times are Unix milliseconds passed in by the caller; nothing here reads the clock.
//! Time-zone rules (DST included) come from the tz database bundled into `jiff`, so the
//! result does not depend on the machine's `/usr/share/zoneinfo`.

mod hours;
mod nanp;
mod next;

pub use hours::Hours;
pub use next::{Allowed, next_allowed, next_allowed_in};

/// Zones of the 50 states and DC, for numbers whose zone is unknown: an unknown area code
/// (toll-free, 500-series, a code newer than the table), a Caribbean NANP number or a
/// non-NANP number. Such a number is texted only when it is inside the window in every
/// one of these zones: 8:00 in Honolulu to 20:00 (or 21:00) in New York, whatever DST
/// does. A wrong guess would risk a 6 a.m. text; this can only delay one. US territories
/// (Guam is UTC+10) are left out: they would shrink the window to a few hours for every
/// unknown number, and their own numbers are in the table.
pub const UNKNOWN_NUMBER_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
];

/// How to treat an area code that spans several time zones (e.g. 850 in Florida, 605 in
/// South Dakota, marked in the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MultiZone {
    /// The window must hold in every zone of the code: never early or late for anyone.
    #[default]
    AllZones,
    /// Only the zone covering most of the code's population.
    MajorityZone,
}

/// An account's quiet-hours policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuietPolicy {
    /// Hours for every number (federal: 8:00–21:00).
    pub default_hours: Hours,
    /// Stricter hours by region code (`FL`, `OK`, `ON`…). An override only narrows: a
    /// number in the region gets the intersection with `default_hours`.
    pub region_hours: Vec<(String, Hours)>,
    pub multi_zone: MultiZone,
}

impl Default for QuietPolicy {
    /// Federal hours, Florida and Oklahoma at 8:00–20:00, every zone of a multi-zone code.
    fn default() -> Self {
        QuietPolicy {
            default_hours: Hours::FEDERAL,
            region_hours: vec![
                ("FL".to_owned(), Hours::FLORIDA_OKLAHOMA),
                ("OK".to_owned(), Hours::FLORIDA_OKLAHOMA),
            ],
            multi_zone: MultiZone::AllZones,
        }
    }
}

/// Where a number's window came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// A NANP area code found in the table.
    AreaCode { npa: u16, region: &'static str },
    /// No usable area code: the strictest window across US zones.
    Unknown,
}

/// A recipient's window: `hours` must hold in every one of `zones` at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub hours: Hours,
    /// IANA zone names; one for most numbers.
    pub zones: Vec<&'static str>,
    pub basis: Basis,
}

/// The quiet-hours window for one phone number (E.164 `+1…`; national NANP forms are
/// accepted too).
///
/// Unknown and non-NANP numbers get the strictest window: the policy's default hours
/// narrowed by every regional override (so 8:00–20:00 by default), holding in all of
/// [`UNKNOWN_NUMBER_ZONES`].
pub fn window_for(e164: &str, policy: &QuietPolicy) -> Window {
    let Some(code) = nanp::area_code_of(e164).and_then(nanp::lookup) else {
        let hours = policy
            .region_hours
            .iter()
            .fold(policy.default_hours, |h, (_, o)| h.intersect(*o));
        return Window {
            hours,
            zones: UNKNOWN_NUMBER_ZONES.to_vec(),
            basis: Basis::Unknown,
        };
    };
    let hours = policy
        .region_hours
        .iter()
        .filter(|(region, _)| code.in_region(region))
        .fold(policy.default_hours, |h, (_, o)| h.intersect(*o));
    let mut zones = vec![code.zone];
    if policy.multi_zone == MultiZone::AllZones {
        zones.extend(&code.others);
    }
    Window {
        hours,
        zones,
        basis: Basis::AreaCode {
            npa: code.npa,
            region: code.region,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn florida_and_oklahoma_close_at_eight() {
        let p = QuietPolicy::default();
        assert_eq!(
            window_for("+13055550123", &p).hours,
            Hours::FLORIDA_OKLAHOMA
        );
        assert_eq!(
            window_for("+19185550123", &p).hours,
            Hours::FLORIDA_OKLAHOMA
        );
        assert_eq!(window_for("+12125550123", &p).hours, Hours::FEDERAL);
    }

    #[test]
    fn multi_zone_codes_follow_the_policy() {
        let mut p = QuietPolicy::default();
        let w = window_for("+18505550123", &p);
        assert_eq!(w.zones, ["America/Chicago", "America/New_York"]);
        assert_eq!(
            w.basis,
            Basis::AreaCode {
                npa: 850,
                region: "FL"
            }
        );
        p.multi_zone = MultiZone::MajorityZone;
        assert_eq!(window_for("+18505550123", &p).zones, ["America/Chicago"]);
    }

    #[test]
    fn unknown_numbers_get_the_strictest_window() {
        for number in ["+18005550123", "+442071234567", "garbage", "+12425550123"] {
            let w = window_for(number, &QuietPolicy::default());
            assert_eq!(w.basis, Basis::Unknown, "{number}");
            assert_eq!(w.hours, Hours::FLORIDA_OKLAHOMA);
            assert_eq!(w.zones.len(), UNKNOWN_NUMBER_ZONES.len());
        }
    }
}
