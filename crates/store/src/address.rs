//! Addresses and the canonical participant key: the rule that makes one conversation one
//! thread.
//!
//! A phone number may arrive as `+1 (617) 555-0123`, `16175550123`, `6175550123` or
//! `tel:+16175550123/TYPE=PLMN`; all are the one E.164 number `+16175550123` (parsed with
//! the `phonenumber` crate in a default region, US unless configured). Short codes and
//! e-mail addresses are not phone numbers: they are kept as they are, lowercased.
//!
//! A [`ParticipantKey`] is the sorted, de-duplicated set of canonical addresses with our
//! own numbers removed, so the same people in any order, format or To/Cc placement give
//! the same key.

use std::collections::BTreeSet;
use std::fmt;

use phonenumber::Mode;
use phonenumber::country::Id as Region;
use serde::Serialize;

use crate::StoreError;

/// The region numbers without a country code are read in, unless configured otherwise.
pub const DEFAULT_REGION: &str = "US";

/// Digit strings up to this long are short codes, not phone numbers.
const SHORT_CODE_MAX_DIGITS: usize = 8;

/// How bare national numbers are read: the default region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberingPlan {
    region: Region,
}

impl Default for NumberingPlan {
    fn default() -> Self {
        NumberingPlan { region: Region::US }
    }
}

impl NumberingPlan {
    /// A plan reading national numbers in `region` (ISO 3166 alpha-2, e.g. `"GB"`).
    pub fn new(region: &str) -> Result<Self, StoreError> {
        let region = region
            .to_ascii_uppercase()
            .parse::<Region>()
            .map_err(|_| StoreError::InvalidRegion(region.to_owned()))?;
        Ok(NumberingPlan { region })
    }

    /// Canonicalizes one address as it arrived from the user, a contact card or MM7.
    pub fn canonical(&self, raw: &str) -> Result<Address, StoreError> {
        let invalid = || StoreError::InvalidAddress(raw.to_owned());
        let mut s = raw.trim();
        // MM7 writes numbers as `+16175550123/TYPE=PLMN`; URIs as `tel:` / `mailto:`.
        if let Some(slash) = s.find("/TYPE=").or_else(|| s.find("/type=")) {
            s = &s[..slash];
        }
        for scheme in ["tel:", "mailto:", "sms:", "mms:"] {
            if s.len() >= scheme.len() && s[..scheme.len()].eq_ignore_ascii_case(scheme) {
                s = s[scheme.len()..].trim();
            }
        }
        if s.is_empty() {
            return Err(invalid());
        }
        if s.contains('@') {
            return Ok(Address::Email(s.to_lowercase()));
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let only_number_chars = s
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if !only_number_chars || digits.is_empty() {
            // Alphanumeric sender ids and the like: kept as they are.
            return Ok(Address::Other(s.to_lowercase()));
        }
        if digits.len() <= SHORT_CODE_MAX_DIGITS && !s.starts_with('+') {
            return Ok(Address::ShortCode(digits));
        }
        match phonenumber::parse(Some(self.region), s) {
            Ok(number) => Ok(Address::Phone(number.format().mode(Mode::E164).to_string())),
            Err(_) if s.starts_with('+') => Ok(Address::Phone(format!("+{digits}"))),
            Err(_) => Ok(Address::Other(digits)),
        }
    }
}

/// A canonical address: the form stored everywhere (participants, contacts, deliveries).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Address {
    /// An E.164 number, `+` and digits.
    Phone(String),
    /// A short code, digits only.
    ShortCode(String),
    /// An e-mail address, lowercased.
    Email(String),
    /// Anything else (alphanumeric sender ids), lowercased.
    Other(String),
}

impl Address {
    pub fn as_str(&self) -> &str {
        match self {
            Address::Phone(s) | Address::ShortCode(s) | Address::Email(s) | Address::Other(s) => s,
        }
    }

    /// Forms of this address worth finding by full-text search: the E.164 digits and, for
    /// North American numbers, the ten national digits.
    pub(crate) fn search_forms(&self) -> Vec<String> {
        match self {
            Address::Phone(e164) => {
                let digits = e164.trim_start_matches('+').to_owned();
                let mut forms = vec![digits.clone()];
                if let Some(national) = digits.strip_prefix('1').filter(|n| n.len() == 10) {
                    forms.push(national.to_owned());
                }
                forms
            }
            other => vec![other.as_str().to_owned()],
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of a conversation: sorted canonical participants, our own numbers removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParticipantKey {
    members: Vec<Address>,
}

/// Separates members in the stored key; no canonical address contains it.
const KEY_SEPARATOR: char = ' ';

impl ParticipantKey {
    /// The key of a conversation among `participants` (in any order or format, duplicates
    /// allowed), seen from an office whose own numbers are `own`.
    pub fn new<'a>(
        plan: &NumberingPlan,
        participants: impl IntoIterator<Item = &'a str>,
        own: &[Address],
    ) -> Result<Self, StoreError> {
        let addresses = participants
            .into_iter()
            .map(|raw| plan.canonical(raw))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_canonical(addresses, own)
    }

    /// The key of addresses already in canonical form.
    pub fn from_canonical(
        participants: impl IntoIterator<Item = Address>,
        own: &[Address],
    ) -> Result<Self, StoreError> {
        let set: BTreeSet<Address> = participants
            .into_iter()
            .filter(|a| !own.contains(a))
            .collect();
        if set.is_empty() {
            return Err(StoreError::NoParticipants);
        }
        Ok(ParticipantKey {
            members: set.into_iter().collect(),
        })
    }

    pub fn members(&self) -> &[Address] {
        &self.members
    }

    /// The stored form: the members joined by a space.
    pub fn as_stored(&self) -> String {
        let mut key = String::new();
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                key.push(KEY_SEPARATOR);
            }
            key.push_str(m.as_str());
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> NumberingPlan {
        NumberingPlan::default()
    }

    #[test]
    fn every_format_of_one_number_is_one_address() {
        for raw in [
            "+1 (617) 555-0123",
            "16175550123",
            "6175550123",
            "tel:+16175550123",
            "+16175550123/TYPE=PLMN",
            " (617) 555-0123 ",
        ] {
            assert_eq!(
                us().canonical(raw).unwrap(),
                Address::Phone("+16175550123".into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn short_codes_and_emails_are_kept_lowercased() {
        assert_eq!(
            us().canonical("72345").unwrap(),
            Address::ShortCode("72345".into())
        );
        assert_eq!(
            us().canonical("Claims@Example.COM").unwrap(),
            Address::Email("claims@example.com".into())
        );
        assert_eq!(
            us().canonical("mailto:Tow@Example.com").unwrap(),
            Address::Email("tow@example.com".into())
        );
        assert!(matches!(
            us().canonical("  "),
            Err(StoreError::InvalidAddress(_))
        ));
    }

    #[test]
    fn the_region_decides_how_national_numbers_read() {
        let gb = NumberingPlan::new("gb").unwrap();
        assert_eq!(
            gb.canonical("020 7946 0018").unwrap(),
            Address::Phone("+442079460018".into())
        );
        assert_eq!(
            us().canonical("+44 20 7946 0018").unwrap(),
            Address::Phone("+442079460018".into())
        );
        assert!(NumberingPlan::new("ZZ").is_err());
    }

    #[test]
    fn key_ignores_order_format_duplicates_and_our_own_numbers() {
        let own = [us().canonical("+1 617 555 0100").unwrap()];
        let a = ParticipantKey::new(
            &us(),
            ["+1 (617) 555-0123", "tel:+16175550199", "6175550100"],
            &own,
        )
        .unwrap();
        let b = ParticipantKey::new(&us(), ["617-555-0199", "16175550123", "16175550123"], &own)
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_stored(), "+16175550123 +16175550199");
        assert!(matches!(
            ParticipantKey::new(&us(), ["6175550100"], &own),
            Err(StoreError::NoParticipants)
        ));
    }
}
