//! MM7 status codes (BRIEF §4) and the decisions callers hang on them.
//!
//! The class is the thousands digit (1 success, 2 client, 3 server, 4 service), but the
//! retry decision is not purely by class: Sinch's 2569 (carrier lookup down) and 4006
//! (capacity) are transient, while 3001 (blacklisted) must never be retried. The
//! predicates encode exactly the rules of BRIEF §4 and §8 so no caller re-derives them.

use std::fmt;

/// An MM7 `StatusCode` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct StatusCode(pub u16);

impl StatusCode {
    pub const SUCCESS: StatusCode = StatusCode(1000);
    pub const PARTIAL_SUCCESS: StatusCode = StatusCode(1100);
    pub const CLIENT_ERROR: StatusCode = StatusCode(2000);
    pub const MESSAGE_FORMAT_CORRUPT: StatusCode = StatusCode(2007);
    pub const SERVER_ERROR: StatusCode = StatusCode(3000);
    pub const VALIDATION_ERROR: StatusCode = StatusCode(4004);
    pub const SINCH_GROUP_ALL_DISPLAY_ONLY: StatusCode = StatusCode(2571);
    pub const SINCH_GROUP_MANY_DELIVERABLE: StatusCode = StatusCode(2572);

    /// 1xxx: the request was carried out (fully or partly).
    pub fn is_success(self) -> bool {
        (1000..2000).contains(&self.0)
    }

    /// 1100: some recipients or parts failed.
    pub fn is_partial(self) -> bool {
        self.0 == 1100
    }

    /// 2xxx: the request itself is wrong; do not resend it unchanged. 2569 (Sinch's carrier
    /// lookup being down) is the one 2xxx that is not the client's fault.
    pub fn is_client_error(self) -> bool {
        (2000..3000).contains(&self.0) && self.0 != 2569
    }

    /// Retry with backoff: 3xxx (except 3001 blacklisted and 3002 charged party not
    /// supported), 4006 (capacity), 2569 (carrier lookup down). 3510 is included via 3xxx.
    pub fn is_transient(self) -> bool {
        match self.0 {
            3001 | 3002 => false,
            3000..=3999 => true,
            4006 | 2569 => true,
            _ => false,
        }
    }

    /// A failure that retrying will not fix (2xxx, 3001, 4xxx but 4006, unknown codes).
    pub fn is_permanent(self) -> bool {
        !self.is_success() && !self.is_transient()
    }

    /// The 3GPP TS 23.140 meaning of the code, if it is in the 3GPP table.
    pub fn meaning_3gpp(self) -> Option<&'static str> {
        THREE_GPP
            .iter()
            .find(|(c, _)| *c == self.0)
            .map(|(_, m)| *m)
    }

    /// Sinch's meaning of the code, if Sinch documents it.
    pub fn meaning_sinch(self) -> Option<&'static str> {
        SINCH.iter().find(|(c, _)| *c == self.0).map(|(_, m)| *m)
    }

    /// The most specific meaning known: Sinch's when it documents the code, else 3GPP's.
    pub fn meaning(self) -> Option<&'static str> {
        self.meaning_sinch().or_else(|| self.meaning_3gpp())
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The `<Status>` element of every response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Status {
    pub code: StatusCode,
    pub text: Option<String>,
    /// `<Details>`: free text in practice (the schema allows any content; we keep its text).
    #[cfg_attr(feature = "serde", serde(default))]
    pub details: Option<String>,
}

impl Status {
    /// 1000 with the given text.
    pub fn success(text: impl Into<String>) -> Self {
        Status {
            code: StatusCode::SUCCESS,
            text: Some(text.into()),
            details: None,
        }
    }
}

/// 3GPP TS 23.140 table (BRIEF §4).
pub const THREE_GPP: &[(u16, &str)] = &[
    (1000, "Success"),
    (1100, "Partial success (some recipients or parts failed)"),
    (2000, "Client error"),
    (2001, "Operation restricted"),
    (2002, "Address error"),
    (2003, "Address not found"),
    (2004, "Multimedia content refused"),
    (2005, "Message ID not found"),
    (2006, "LinkedID not found"),
    (2007, "Message format corrupt"),
    (2008, "Application ID not found"),
    (2009, "Reply Application ID not found"),
    (3000, "Server error"),
    (3001, "Not possible"),
    (3002, "Message rejected"),
    (3003, "Multiple addresses not supported"),
    (3004, "Application addressing not supported"),
    (4000, "General service error"),
    (4001, "Improper identification"),
    (4002, "Unsupported version"),
    (4003, "Unsupported operation"),
    (4004, "Validation error"),
    (4005, "Service error"),
    (4006, "Service unavailable"),
    (4007, "Service denied"),
    (4008, "Application denied"),
];

/// Sinch's table (BRIEF §4).
pub const SINCH: &[(u16, &str)] = &[
    (2000, "Invalid IP address or protocol"),
    (2002, "Invalid address"),
    (2004, "Carrier refuses content"),
    (2007, "Message format corrupt"),
    (
        2500,
        "Missing or invalid Content-Length / Content-Type header",
    ),
    (2502, "Missing destination"),
    (2503, "Multiple destinations not supported"),
    (2504, "Missing source"),
    (2505, "Missing or unsupported MM7Version"),
    (2506, "Missing Content element"),
    (2507, "Unsupported namespace"),
    (2510, "Missing or invalid SOAP header"),
    (2511, "Missing or invalid SOAP body"),
    (2512, "Unsupported operation (only SubmitReq)"),
    (2513, "Attachment unparseable or badly encoded"),
    (2514, "Bad attachment Content-Type"),
    (2515, "Bad SOAP-part Content-Type"),
    (2550, "Account disabled"),
    (2551, "Account not provisioned for MM7"),
    (2560, "Request too large"),
    (2561, "Bad or missing sender identification"),
    (2562, "Invalid VASID"),
    (2563, "Invalid source address"),
    (2564, "Invalid VASPID"),
    (2565, "Reply charging not supported"),
    (2566, "Invalid carrier ID"),
    (2567, "Carrier ID required"),
    (2568, "Authentication failed"),
    (2569, "Carrier lookup down, retry"),
    (2571, "Group message: every recipient is displayOnly"),
    (
        2572,
        "Group message: more than one recipient is not displayOnly",
    ),
    (3000, "System error"),
    (3001, "Number blacklisted, do not retry"),
    (3002, "Charged party not supported"),
    (3003, "URL-referenced content fetch failed or too slow"),
    (3500, "Carrier gateway timeout"),
    (3510, "Throughput exceeded, retry later"),
    (3520, "Provisioning problem"),
    (4000, "Carrier general error"),
    (4002, "Carrier doesn't support the MM7 version"),
    (4003, "Carrier rejects operation or format"),
    (4004, "Validation error"),
    (4006, "Carrier capacity reached, retry later"),
    (4007, "Carrier denies service to the recipient"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_rules_follow_the_brief() {
        for code in [3000, 3003, 3500, 3510, 3520, 4006, 2569] {
            assert!(StatusCode(code).is_transient(), "{code}");
            assert!(!StatusCode(code).is_permanent(), "{code}");
        }
        for code in [2000, 2500, 2571, 2572, 2599, 3001, 4000, 4007] {
            assert!(StatusCode(code).is_permanent(), "{code}");
            assert!(!StatusCode(code).is_transient(), "{code}");
        }
        assert!(StatusCode(1000).is_success() && !StatusCode(1000).is_partial());
        assert!(StatusCode(1100).is_success() && StatusCode(1100).is_partial());
        assert!(StatusCode(2599).is_client_error());
        assert!(!StatusCode(2569).is_client_error());
        assert!(!StatusCode(3000).is_client_error());
    }

    #[test]
    fn meanings_prefer_sinch() {
        assert_eq!(
            StatusCode(3001).meaning(),
            Some("Number blacklisted, do not retry")
        );
        assert_eq!(StatusCode(3001).meaning_3gpp(), Some("Not possible"));
        assert_eq!(StatusCode(2008).meaning(), Some("Application ID not found"));
        assert_eq!(StatusCode(9999).meaning(), None);
    }
}
