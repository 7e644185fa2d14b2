//! The success-path responses: SubmitRsp (carries the MessageID DLRs will refer to),
//! DeliverRsp (what a webhook answers to an MO) and the plain `MM7Version + Status`
//! responses of the other requests.

use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;
use crate::status::{Status, StatusCode};

use super::{read_status, write_status};

/// `<SubmitRsp>`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SubmitRsp {
    pub status: Status,
    /// Present on success; keep it to match delivery reports.
    pub message_id: Option<String>,
    pub applic_id: Option<String>,
    pub reply_applic_id: Option<String>,
    /// `<AuxApplicInfo>` (instantcom's fixture spells it `AuxApplicID`; both are read).
    pub aux_applic_info: Option<String>,
}

impl Default for SubmitRsp {
    fn default() -> Self {
        SubmitRsp {
            status: Status {
                code: StatusCode::SUCCESS,
                text: None,
                details: None,
            },
            message_id: None,
            applic_id: None,
            reply_applic_id: None,
            aux_applic_info: None,
        }
    }
}

impl SubmitRsp {
    pub(crate) fn read(m: &Element) -> Result<SubmitRsp, DecodeError> {
        Ok(SubmitRsp {
            status: read_status(m, "SubmitRsp")?,
            message_id: m.child_text("MessageID"),
            applic_id: m.child_text("ApplicID"),
            reply_applic_id: m.child_text("ReplyApplicID"),
            aux_applic_info: m
                .child_text("AuxApplicInfo")
                .or_else(|| m.child_text("AuxApplicID")),
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        write_status(w, &self.status);
        w.optional("MessageID", self.message_id.as_deref());
        w.optional("ApplicID", self.applic_id.as_deref());
        w.optional("ReplyApplicID", self.reply_applic_id.as_deref());
        w.optional("AuxApplicInfo", self.aux_applic_info.as_deref());
    }
}

/// `<DeliverRsp>`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeliverRsp {
    pub status: Status,
    pub service_code: Option<String>,
}

impl DeliverRsp {
    pub(crate) fn read(m: &Element) -> Result<DeliverRsp, DecodeError> {
        Ok(DeliverRsp {
            status: read_status(m, "DeliverRsp")?,
            service_code: m.child_text("ServiceCode"),
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        // deliverRspType extends the generic response, so Status comes first and
        // ServiceCode after it (the order instantcom writes).
        write_status(w, &self.status);
        w.optional("ServiceCode", self.service_code.as_deref());
    }
}

/// DeliveryReportRsp, ReadReplyRsp, CancelRsp and ReplaceRsp: `MM7Version` + `Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StatusRsp {
    pub status: Status,
}

impl StatusRsp {
    pub(crate) fn read(m: &Element, kind: &'static str) -> Result<StatusRsp, DecodeError> {
        Ok(StatusRsp {
            status: read_status(m, kind)?,
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        write_status(w, &self.status);
    }
}
