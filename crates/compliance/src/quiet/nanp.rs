//! The shipped NANP area-code table (`data/nanp_area_codes.tsv`) and reading a phone
//! number's area code.
//!
//! Why a data file: the table is reviewed against NANPA's assignments, not against Rust;
//! keeping it as a tab-separated file with its source in the header lets anyone check or
//! extend it without touching code. It is compiled in with `include_str!`, so the crate
//! still does no I/O.

use std::collections::HashMap;
use std::sync::LazyLock;

const TABLE: &str = include_str!("../../data/nanp_area_codes.tsv");

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AreaCode {
    pub(crate) npa: u16,
    /// State, territory or province code; several joined by `/` (`NS/PE`).
    pub(crate) region: &'static str,
    /// The zone covering most of the code's population.
    pub(crate) zone: &'static str,
    /// Other zones inside the code (multi-zone codes), possibly none.
    pub(crate) others: Vec<&'static str>,
}

impl AreaCode {
    pub(crate) fn in_region(&self, code: &str) -> bool {
        self.region.split('/').any(|r| r.eq_ignore_ascii_case(code))
    }
}

static AREA_CODES: LazyLock<HashMap<u16, AreaCode>> = LazyLock::new(|| {
    // The table is a compile-time constant; `the_shipped_table_parses` proves it is valid.
    parse(TABLE).unwrap_or_else(|e| panic!("data/nanp_area_codes.tsv: {e}"))
});

pub(crate) fn lookup(npa: u16) -> Option<&'static AreaCode> {
    AREA_CODES.get(&npa)
}

fn parse(text: &'static str) -> Result<HashMap<u16, AreaCode>, String> {
    let mut rows = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        let [npa, region, zone, others, ..] = cols[..] else {
            return Err(format!("line {}: needs at least 4 columns", i + 1));
        };
        let npa: u16 = npa
            .parse()
            .map_err(|_| format!("line {}: bad npa {npa:?}", i + 1))?;
        let others = match others {
            "-" => Vec::new(),
            list => list.split(',').collect(),
        };
        let row = AreaCode {
            npa,
            region,
            zone,
            others,
        };
        if rows.insert(npa, row).is_some() {
            return Err(format!("line {}: area code {npa} listed twice", i + 1));
        }
    }
    Ok(rows)
}

/// The NANP area code of a phone number, if it is one: `+1NPANXXXXXX` (E.164), or
/// national forms with 11 digits starting with 1 or exactly 10 digits. Spaces,
/// punctuation and a `tel:` prefix are ignored. Any other country code gives `None`.
pub(crate) fn area_code_of(number: &str) -> Option<u16> {
    let number = number.trim();
    let number = number.strip_prefix("tel:").unwrap_or(number);
    let digits: Vec<u8> = number.bytes().filter(u8::is_ascii_digit).collect();
    let national = match (number.starts_with('+'), digits.len(), digits.first()) {
        (true, 11, Some(b'1')) | (false, 11, Some(b'1')) => &digits[1..],
        (false, 10, _) => &digits[..],
        _ => return None,
    };
    // NANP: area code and exchange both start with 2-9.
    if !(b'2'..=b'9').contains(&national[0]) || !(b'2'..=b'9').contains(&national[3]) {
        return None;
    }
    Some(
        national[..3]
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_is_broad() {
        let rows = parse(TABLE).unwrap();
        assert!(rows.len() > 400, "{} rows", rows.len());
        assert!(rows.contains_key(&212) && rows.contains_key(&416) && rows.contains_key(&808));
    }

    #[test]
    fn every_zone_is_in_the_bundled_tz_database() {
        for row in AREA_CODES.values() {
            for zone in std::iter::once(&row.zone).chain(&row.others) {
                assert!(jiff::tz::TimeZone::get(zone).is_ok(), "{}: {zone}", row.npa);
            }
        }
    }

    #[test]
    fn every_state_province_and_territory_is_covered() {
        const REGIONS: &str = "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN \
            MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY \
            PR VI GU MP AS AB BC MB NB NL NS PE ON QC SK YT NT NU";
        let known: Vec<&str> = REGIONS.split_whitespace().collect();
        for row in AREA_CODES.values() {
            for region in row.region.split('/') {
                assert!(
                    known.contains(&region),
                    "{}: unknown region {region}",
                    row.npa
                );
            }
        }
        for region in known {
            assert!(
                AREA_CODES.values().any(|r| r.in_region(region)),
                "no area code for {region}"
            );
        }
    }

    #[test]
    fn reads_area_codes() {
        assert_eq!(area_code_of("+14155550123"), Some(415));
        assert_eq!(area_code_of("tel:+1-305-555-0123"), Some(305));
        assert_eq!(area_code_of("(918) 555-0123"), Some(918));
        assert_eq!(area_code_of("1 907 555 0123"), Some(907));
        assert_eq!(area_code_of("+442071234567"), None);
        assert_eq!(area_code_of("+11235550123"), None);
        assert_eq!(area_code_of("+1415"), None);
    }
}
