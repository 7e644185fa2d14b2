//! Quiet hours with injected instants across US and Canadian zones, DST days included,
//! and mixed-zone groups. Instants are written as RFC 3339 with the local offset so each
//! case reads as "what time is it for the recipient".

use compliance::{Allowed, Hours, MultiZone, QuietError, QuietPolicy, next_allowed};

const NEW_YORK: &str = "+12125550100";
const CHICAGO: &str = "+13125550100";
const DENVER: &str = "+13035550100";
const PHOENIX: &str = "+16025550100";
const LOS_ANGELES: &str = "+14155550100";
const ANCHORAGE: &str = "+19075550100";
const HONOLULU: &str = "+18085550100";
const MIAMI: &str = "+13055550100";
const OKLAHOMA_CITY: &str = "+14055550100";
const TORONTO: &str = "+14165550100";
const ST_JOHNS: &str = "+17095550100";
const GUAM: &str = "+16715550100";
const LONDON: &str = "+442071234567";

fn ms(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<jiff::Timestamp>()
        .expect("valid RFC 3339")
        .as_millisecond()
}

fn when(at: &str, recipients: &[&str]) -> Allowed {
    next_allowed(ms(at), recipients, &QuietPolicy::default()).expect("a common window")
}

fn at(rfc3339: &str) -> Allowed {
    Allowed::At(ms(rfc3339))
}

#[test]
fn eastern_opens_at_eight_and_closes_at_nine() {
    assert_eq!(
        when("2026-07-15T07:59:00-04:00", &[NEW_YORK]),
        at("2026-07-15T08:00:00-04:00")
    );
    assert_eq!(when("2026-07-15T08:00:00-04:00", &[NEW_YORK]), Allowed::Now);
    assert_eq!(when("2026-07-15T20:59:59-04:00", &[NEW_YORK]), Allowed::Now);
    assert_eq!(
        when("2026-07-15T21:00:00-04:00", &[NEW_YORK]),
        at("2026-07-16T08:00:00-04:00")
    );
}

#[test]
fn central_late_evening_waits_for_the_next_morning() {
    assert_eq!(
        when("2026-01-15T21:30:00-06:00", &[CHICAGO]),
        at("2026-01-16T08:00:00-06:00")
    );
    assert_eq!(when("2026-01-15T12:00:00-06:00", &[CHICAGO]), Allowed::Now);
}

#[test]
fn arizona_keeps_standard_time_while_denver_springs_forward() {
    // 14:00 UTC in July: 08:00 MDT in Denver, 07:00 MST in Phoenix.
    assert_eq!(when("2026-07-15T14:00:00Z", &[DENVER]), Allowed::Now);
    assert_eq!(
        when("2026-07-15T14:00:00Z", &[PHOENIX]),
        at("2026-07-15T15:00:00Z")
    );
    // In January both are on MST.
    assert_eq!(when("2026-01-15T15:00:00Z", &[DENVER]), Allowed::Now);
    assert_eq!(when("2026-01-15T15:00:00Z", &[PHOENIX]), Allowed::Now);
}

#[test]
fn pacific_after_closing_waits_until_eight_pdt() {
    assert_eq!(
        when("2026-07-14T22:00:00-07:00", &[LOS_ANGELES]),
        at("2026-07-15T08:00:00-07:00")
    );
}

#[test]
fn alaska_waits_for_the_aleutians_unless_policy_takes_the_majority_zone() {
    // 907 also covers Adak (Hawaii-Aleutian time, an hour behind Anchorage).
    assert_eq!(
        when("2026-07-15T07:30:00-08:00", &[ANCHORAGE]),
        at("2026-07-15T09:00:00-08:00")
    );
    let majority = QuietPolicy {
        multi_zone: MultiZone::MajorityZone,
        ..QuietPolicy::default()
    };
    let got = next_allowed(ms("2026-07-15T07:30:00-08:00"), &[ANCHORAGE], &majority).unwrap();
    assert_eq!(got, at("2026-07-15T08:00:00-08:00"));
}

#[test]
fn hawaii_has_no_dst() {
    assert_eq!(
        when("2026-07-15T07:59:00-10:00", &[HONOLULU]),
        at("2026-07-15T08:00:00-10:00")
    );
    assert_eq!(
        when("2026-01-15T07:59:00-10:00", &[HONOLULU]),
        at("2026-01-15T08:00:00-10:00")
    );
}

#[test]
fn florida_and_oklahoma_close_at_eight_pm() {
    assert_eq!(when("2026-07-15T20:30:00-04:00", &[NEW_YORK]), Allowed::Now);
    assert_eq!(
        when("2026-07-15T20:30:00-04:00", &[MIAMI]),
        at("2026-07-16T08:00:00-04:00")
    );
    assert_eq!(
        when("2026-07-15T19:59:00-05:00", &[OKLAHOMA_CITY]),
        Allowed::Now
    );
    assert_eq!(
        when("2026-07-15T20:00:00-05:00", &[OKLAHOMA_CITY]),
        at("2026-07-16T08:00:00-05:00")
    );
}

#[test]
fn dst_transition_days_open_at_local_eight() {
    // Spring forward, 8 March 2026: 01:00 EST, and the opening is 08:00 EDT (12:00 UTC).
    assert_eq!(
        when("2026-03-08T01:00:00-05:00", &[NEW_YORK]),
        at("2026-03-08T12:00:00Z")
    );
    // The day before, 08:00 EST is 13:00 UTC.
    assert_eq!(
        when("2026-03-07T01:00:00-05:00", &[NEW_YORK]),
        at("2026-03-07T13:00:00Z")
    );
    // Fall back, 1 November 2026: 01:00 EDT, and the opening is 08:00 EST (13:00 UTC).
    assert_eq!(
        when("2026-11-01T01:00:00-04:00", &[NEW_YORK]),
        at("2026-11-01T13:00:00Z")
    );
    // Closing on the fall-back day is 21:00 EST.
    assert_eq!(when("2026-11-01T20:59:00-05:00", &[NEW_YORK]), Allowed::Now);
    assert_eq!(
        when("2026-11-01T21:00:00-05:00", &[NEW_YORK]),
        at("2026-11-02T08:00:00-05:00")
    );
}

#[test]
fn canadian_zones_including_newfoundland_half_hour() {
    assert_eq!(
        when("2026-07-15T07:00:00-04:00", &[TORONTO]),
        at("2026-07-15T08:00:00-04:00")
    );
    // 709 also covers Labrador (Atlantic time, half an hour behind St. John's).
    assert_eq!(
        when("2026-07-15T07:00:00-02:30", &[ST_JOHNS]),
        at("2026-07-15T08:30:00-02:30")
    );
    let majority = QuietPolicy {
        multi_zone: MultiZone::MajorityZone,
        ..QuietPolicy::default()
    };
    let got = next_allowed(ms("2026-07-15T07:00:00-02:30"), &[ST_JOHNS], &majority).unwrap();
    assert_eq!(got, at("2026-07-15T08:00:00-02:30"));
}

#[test]
fn a_mixed_zone_group_waits_for_the_strictest_participant() {
    let group = [NEW_YORK, LOS_ANGELES, HONOLULU, MIAMI];
    // 08:00 in New York: Honolulu opens last, at 08:00 HST = 14:00 EDT.
    assert_eq!(
        when("2026-07-15T08:00:00-04:00", &group),
        at("2026-07-15T14:00:00-04:00")
    );
    // 20:30 in Miami is closed; next morning New York and Miami open first, Honolulu last.
    assert_eq!(
        when("2026-07-15T20:30:00-04:00", &group),
        at("2026-07-16T08:00:00-10:00")
    );
    // Mid-afternoon Eastern everyone is inside: send now.
    assert_eq!(when("2026-07-15T15:00:00-04:00", &group), Allowed::Now);
}

#[test]
fn a_group_spanning_the_date_line_still_finds_its_overlap() {
    // Guam (UTC+10) 08:00 is 18:00 EDT the previous day; New York closes at 21:00.
    assert_eq!(
        when("2026-07-15T12:00:00-04:00", &[NEW_YORK, GUAM]),
        at("2026-07-15T18:00:00-04:00")
    );
}

#[test]
fn windows_that_never_overlap_are_an_error() {
    let narrow = QuietPolicy {
        default_hours: Hours::new(8 * 60, 10 * 60).unwrap(),
        ..QuietPolicy::default()
    };
    let got = next_allowed(ms("2026-07-15T12:00:00Z"), &[HONOLULU, GUAM], &narrow);
    assert!(
        matches!(
            got,
            Err(QuietError::NoCommonWindow {
                horizon_days: 8,
                ..
            })
        ),
        "{got:?}"
    );
}

#[test]
fn unknown_numbers_wait_for_every_us_zone() {
    // 10:00 EDT is 04:00 in Honolulu: wait for 08:00 HST.
    assert_eq!(
        when("2026-07-15T10:00:00-04:00", &[LONDON]),
        at("2026-07-15T08:00:00-10:00")
    );
    // And stop at 20:00 Eastern (the strictest closing, Florida's).
    assert_eq!(when("2026-07-15T19:59:00-04:00", &[LONDON]), Allowed::Now);
    assert_eq!(
        when("2026-07-15T20:00:00-04:00", &[LONDON]),
        at("2026-07-16T08:00:00-10:00")
    );
    assert_eq!(
        when("2026-07-15T15:00:00-04:00", &["+18005550100"]),
        Allowed::Now
    );
}

#[test]
fn no_recipients_means_now() {
    assert_eq!(when("2026-07-15T03:00:00Z", &[]), Allowed::Now);
}

/// Checks the "earliest instant" claim by brute force: for pseudo-random groups and
/// instants over a year (DST changes included), the answer is open for everyone and no
/// whole minute before it is.
#[test]
fn the_answer_is_the_earliest_minute_everyone_is_open() {
    let numbers = [
        NEW_YORK,
        CHICAGO,
        DENVER,
        PHOENIX,
        LOS_ANGELES,
        ANCHORAGE,
        HONOLULU,
        MIAMI,
        OKLAHOMA_CITY,
        TORONTO,
        ST_JOHNS,
        GUAM,
        LONDON,
    ];
    let policy = QuietPolicy::default();
    let open_at = |t: i64, group: &[&str]| next_allowed(t, group, &policy).unwrap() == Allowed::Now;
    let year_start = ms("2026-01-01T00:00:00Z");
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    for _ in 0..40 {
        let size = 1 + (next() % 4) as usize;
        let group: Vec<&str> = (0..size)
            .map(|_| numbers[next() as usize % numbers.len()])
            .collect();
        let at = year_start + (next() % (365 * 24 * 60)) as i64 * 60_000;
        match next_allowed(at, &group, &policy).unwrap() {
            Allowed::Now => assert!(open_at(at, &group)),
            Allowed::At(t) => {
                assert!(
                    t > at && open_at(t, &group),
                    "{group:?} at {at}: {t} is not open"
                );
                let mut minute = at;
                while minute < t {
                    assert!(
                        !open_at(minute, &group),
                        "{group:?}: {minute} is open before {t}"
                    );
                    minute += 60_000;
                }
            }
        }
    }
}
