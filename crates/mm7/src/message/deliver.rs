//! DeliverReq: relay → VASP, an inbound (MO) message; for Sinch group chat the other
//! participants arrive as `displayOnly="true"` recipients (BRIEF §0.3).

use crate::address::{Address, Recipient, read_recipients, write_recipients};
use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;

use super::{ContentRef, read_address, read_content};

/// `<DeliverReq>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeliverReq {
    pub vasp_id: Option<String>,
    pub vas_id: Option<String>,
    pub mms_relay_server_id: Option<String>,
    /// Sinch: always present; use it as the MO's identity (and to dedupe retries).
    pub linked_id: Option<String>,
    /// The end user who sent the message. Mandatory in the schema, absent in some real
    /// messages, hence optional.
    pub sender: Option<Address>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub recipients: Vec<Recipient>,
    /// `<Previouslysentby>` addresses (Rel-6), in order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub previously_sent_by: Vec<Address>,
    /// `<Previouslysentdateandtime>` values (Rel-6), in order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub previously_sent_date_and_time: Vec<String>,
    pub sender_spi: Option<String>,
    pub recipient_spi: Option<String>,
    pub time_stamp: Option<String>,
    pub reply_charging_id: Option<String>,
    pub priority: Option<String>,
    pub subject: Option<String>,
    pub applic_id: Option<String>,
    pub reply_applic_id: Option<String>,
    pub aux_applic_info: Option<String>,
    pub ua_capabilities: Option<UaCapabilities>,
    pub content: Option<ContentRef>,
}

/// `<UACapabilities UAProf=… TimeStamp=…/>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UaCapabilities {
    pub ua_prof: Option<String>,
    pub time_stamp: Option<String>,
}

impl UaCapabilities {
    pub(crate) fn read(m: &Element) -> Option<UaCapabilities> {
        m.child("UACapabilities").map(|u| UaCapabilities {
            ua_prof: u.attribute("UAProf").map(|v| v.trim().to_owned()),
            time_stamp: u.attribute("TimeStamp").map(|v| v.trim().to_owned()),
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let mut attributes = Vec::new();
        if let Some(p) = &self.ua_prof {
            attributes.push(("UAProf", p.as_str()));
        }
        if let Some(t) = &self.time_stamp {
            attributes.push(("TimeStamp", t.as_str()));
        }
        w.empty("UACapabilities", &attributes);
    }
}

impl DeliverReq {
    pub(crate) fn read(m: &Element) -> Result<DeliverReq, DecodeError> {
        let mut previously_sent_by = Vec::new();
        if let Some(p) = m.child("Previouslysentby") {
            // Either addresses directly or wrapped one per `<UserAddressInfo>`.
            previously_sent_by = Address::read_all_in(p)?;
            for wrapper in p.children_named("UserAddressInfo") {
                previously_sent_by.extend(Address::read_in(wrapper)?);
            }
        }
        Ok(DeliverReq {
            vasp_id: m.child_text("VASPID"),
            vas_id: m.child_text("VASID"),
            mms_relay_server_id: m.child_text("MMSRelayServerID"),
            linked_id: m.child_text("LinkedID"),
            sender: read_address(m, "Sender")?,
            recipients: match m.child("Recipients") {
                Some(r) => read_recipients(r)?,
                None => Vec::new(),
            },
            previously_sent_by,
            previously_sent_date_and_time: m
                .child("Previouslysentdateandtime")
                .map(|p| {
                    p.children
                        .iter()
                        .map(|c| c.text.trim().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            sender_spi: m.child_text("SenderSPI"),
            recipient_spi: m.child_text("RecipientSPI"),
            time_stamp: m.child_text("TimeStamp"),
            reply_charging_id: m.child_text("ReplyChargingID"),
            priority: m.child_text("Priority"),
            subject: m.child_text("Subject"),
            applic_id: m.child_text("ApplicID"),
            reply_applic_id: m.child_text("ReplyApplicID"),
            aux_applic_info: m.child_text("AuxApplicInfo"),
            ua_capabilities: UaCapabilities::read(m),
            content: read_content(m)?,
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.optional("VASPID", self.vasp_id.as_deref());
        w.optional("VASID", self.vas_id.as_deref());
        w.optional("MMSRelayServerID", self.mms_relay_server_id.as_deref());
        w.optional("LinkedID", self.linked_id.as_deref());
        if let Some(sender) = &self.sender {
            sender.write_in(w, "Sender");
        }
        if !self.recipients.is_empty() {
            write_recipients(w, &self.recipients);
        }
        if !self.previously_sent_by.is_empty() {
            w.open("Previouslysentby");
            for a in &self.previously_sent_by {
                a.write_in(w, "UserAddressInfo");
            }
            w.close("Previouslysentby");
        }
        if !self.previously_sent_date_and_time.is_empty() {
            w.open("Previouslysentdateandtime");
            for t in &self.previously_sent_date_and_time {
                w.text_element("DateTime", t);
            }
            w.close("Previouslysentdateandtime");
        }
        w.optional("SenderSPI", self.sender_spi.as_deref());
        w.optional("RecipientSPI", self.recipient_spi.as_deref());
        w.optional("TimeStamp", self.time_stamp.as_deref());
        w.optional("ReplyChargingID", self.reply_charging_id.as_deref());
        w.optional("Priority", self.priority.as_deref());
        w.optional("Subject", self.subject.as_deref());
        w.optional("ApplicID", self.applic_id.as_deref());
        w.optional("ReplyApplicID", self.reply_applic_id.as_deref());
        w.optional("AuxApplicInfo", self.aux_applic_info.as_deref());
        if let Some(u) = &self.ua_capabilities {
            u.write(w);
        }
        if let Some(c) = &self.content {
            c.write(w);
        }
    }
}
