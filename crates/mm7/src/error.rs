//! Errors callers act on: each variant names one reason a message could not be decoded or
//! encoded, so the relay can answer with the right MM7 status (e.g. 2007 for a corrupt
//! message, 2560 for a body too large) instead of matching strings.

use thiserror::Error;

/// Why bytes could not be turned into an MM7 message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    #[error("body is {size} bytes, more than the limit of {limit}")]
    BodyTooLarge { size: usize, limit: usize },
    #[error("more than {limit} MIME parts")]
    TooManyParts { limit: usize },
    #[error("MIME or XML nesting deeper than {limit}")]
    NestingTooDeep { limit: usize },
    #[error("more than {limit} XML elements in the SOAP part")]
    TooManyElements { limit: usize },
    #[error("malformed HTTP message: {0}")]
    MalformedHttp(String),
    #[error("malformed MIME: {0}")]
    MalformedMime(String),
    #[error("malformed XML: {0}")]
    MalformedXml(String),
    /// `part` counts from 0 for the SOAP root part and from 1 for content leaves.
    #[error("bad {encoding} content transfer encoding in part {part}")]
    BadTransferEncoding { encoding: &'static str, part: usize },
    #[error("no SOAP Envelope/Body found")]
    NoEnvelope,
    #[error("unknown MM7 message element <{0}>")]
    UnknownMessage(String),
    #[error("<{message}> is missing <{element}>")]
    MissingElement {
        message: &'static str,
        element: &'static str,
    },
    #[error("<{element}> has an invalid value {value:?}")]
    InvalidValue {
        element: &'static str,
        value: String,
    },
}

impl DecodeError {
    /// The MM7 status to answer an undecodable request with (in a VASPErrorRsp or
    /// RSErrorRsp): 2004 for content that is too big or unparseable, 4004 for a SOAP/XML
    /// validation failure, 2007 (message format corrupt) otherwise.
    pub fn suggested_status(&self) -> crate::StatusCode {
        use crate::StatusCode;
        match self {
            DecodeError::BodyTooLarge { .. }
            | DecodeError::TooManyParts { .. }
            | DecodeError::BadTransferEncoding { .. }
            | DecodeError::MalformedMime(_) => StatusCode(2004),
            DecodeError::MalformedXml(_)
            | DecodeError::NoEnvelope
            | DecodeError::MissingElement { .. }
            | DecodeError::TooManyElements { .. } => StatusCode(4004),
            DecodeError::UnknownMessage(_) => StatusCode(4003),
            _ => StatusCode::MESSAGE_FORMAT_CORRUPT,
        }
    }
}

/// Why a message could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    #[error("the boundary generator kept producing boundaries that occur inside the content")]
    BoundaryCollision,
    #[error("invalid value for {field}: {reason}")]
    InvalidField {
        field: &'static str,
        reason: &'static str,
    },
}

/// Why a Sinch group send was refused before anything was sent (BRIEF §0.1, §4).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GroupError {
    #[error("a group needs at least 2 participants, got {0}")]
    TooFewParticipants(usize),
    #[error("Sinch allows at most 20 group participants, got {0}")]
    TooManyParticipants(usize),
    #[error("every recipient is displayOnly=\"true\" (Sinch 2571)")]
    AllDisplayOnly,
    #[error("{0} recipients would be delivered to (displayOnly false or absent) (Sinch 2572)")]
    MoreThanOneDeliverable(usize),
    #[error("participant {0:?} is listed twice")]
    DuplicateParticipant(String),
}

impl GroupError {
    /// The Sinch status code this mistake would earn if it were sent, when one is published.
    pub fn sinch_status(&self) -> Option<crate::StatusCode> {
        match self {
            GroupError::AllDisplayOnly => Some(crate::StatusCode(2571)),
            GroupError::MoreThanOneDeliverable(_) => Some(crate::StatusCode(2572)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undecodable_input_maps_to_an_mm7_status() {
        let too_big = DecodeError::BodyTooLarge { size: 2, limit: 1 };
        assert_eq!(too_big.suggested_status().0, 2004);
        assert_eq!(DecodeError::NoEnvelope.suggested_status().0, 4004);
        assert_eq!(
            DecodeError::UnknownMessage("X".into()).suggested_status().0,
            4003
        );
        let bad = DecodeError::InvalidValue {
            element: "StatusCode",
            value: "x".into(),
        };
        assert_eq!(bad.suggested_status().0, 2007);
    }
}
