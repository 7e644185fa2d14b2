//! SubmitReq: VASP → relay, the one operation Sinch supports. Written in the schema order
//! of BRIEF §3; read in any order (Sinch's own full example is out of order).

use crate::address::{Recipient, read_recipients, write_recipients};
use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

use super::{ContentRef, SenderIdentification, read_bool, read_content};

/// `<SubmitReq>` (MM7Version lives on the [`super::Envelope`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SubmitReq {
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub sender_identification: SenderIdentification,
    #[cfg_attr(feature = "serde", serde(default))]
    pub recipients: Vec<Recipient>,
    pub service_code: Option<String>,
    pub linked_id: Option<String>,
    /// Informational / Advertisement / Auto.
    pub message_class: Option<String>,
    /// xs:dateTime as sent.
    pub time_stamp: Option<String>,
    pub reply_charging: Option<ReplyCharging>,
    pub earliest_delivery_time: Option<String>,
    pub expiry_date: Option<String>,
    pub delivery_report: Option<bool>,
    pub read_reply: Option<bool>,
    /// High / Normal / Low.
    pub priority: Option<String>,
    pub subject: Option<String>,
    pub charged_party: Option<String>,
    pub charged_party_id: Option<String>,
    pub distribution_indicator: Option<bool>,
    /// The `<DC>` values of `<DeliveryCondition>`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub delivery_condition: Vec<String>,
    pub applic_id: Option<String>,
    pub reply_applic_id: Option<String>,
    pub aux_applic_info: Option<String>,
    pub content_class: Option<String>,
    pub drm_content: Option<bool>,
    pub content: Option<ContentRef>,
}

/// `<ReplyCharging replyChargingSize=… replyDeadline=…/>` (Sinch rejects it, but it is
/// part of the schema).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReplyCharging {
    pub size: Option<String>,
    pub deadline: Option<String>,
}

impl SubmitReq {
    pub(crate) fn read(m: &Element) -> Result<SubmitReq, DecodeError> {
        Ok(SubmitReq {
            sender_identification: SenderIdentification::read(m)?,
            recipients: match m.child("Recipients") {
                Some(r) => read_recipients(r)?,
                None => Vec::new(),
            },
            service_code: m.child_text("ServiceCode"),
            linked_id: m.child_text("LinkedID"),
            message_class: m.child_text("MessageClass"),
            time_stamp: m.child_text("TimeStamp"),
            reply_charging: m.child("ReplyCharging").map(|rc| ReplyCharging {
                size: rc
                    .attribute("replyChargingSize")
                    .map(|v| v.trim().to_owned()),
                deadline: rc.attribute("replyDeadline").map(|v| v.trim().to_owned()),
            }),
            earliest_delivery_time: m.child_text("EarliestDeliveryTime"),
            expiry_date: m.child_text("ExpiryDate"),
            delivery_report: read_bool(m, "DeliveryReport")?,
            read_reply: read_bool(m, "ReadReply")?,
            priority: m.child_text("Priority"),
            subject: m.child_text("Subject"),
            charged_party: m.child_text("ChargedParty"),
            charged_party_id: m.child_text("ChargedPartyID"),
            distribution_indicator: read_bool(m, "DistributionIndicator")?,
            delivery_condition: m
                .child("DeliveryCondition")
                .map(|dc| {
                    dc.children_named("DC")
                        .map(|c| c.text.trim().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            applic_id: m.child_text("ApplicID"),
            reply_applic_id: m.child_text("ReplyApplicID"),
            aux_applic_info: m.child_text("AuxApplicInfo"),
            content_class: m.child_text("ContentClass"),
            drm_content: read_bool(m, "DRMContent")?,
            content: read_content(m)?,
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        self.sender_identification.write(w);
        write_recipients(w, &self.recipients);
        w.optional("ServiceCode", self.service_code.as_deref());
        w.optional("LinkedID", self.linked_id.as_deref());
        w.optional("MessageClass", self.message_class.as_deref());
        w.optional("TimeStamp", self.time_stamp.as_deref());
        if let Some(rc) = &self.reply_charging {
            let mut attributes = Vec::new();
            if let Some(s) = &rc.size {
                attributes.push(("replyChargingSize", s.as_str()));
            }
            if let Some(d) = &rc.deadline {
                attributes.push(("replyDeadline", d.as_str()));
            }
            w.empty("ReplyCharging", &attributes);
        }
        w.optional(
            "EarliestDeliveryTime",
            self.earliest_delivery_time.as_deref(),
        );
        w.optional("ExpiryDate", self.expiry_date.as_deref());
        w.optional_bool("DeliveryReport", self.delivery_report);
        w.optional_bool("ReadReply", self.read_reply);
        w.optional("Priority", self.priority.as_deref());
        w.optional("Subject", self.subject.as_deref());
        w.optional("ChargedParty", self.charged_party.as_deref());
        w.optional("ChargedPartyID", self.charged_party_id.as_deref());
        w.optional_bool("DistributionIndicator", self.distribution_indicator);
        if !self.delivery_condition.is_empty() {
            w.open("DeliveryCondition");
            for dc in &self.delivery_condition {
                w.text_element("DC", dc);
            }
            w.close("DeliveryCondition");
        }
        w.optional("ApplicID", self.applic_id.as_deref());
        w.optional("ReplyApplicID", self.reply_applic_id.as_deref());
        w.optional("AuxApplicInfo", self.aux_applic_info.as_deref());
        w.optional("ContentClass", self.content_class.as_deref());
        w.optional_bool("DRMContent", self.drm_content);
        if let Some(c) = &self.content {
            c.write(w);
        }
    }
}
