//! Addresses and recipient lists.
//!
//! MM7 addresses are one of `<Number>`, `<ShortCode>` or `<RFC2822Address>`, each with the
//! `displayOnly`, `addressCoding` and `id` attributes. `displayOnly` is kept as an
//! `Option<bool>` because *absent* and *false* differ in practice: Sinch marks the
//! originator of an inbound group message by leaving it off (BRIEF §0.3), and the group
//! rules count an absent attribute as "deliver" (BRIEF §0.1).

use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

/// Which address element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AddressKind {
    /// `<Number>`: digits, international format without `+` at Sinch.
    Number,
    /// `<ShortCode>`.
    ShortCode,
    /// `<RFC2822Address>`: an e-mail style address.
    Email,
}

impl AddressKind {
    pub fn element(self) -> &'static str {
        match self {
            AddressKind::Number => "Number",
            AddressKind::ShortCode => "ShortCode",
            AddressKind::Email => "RFC2822Address",
        }
    }

    fn from_element(local: &str) -> Option<AddressKind> {
        match local {
            "Number" => Some(AddressKind::Number),
            "ShortCode" => Some(AddressKind::ShortCode),
            "RFC2822Address" => Some(AddressKind::Email),
            _ => None,
        }
    }
}

/// One address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Address {
    pub kind: AddressKind,
    /// Normalised value: trimmed, `/TYPE=PLMN` removed, and for numbers a leading `+`
    /// removed (Sinch wants international format without `+`).
    pub value: String,
    #[cfg_attr(feature = "serde", serde(default))]
    pub display_only: Option<bool>,
    /// `encrypted` or `obfuscated`, kept as sent.
    #[cfg_attr(feature = "serde", serde(default))]
    pub address_coding: Option<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub id: Option<String>,
}

impl Address {
    pub fn number(value: impl Into<String>) -> Self {
        Address::new(AddressKind::Number, value)
    }

    pub fn short_code(value: impl Into<String>) -> Self {
        Address::new(AddressKind::ShortCode, value)
    }

    pub fn email(value: impl Into<String>) -> Self {
        Address::new(AddressKind::Email, value)
    }

    pub fn new(kind: AddressKind, value: impl Into<String>) -> Self {
        Address {
            kind,
            value: value.into(),
            display_only: None,
            address_coding: None,
            id: None,
        }
    }

    pub fn with_display_only(mut self, display_only: bool) -> Self {
        self.display_only = Some(display_only);
        self
    }

    /// Whether a message is delivered to this address: `displayOnly` defaults to false.
    pub fn is_deliverable(&self) -> bool {
        self.display_only != Some(true)
    }

    /// Reads the address held by `container` (`<Sender>`, `<To>`, `<Recipient>` …): the
    /// first address child, or (Mbuni) bare text directly in the container.
    pub(crate) fn read_in(container: &Element) -> Result<Option<Address>, DecodeError> {
        if let Some(first) = container
            .children
            .iter()
            .find(|c| AddressKind::from_element(&c.local).is_some())
        {
            return Address::read(first).map(Some);
        }
        let bare = container.text.trim();
        if bare.is_empty() {
            return Ok(None);
        }
        let kind = if bare.contains('@') {
            AddressKind::Email
        } else {
            AddressKind::Number
        };
        Ok(Some(Address::new(kind, normalise(kind, bare))))
    }

    /// Reads every address child of `container`, in document order.
    pub(crate) fn read_all_in(container: &Element) -> Result<Vec<Address>, DecodeError> {
        let mut found = Vec::new();
        for child in &container.children {
            if AddressKind::from_element(&child.local).is_some() {
                found.push(Address::read(child)?);
            }
        }
        if found.is_empty()
            && let Some(bare) = Address::read_in(container)?
        {
            found.push(bare);
        }
        Ok(found)
    }

    fn read(element: &Element) -> Result<Address, DecodeError> {
        let kind = AddressKind::from_element(&element.local).unwrap_or(AddressKind::Number);
        let display_only = match element.attribute("displayOnly") {
            Some(v) => Some(parse_bool("displayOnly", v)?),
            None => None,
        };
        Ok(Address {
            kind,
            value: normalise(kind, &element.text),
            display_only,
            address_coding: element
                .attribute("addressCoding")
                .map(|v| v.trim().to_owned()),
            id: element.attribute("id").map(|v| v.trim().to_owned()),
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let mut attributes: Vec<(&str, &str)> = Vec::new();
        if let Some(d) = self.display_only {
            attributes.push(("displayOnly", if d { "true" } else { "false" }));
        }
        if let Some(c) = &self.address_coding {
            attributes.push(("addressCoding", c));
        }
        if let Some(id) = &self.id {
            attributes.push(("id", id));
        }
        w.text_element_with(self.kind.element(), &attributes, &self.value);
    }

    /// Writes `<name><Address/></name>`.
    pub(crate) fn write_in(&self, w: &mut XmlWriter, name: &str) {
        w.open(name);
        self.write(w);
        w.close(name);
    }
}

fn normalise(kind: AddressKind, raw: &str) -> String {
    let mut value = raw.trim();
    // Nokia-style MMSCs append "/TYPE=PLMN" (or another /TYPE=); the type is implied by
    // the element, so drop it.
    if let Some(slash) = value.rfind('/')
        && value[slash..].to_ascii_uppercase().starts_with("/TYPE=")
    {
        value = value[..slash].trim_end();
    }
    if kind == AddressKind::Number {
        value = value.strip_prefix('+').unwrap_or(value);
    }
    value.to_owned()
}

/// Which block of `<Recipients>` an address sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum RecipientField {
    To,
    Cc,
    Bcc,
}

impl RecipientField {
    pub const ALL: [RecipientField; 3] =
        [RecipientField::To, RecipientField::Cc, RecipientField::Bcc];

    pub fn element(self) -> &'static str {
        match self {
            RecipientField::To => "To",
            RecipientField::Cc => "Cc",
            RecipientField::Bcc => "Bcc",
        }
    }
}

/// One entry of `<Recipients>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recipient {
    pub field: RecipientField,
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub address: Address,
}

impl Recipient {
    pub fn to(address: Address) -> Self {
        Recipient {
            field: RecipientField::To,
            address,
        }
    }
}

/// Reads `<Recipients>`: every `To`, `Cc` and `Bcc` block in document order.
pub(crate) fn read_recipients(recipients: &Element) -> Result<Vec<Recipient>, DecodeError> {
    let mut out = Vec::new();
    for block in &recipients.children {
        let field = match block.local.as_str() {
            "To" => RecipientField::To,
            "Cc" => RecipientField::Cc,
            "Bcc" => RecipientField::Bcc,
            _ => continue,
        };
        for address in Address::read_all_in(block)? {
            out.push(Recipient { field, address });
        }
    }
    Ok(out)
}

/// Writes `<Recipients>` with one block per field, To then Cc then Bcc (schema order);
/// addresses keep their relative order within a block.
pub(crate) fn write_recipients(w: &mut XmlWriter, recipients: &[Recipient]) {
    w.open("Recipients");
    for field in RecipientField::ALL {
        if recipients.iter().any(|r| r.field == field) {
            w.open(field.element());
            for r in recipients.iter().filter(|r| r.field == field) {
                r.address.write(w);
            }
            w.close(field.element());
        }
    }
    w.close("Recipients");
}

/// `true`/`false`/`1`/`0`, any case (some producers write `True`; BRIEF §3).
pub(crate) fn parse_bool(element: &'static str, raw: &str) -> Result<bool, DecodeError> {
    let v = raw.trim();
    if v.eq_ignore_ascii_case("true") || v == "1" {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") || v == "0" {
        Ok(false)
    } else {
        Err(DecodeError::InvalidValue {
            element,
            value: v.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised() {
        assert_eq!(
            normalise(AddressKind::Number, " +12025550100/TYPE=PLMN \n"),
            "12025550100"
        );
        assert_eq!(
            normalise(AddressKind::Number, "12025550100/type=plmn"),
            "12025550100"
        );
        assert_eq!(normalise(AddressKind::Email, "a/b@x.com"), "a/b@x.com");
        assert_eq!(normalise(AddressKind::ShortCode, "+111122"), "+111122");
    }

    #[test]
    fn booleans_are_case_insensitive() {
        assert_eq!(parse_bool("x", "True"), Ok(true));
        assert_eq!(parse_bool("x", " FALSE "), Ok(false));
        assert_eq!(parse_bool("x", "1"), Ok(true));
        assert!(parse_bool("x", "yes please").is_err());
    }
}
