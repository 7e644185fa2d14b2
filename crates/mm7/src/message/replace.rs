//! ReplaceReq: VASP → relay, replace the content of a submitted message. Not supported by
//! Sinch (2512); kept for other providers and the simulator.

use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

use super::{ContentRef, SenderIdentification, read_bool, read_content};

/// `<ReplaceReq>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReplaceReq {
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub sender_identification: SenderIdentification,
    pub message_id: Option<String>,
    pub service_code: Option<String>,
    pub time_stamp: Option<String>,
    pub earliest_delivery_time: Option<String>,
    pub read_reply: Option<bool>,
    pub distribution_indicator: Option<bool>,
    pub content_class: Option<String>,
    pub drm_content: Option<bool>,
    pub content: Option<ContentRef>,
}

impl ReplaceReq {
    pub(crate) fn read(m: &Element) -> Result<ReplaceReq, DecodeError> {
        Ok(ReplaceReq {
            sender_identification: SenderIdentification::read(m)?,
            message_id: m.child_text("MessageID"),
            service_code: m.child_text("ServiceCode"),
            time_stamp: m.child_text("TimeStamp"),
            earliest_delivery_time: m.child_text("EarliestDeliveryTime"),
            read_reply: read_bool(m, "ReadReply")?,
            distribution_indicator: read_bool(m, "DistributionIndicator")?,
            content_class: m.child_text("ContentClass"),
            drm_content: read_bool(m, "DRMContent")?,
            content: read_content(m)?,
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        self.sender_identification.write(w);
        w.optional("MessageID", self.message_id.as_deref());
        w.optional("ServiceCode", self.service_code.as_deref());
        w.optional("TimeStamp", self.time_stamp.as_deref());
        w.optional(
            "EarliestDeliveryTime",
            self.earliest_delivery_time.as_deref(),
        );
        w.optional_bool("ReadReply", self.read_reply);
        w.optional_bool("DistributionIndicator", self.distribution_indicator);
        w.optional("ContentClass", self.content_class.as_deref());
        w.optional_bool("DRMContent", self.drm_content);
        if let Some(c) = &self.content {
            c.write(w);
        }
    }
}
