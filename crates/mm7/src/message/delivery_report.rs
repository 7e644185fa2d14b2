//! DeliveryReportReq: relay → VASP, the fate of one submitted message for one recipient.
//! `MMStatus` is kept as sent: Sinch uses values 3GPP does not (BRIEF §0.10); see
//! [`MmStatus`] for a case-insensitive interpretation.

use crate::address::Address;
use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

use super::deliver::UaCapabilities;
use super::read_address;

/// `<DeliveryReportReq>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeliveryReportReq {
    pub mms_relay_server_id: Option<String>,
    /// The MessageID SubmitRsp returned.
    pub message_id: Option<String>,
    /// The recipient the report is about.
    pub recipient: Option<Address>,
    pub sender: Option<Address>,
    pub date: Option<String>,
    /// Retrieved, Rejected, Expired, … as sent.
    pub mm_status: Option<String>,
    pub mm_status_extension: Option<String>,
    pub status_text: Option<String>,
    pub applic_id: Option<String>,
    pub reply_applic_id: Option<String>,
    pub aux_applic_info: Option<String>,
    pub ua_capabilities: Option<UaCapabilities>,
}

impl DeliveryReportReq {
    pub(crate) fn read(m: &Element) -> Result<DeliveryReportReq, DecodeError> {
        Ok(DeliveryReportReq {
            mms_relay_server_id: m.child_text("MMSRelayServerID"),
            message_id: m.child_text("MessageID"),
            recipient: read_address(m, "Recipient")?,
            sender: read_address(m, "Sender")?,
            date: m.child_text("Date"),
            mm_status: m.child_text("MMStatus"),
            mm_status_extension: m.child_text("MMStatusExtension"),
            status_text: m.child_text("StatusText"),
            applic_id: m.child_text("ApplicID"),
            reply_applic_id: m.child_text("ReplyApplicID"),
            aux_applic_info: m.child_text("AuxApplicInfo"),
            ua_capabilities: UaCapabilities::read(m),
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
        w.optional("Date", self.date.as_deref());
        w.optional("MMStatus", self.mm_status.as_deref());
        w.optional("MMStatusExtension", self.mm_status_extension.as_deref());
        w.optional("StatusText", self.status_text.as_deref());
        w.optional("ApplicID", self.applic_id.as_deref());
        w.optional("ReplyApplicID", self.reply_applic_id.as_deref());
        w.optional("AuxApplicInfo", self.aux_applic_info.as_deref());
        if let Some(u) = &self.ua_capabilities {
            u.write(w);
        }
    }
}

/// An interpretation of `MMStatus` (DeliveryReportReq, ReadReplyReq), case-insensitive,
/// accepting both Sinch's and 3GPP's spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MmStatus {
    Expired,
    Retrieved,
    Rejected,
    Deferred,
    /// `Unrecognised` (3GPP) or `Unrecognized` (Sinch).
    Unrecognised,
    Indeterminate,
    Forwarded,
    Unreachable,
    NotSupported,
    Read,
    Deleted,
    Other(String),
}

impl MmStatus {
    pub fn parse(raw: &str) -> MmStatus {
        let v = raw.trim().to_ascii_lowercase();
        match v.as_str() {
            "expired" => MmStatus::Expired,
            "retrieved" => MmStatus::Retrieved,
            "rejected" => MmStatus::Rejected,
            "deferred" => MmStatus::Deferred,
            "unrecognised" | "unrecognized" => MmStatus::Unrecognised,
            "indeterminate" => MmStatus::Indeterminate,
            "forwarded" => MmStatus::Forwarded,
            "unreachable" => MmStatus::Unreachable,
            "notsupported" => MmStatus::NotSupported,
            "read" => MmStatus::Read,
            "deleted" => MmStatus::Deleted,
            _ => MmStatus::Other(raw.trim().to_owned()),
        }
    }

    /// No further report will follow for this recipient.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            MmStatus::Deferred | MmStatus::Forwarded | MmStatus::Indeterminate
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mm_status_is_case_insensitive_and_open() {
        assert_eq!(MmStatus::parse("RETRIEVED"), MmStatus::Retrieved);
        assert_eq!(MmStatus::parse("Unrecognized"), MmStatus::Unrecognised);
        assert_eq!(MmStatus::parse("Wobbly"), MmStatus::Other("Wobbly".into()));
        assert!(!MmStatus::parse("deferred").is_final());
    }
}
