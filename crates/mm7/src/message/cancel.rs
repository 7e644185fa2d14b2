//! CancelReq: VASP → relay, withdraw a submitted message. Sinch answers 2512 (only
//! SubmitReq is supported); kept for other providers and the simulator.

use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

use super::SenderIdentification;

/// `<CancelReq>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CancelReq {
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub sender_identification: SenderIdentification,
    pub message_id: Option<String>,
}

impl CancelReq {
    pub(crate) fn read(m: &Element) -> Result<CancelReq, DecodeError> {
        Ok(CancelReq {
            sender_identification: SenderIdentification::read(m)?,
            message_id: m.child_text("MessageID"),
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        self.sender_identification.write(w);
        w.optional("MessageID", self.message_id.as_deref());
    }
}
