//! Scripted participants: a cast and what they send when, played as DeliverReq pushes.
//!
//! A script is TOML or JSON (see [`crate::demo`] for a full example):
//!
//! ```toml
//! our_number = "12025550100"
//! [[cast]]
//! name = "Dana"
//! number = "12025550111"
//! carrier = "att"
//! [[messages]]
//! at_ms = 0
//! from = "Dana"
//! group = ["Sam", "Rick"]      # the other participants; empty = one-to-one
//! text = "Photos attached."
//! media = [{ kind = "jpeg", name = "bumper.jpg" }]
//! [[delivery_reports]]
//! number = "Rick"               # a name or number
//! status = "Rejected"           # the MMStatus its delivery reports carry
//! ```
//!
//! A group message goes in Sinch's group form (BRIEF §0.3): the `Sender` is the author
//! with no displayOnly, our number is `displayOnly="false"`, every other participant
//! `displayOnly="true"`.

use std::path::Path;

use mm7::message::DeliverReq;
use mm7::{Address, Body, Envelope, Part, Recipient, Version};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::faults::{FaultPlan, PushFaultPlan};
use crate::media::{MediaKind, generate};
use crate::seeded::SimIds;

#[derive(Debug, Error)]
pub enum ScriptError {
    #[error("cannot read script {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid script: {0}")]
    Invalid(String),
    #[error("message {index}: nobody in the cast is called {who:?}")]
    UnknownParticipant { index: usize, who: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CastMember {
    pub name: String,
    /// International format without `+`.
    pub number: String,
    /// `att`, `verizon`, `tmobile`, `uscellular`, `googlevoice`: sets the operator ID.
    #[serde(default)]
    pub carrier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaSpec {
    pub kind: MediaKind,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptMessage {
    /// When, from the start of playback (scaled by the simulator's time scale).
    pub at_ms: u64,
    /// A cast name or number.
    pub from: String,
    /// The other participants of a group (names or numbers); empty for one-to-one.
    #[serde(default)]
    pub group: Vec<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub media: Vec<MediaSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScriptedReport {
    pub number: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Script {
    #[serde(default)]
    pub name: String,
    /// The Groupline user's number; default: the account's first sender.
    #[serde(default)]
    pub our_number: Option<String>,
    #[serde(default)]
    pub cast: Vec<CastMember>,
    #[serde(default)]
    pub messages: Vec<ScriptMessage>,
    #[serde(default)]
    pub delivery_reports: Vec<ScriptedReport>,
    /// Faults to inject into submit answers.
    #[serde(default)]
    pub faults: Option<FaultPlan>,
    /// Push attempts to garble: `push_faults = { next = ["truncated", "malformed"] }`.
    #[serde(default)]
    pub push_faults: Option<PushFaultPlan>,
}

impl Script {
    /// Parses JSON (text starting with `{`) or TOML, and checks every name resolves.
    pub fn parse(text: &str) -> Result<Script, ScriptError> {
        let script: Script = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| ScriptError::Invalid(e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| ScriptError::Invalid(e.to_string()))?
        };
        for (index, m) in script.messages.iter().enumerate() {
            for who in std::iter::once(&m.from).chain(&m.group) {
                if script.member(who).is_none() {
                    return Err(ScriptError::UnknownParticipant {
                        index,
                        who: who.clone(),
                    });
                }
            }
        }
        Ok(script)
    }

    pub fn load(path: &Path) -> Result<Script, ScriptError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScriptError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Script::parse(&text)
    }

    /// A cast member by name or number.
    pub fn member(&self, who: &str) -> Option<&CastMember> {
        self.cast.iter().find(|c| c.name == who || c.number == who)
    }

    /// The MMStatus scripted for `number`, if any.
    pub fn report_status(&self, number: &str) -> Option<&str> {
        self.delivery_reports
            .iter()
            .find(|r| {
                r.number == number || self.member(&r.number).is_some_and(|m| m.number == number)
            })
            .map(|r| r.status.as_str())
    }

    /// The DeliverReq (and its parts) for message `index`.
    pub(crate) fn deliver_req(
        &self,
        index: usize,
        our_number: &str,
        ids: &mut SimIds,
        now: String,
    ) -> Option<(Envelope, Vec<Part<'static>>, &CastMember)> {
        let m = self.messages.get(index)?;
        let from = self.member(&m.from)?;
        let group = m
            .group
            .iter()
            .map(|other| self.member(other).map(|c| c.number.as_str()))
            .collect::<Option<Vec<_>>>()?;
        let mut parts = Vec::new();
        if let Some(text) = &m.text {
            parts.push(Part::new(
                "text/plain; charset=utf-8",
                text.clone().into_bytes(),
            ));
        }
        for (i, media) in m.media.iter().enumerate() {
            let name = media
                .name
                .clone()
                .unwrap_or_else(|| format!("attachment-{}.{:?}", i + 1, media.kind).to_lowercase());
            parts.push(generate(media.kind, &name, (index * 31 + i) as u64));
        }
        let envelope = mo_envelope(
            &from.number,
            &group,
            our_number,
            m.subject.clone(),
            ids,
            now,
        );
        Some((envelope, parts, from))
    }
}

/// A handset's message (MO) to us as Sinch pushes it: a fresh LinkedID and TransactionID;
/// one-to-one when `group` (the other participants' numbers) is empty, else in Sinch's
/// group form.
pub(crate) fn mo_envelope(
    from: &str,
    group: &[&str],
    our_number: &str,
    subject: Option<String>,
    ids: &mut SimIds,
    now: String,
) -> Envelope {
    use mm7::IdSource;
    let mut recipients = Vec::with_capacity(group.len() + 1);
    if group.is_empty() {
        recipients.push(Recipient::to(Address::number(our_number)));
    } else {
        recipients.push(Recipient::to(
            Address::number(our_number).with_display_only(false),
        ));
        recipients.extend(
            group
                .iter()
                .map(|other| Recipient::to(Address::number(*other).with_display_only(true))),
        );
    }
    let request = DeliverReq {
        linked_id: Some(ids.message_id()),
        sender: Some(Address::number(from)),
        recipients,
        time_stamp: Some(now),
        subject,
        ..DeliverReq::default()
    };
    Envelope::new(
        &Version::default(),
        ids.transaction_id(),
        Body::DeliverReq(request),
    )
}

/// Sinch's operator IDs (BRIEF §1) for the carriers a script names.
pub fn operator_id(carrier: &str) -> Option<&'static str> {
    match carrier
        .to_ascii_lowercase()
        .replace([' ', '-', '&', '.'], "")
        .as_str()
    {
        "att" => Some("31002"),
        "verizon" => Some("31003"),
        "tmobile" => Some("31004"),
        "uscellular" => Some("31012"),
        "googlevoice" => Some("10488"),
        _ => None,
    }
}
