//! ReadReplyReq: relay → VASP when a recipient reads or deletes a message. Sinch strips
//! ReadReply on submit, so this exists for completeness and for the simulator.

use crate::address::Address;
use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

use super::read_address;

/// `<ReadReplyReq>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReadReplyReq {
    pub mms_relay_server_id: Option<String>,
    pub message_id: Option<String>,
    pub recipient: Option<Address>,
    pub sender: Option<Address>,
    pub time_stamp: Option<String>,
    /// Read / Deleted / Indeterminate, as sent.
    pub mm_status: Option<String>,
    pub status_text: Option<String>,
    pub applic_id: Option<String>,
    pub reply_applic_id: Option<String>,
    pub aux_applic_info: Option<String>,
}

impl ReadReplyReq {
    pub(crate) fn read(m: &Element) -> Result<ReadReplyReq, DecodeError> {
        Ok(ReadReplyReq {
            mms_relay_server_id: m.child_text("MMSRelayServerID"),
            message_id: m.child_text("MessageID"),
            recipient: read_address(m, "Recipient")?,
            sender: read_address(m, "Sender")?,
            time_stamp: m.child_text("TimeStamp"),
            mm_status: m.child_text("MMStatus"),
            status_text: m.child_text("StatusText"),
            applic_id: m.child_text("ApplicID"),
            reply_applic_id: m.child_text("ReplyApplicID"),
            aux_applic_info: m.child_text("AuxApplicInfo"),
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.optional("MMSRelayServerID", self.mms_relay_server_id.as_deref());
        w.optional("MessageID", self.message_id.as_deref());
        if let Some(a) = &self.recipient {
            a.write_in(w, "Recipient");
        }
        if let Some(a) = &self.sender {
            a.write_in(w, "Sender");
        }
        w.optional("TimeStamp", self.time_stamp.as_deref());
        w.optional("MMStatus", self.mm_status.as_deref());
        w.optional("StatusText", self.status_text.as_deref());
        w.optional("ApplicID", self.applic_id.as_deref());
        w.optional("ReplyApplicID", self.reply_applic_id.as_deref());
        w.optional("AuxApplicInfo", self.aux_applic_info.as_deref());
    }
}
