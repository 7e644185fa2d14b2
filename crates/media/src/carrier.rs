//! US carriers' MMS size limits for what Sinch sends without transcoding (brief §5).
//!
//! A group message reaches every participant's carrier unchanged, so it must fit the
//! smallest limit among them; today that is Verizon on 10DLC (1,310,720 bytes binary).
//! Figures are binary sizes of the whole MMS; the base64 figures the brief also gives are
//! the same limits measured on the wire and are not needed here.

/// A carrier whose MMS size limit the brief documents, or `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carrier {
    Att,
    TMobile,
    Verizon,
    UsCellular,
    /// Any carrier without a documented figure (Google Voice, MVNOs, Canadian carriers,
    /// a failed lookup).
    Unknown,
}

/// How the message leaves Sinch. Group MMS is 10DLC only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Route {
    #[default]
    TenDlc,
    ShortCode,
}

/// 1 MB as the brief's sources count it (1.25 MB = 1,310,720 bytes).
const MB: f64 = 1_048_576.0;

/// Every carrier with a documented limit.
pub const KNOWN_CARRIERS: [Carrier; 4] = [
    Carrier::Att,
    Carrier::TMobile,
    Carrier::Verizon,
    Carrier::UsCellular,
];

impl Carrier {
    /// The binary MMS size limit in bytes on `route`, or `None` for [`Carrier::Unknown`].
    pub fn limit(self, route: Route) -> Option<u64> {
        Some(match (route, self) {
            (_, Carrier::Unknown) => return None,
            // 10DLC: exact byte figures from Sinch's size-limit table.
            (Route::TenDlc, Carrier::Att | Carrier::UsCellular) => 1_530_843,
            (Route::TenDlc, Carrier::TMobile) => 2_306_867,
            (Route::TenDlc, Carrier::Verizon) => 1_310_720,
            // Short code: given only as approximate megabytes.
            (Route::ShortCode, Carrier::Att) => MB as u64,
            (Route::ShortCode, Carrier::TMobile) => (2.1 * MB) as u64,
            (Route::ShortCode, Carrier::Verizon) => (1.26 * MB) as u64,
            (Route::ShortCode, Carrier::UsCellular) => (5.25 * MB) as u64,
        })
    }

    /// From Sinch's operator ID (the `x-mblox-operator-id` header, brief §1). Brands on
    /// another carrier's network (Metro, Sprint) stay `Unknown`: the brief gives no figure.
    pub fn from_operator_id(id: u32) -> Carrier {
        match id {
            31002 => Carrier::Att,
            31003 => Carrier::Verizon,
            31004 => Carrier::TMobile,
            31012 => Carrier::UsCellular,
            _ => Carrier::Unknown,
        }
    }

    /// The brand a person knows for Sinch's operator ID `id` (brief §1's table), for
    /// showing beside a participant; `None` for an ID the table does not list.
    pub fn operator_name(id: &str) -> Option<&'static str> {
        Some(match id.trim() {
            "10488" => "Google Voice",
            "31002" => "AT&T",
            "31003" => "Verizon",
            "31004" => "T-Mobile",
            "31005" => "Sprint",
            "31012" => "US Cellular",
            "31062" => "Metro by T-Mobile",
            "33011" => "Claro PR",
            _ => return None,
        })
    }

    /// From a carrier's name as people and configs write it ("AT&T", "t-mobile", "VZW").
    pub fn from_name(name: &str) -> Carrier {
        let key: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        match key.as_str() {
            "att" | "atandt" | "attmobility" => Carrier::Att,
            "tmobile" | "tmo" | "tmobileus" => Carrier::TMobile,
            "verizon" | "vzw" | "verizonwireless" => Carrier::Verizon,
            "uscellular" | "usc" => Carrier::UsCellular,
            _ => Carrier::Unknown,
        }
    }
}

/// The largest binary MMS (bytes) every one of `carriers` accepts on 10DLC.
///
/// An [`Carrier::Unknown`] carrier, or no carriers at all, counts as the tightest known
/// limit: a message too big for an unknown carrier is refused with 2560/2004 or silently
/// dropped (brief §5), while sizing for the tightest known carrier only costs some image
/// quality. So not knowing never yields a bigger budget.
pub fn tightest_limit(carriers: &[Carrier]) -> u64 {
    tightest_limit_on(Route::TenDlc, carriers)
}

/// [`tightest_limit`] for a given route.
pub fn tightest_limit_on(route: Route, carriers: &[Carrier]) -> u64 {
    let floor = KNOWN_CARRIERS
        .iter()
        .filter_map(|c| c.limit(route))
        .min()
        .unwrap_or(0);
    carriers
        .iter()
        .map(|c| c.limit(route).unwrap_or(floor))
        .min()
        .unwrap_or(floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_ids_name_the_brand_people_know() {
        assert_eq!(Carrier::operator_name("31004"), Some("T-Mobile"));
        assert_eq!(Carrier::operator_name(" 31062 "), Some("Metro by T-Mobile"));
        assert_eq!(Carrier::operator_name("99999"), None);
    }

    #[test]
    fn the_group_fits_its_smallest_carrier() {
        assert_eq!(tightest_limit(&[Carrier::TMobile]), 2_306_867);
        assert_eq!(tightest_limit(&[Carrier::TMobile, Carrier::Att]), 1_530_843);
        assert_eq!(
            tightest_limit(&[Carrier::TMobile, Carrier::Verizon, Carrier::Att]),
            1_310_720
        );
    }

    #[test]
    fn unknown_or_no_carrier_gets_the_tightest_known_limit() {
        assert_eq!(
            tightest_limit(&[Carrier::TMobile, Carrier::Unknown]),
            1_310_720
        );
        assert_eq!(tightest_limit(&[]), 1_310_720);
        assert_eq!(
            tightest_limit_on(Route::ShortCode, &[Carrier::Unknown]),
            1_048_576
        );
        assert_eq!(
            tightest_limit_on(Route::ShortCode, &[Carrier::UsCellular]),
            5_505_024
        );
    }

    #[test]
    fn carriers_are_named_by_operator_id_or_name() {
        assert_eq!(Carrier::from_operator_id(31003), Carrier::Verizon);
        assert_eq!(Carrier::from_operator_id(10488), Carrier::Unknown);
        assert_eq!(Carrier::from_name("AT&T"), Carrier::Att);
        assert_eq!(Carrier::from_name("T-Mobile"), Carrier::TMobile);
        assert_eq!(Carrier::from_name("U.S. Cellular"), Carrier::UsCellular);
        assert_eq!(Carrier::from_name("Google Voice"), Carrier::Unknown);
    }
}
