//! The decoded summary stored beside each raw push, so a client can route an entry (which
//! kind, from whom, which ids) without decoding it, and an operator can read the log.
//! The raw bytes stay the source of truth: clients decode them with `mm7` themselves.

use mm7::{Address, Body, Decoded, RecipientField};
use serde::{Deserialize, Serialize};

/// One address as the summary shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryAddress {
    pub value: String,
    /// `to`, `cc`, `bcc`; absent for a single `Recipient`/`Sender`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_only: Option<bool>,
}

impl SummaryAddress {
    fn from_address(a: &Address, field: Option<RecipientField>) -> Self {
        SummaryAddress {
            value: a.value.clone(),
            field: field.map(|f| f.element().to_ascii_lowercase()),
            display_only: a.display_only,
        }
    }
}

/// What the relay understood of a push.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The MM7 element, e.g. `DeliverReq`; absent when the body could not be decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mm7_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<SummaryAddress>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<SummaryAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mm_status: Option<String>,
    /// The operator (carrier) ID header, when the provider sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<String>,
    /// The client that sent it through the relay (team mode); absent for provider pushes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    /// Number of content parts.
    #[serde(default)]
    pub parts: usize,
    /// Why the push was stored but refused (undecodable, or not a kind a relay accepts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

impl Summary {
    /// The fields delivery reports and read replies share: who sent, about which handset,
    /// which message, and its status.
    fn set_report<'a>(
        &mut self,
        sender: Option<&Address>,
        recipients: impl Iterator<Item = &'a Address>,
        message_id: &Option<String>,
        mm_status: &Option<String>,
    ) {
        self.sender = sender.map(|a| SummaryAddress::from_address(a, None));
        self.recipients = recipients
            .map(|a| SummaryAddress::from_address(a, None))
            .collect();
        self.message_id = message_id.clone();
        self.mm_status = mm_status.clone();
    }

    pub(crate) fn of(decoded: &Decoded<'_>) -> Summary {
        let envelope = &decoded.envelope;
        let mut s = Summary {
            kind: Some(envelope.kind().element().to_owned()),
            transaction_id: envelope.transaction_id.clone(),
            mm7_version: envelope.mm7_version.clone(),
            parts: decoded.parts.len(),
            ..Summary::default()
        };
        match &envelope.body {
            Body::DeliverReq(m) => {
                s.sender = m
                    .sender
                    .as_ref()
                    .map(|a| SummaryAddress::from_address(a, None));
                s.recipients = m
                    .recipients
                    .iter()
                    .map(|r| SummaryAddress::from_address(&r.address, Some(r.field)))
                    .collect();
                s.linked_id = m.linked_id.clone();
            }
            Body::SubmitReq(m) => {
                s.sender = m
                    .sender_identification
                    .sender
                    .as_ref()
                    .map(|a| SummaryAddress::from_address(a, None));
                s.recipients = m
                    .recipients
                    .iter()
                    .map(|r| SummaryAddress::from_address(&r.address, Some(r.field)))
                    .collect();
                s.linked_id = m.linked_id.clone();
            }
            Body::DeliveryReportReq(m) => {
                s.set_report(
                    m.sender.as_ref(),
                    m.recipient.iter(),
                    &m.message_id,
                    &m.mm_status,
                );
            }
            Body::ReadReplyReq(m) => {
                s.set_report(
                    m.sender.as_ref(),
                    m.recipient.iter(),
                    &m.message_id,
                    &m.mm_status,
                );
            }
            _ => {}
        }
        s
    }

    pub(crate) fn rejected(reason: impl Into<String>) -> Summary {
        Summary {
            rejected: Some(reason.into()),
            ..Summary::default()
        }
    }
}
