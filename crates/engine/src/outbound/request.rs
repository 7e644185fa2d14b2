//! One recipient's SubmitReq for a stored message.
//!
//! A group thread's message goes to every participant as Sinch's fan-out (one request per
//! participant, all listed, exactly one `displayOnly="false"`); a direct or broadcast copy
//! goes to its one recipient. The request is rebuilt from the store on every attempt, so
//! nothing but the store has to survive a crash.

use mm7::message::{SenderIdentification, SubmitReq};
use mm7::{Body, Envelope, IdSource};
use store::ThreadKind;

use crate::EngineError;
use crate::provider::ProviderEndpoint;

/// A stored part's bytes as they go out.
#[derive(Debug, Clone)]
pub struct OutgoingPart {
    pub content_type: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// The envelope and parts for one recipient, ready to encode.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub envelope: Envelope,
    pub parts: Vec<mm7::Part<'static>>,
}

/// An address as MM7 writes it: E.164 numbers without the `+` (Sinch's form), short
/// codes and e-mail addresses as they are.
pub fn mm7_address(canonical: &str) -> mm7::Address {
    if let Some(digits) = canonical.strip_prefix('+') {
        mm7::Address::number(digits)
    } else if canonical.contains('@') {
        mm7::Address::email(canonical)
    } else if canonical.len() <= 6 && canonical.bytes().all(|b| b.is_ascii_digit()) {
        mm7::Address::short_code(canonical)
    } else {
        mm7::Address::number(canonical)
    }
}

/// Builds the SubmitReq that delivers `message` to `recipient`.
#[allow(clippy::too_many_arguments)]
pub fn build(
    endpoint: &ProviderEndpoint,
    kind: ThreadKind,
    participants: &[String],
    recipient: &str,
    subject: Option<&str>,
    body: &str,
    parts: Vec<OutgoingPart>,
    transaction_id: &str,
    ids: &mut dyn IdSource,
) -> Result<OutgoingRequest, EngineError> {
    let template = SubmitReq {
        sender_identification: SenderIdentification {
            vasp_id: Some(endpoint.vasp_id.clone()),
            vas_id: endpoint.vas_id.clone(),
            sender: Some(mm7_address(&endpoint.sender)),
        },
        subject: subject.map(str::to_owned),
        delivery_report: Some(true),
        time_stamp: Some(ids.now()),
        ..SubmitReq::default()
    };
    let mut envelope = if kind == ThreadKind::Group && participants.len() > 1 {
        let people: Vec<mm7::Address> = participants.iter().map(|p| mm7_address(p)).collect();
        let target = mm7_address(recipient);
        mm7::group::fan_out(&template, &people, &endpoint.version, ids)
            .map_err(|e| EngineError::Compose(format!("group of {}: {e}", people.len())))?
            .into_iter()
            .find(|s| s.deliver_to.value == target.value)
            .ok_or_else(|| {
                EngineError::Compose(format!("{recipient} is not a participant of this group"))
            })?
            .envelope
    } else {
        let request = SubmitReq {
            recipients: vec![mm7::Recipient::to(mm7_address(recipient))],
            ..template
        };
        Envelope::new(&endpoint.version, "", Body::SubmitReq(request))
    };
    envelope.transaction_id = Some(transaction_id.to_owned());

    let mut out = Vec::with_capacity(parts.len() + 1);
    if !body.is_empty() {
        out.push(mm7::Part::new(
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        ));
    }
    for (i, part) in parts.into_iter().enumerate() {
        let name = part.file_name.unwrap_or_else(|| format!("part{}", i + 1));
        out.push(mm7::Part::new(part.content_type, part.bytes).with_content_location(name));
    }
    Ok(OutgoingRequest {
        envelope,
        parts: out,
    })
}

#[cfg(test)]
mod tests {
    use mm7::SequentialIds;

    use super::*;

    fn endpoint() -> ProviderEndpoint {
        ProviderEndpoint::new("t", "http://127.0.0.1:1/mm7", "key", "+12025550100")
    }

    #[test]
    fn a_group_member_gets_the_fan_out_request_with_our_transaction_id() {
        let mut ids = SequentialIds::new("t", "2026-01-01T00:00:00Z");
        let people = [
            "+12025550111".to_owned(),
            "+12025550122".to_owned(),
            "+12025550133".to_owned(),
        ];
        let req = build(
            &endpoint(),
            ThreadKind::Group,
            &people,
            "+12025550122",
            None,
            "hello",
            vec![OutgoingPart {
                content_type: "image/png".into(),
                file_name: Some("a.png".into()),
                bytes: vec![1, 2],
            }],
            "gl-1",
            &mut ids,
        )
        .unwrap();
        assert_eq!(req.envelope.transaction_id.as_deref(), Some("gl-1"));
        let Body::SubmitReq(submit) = &req.envelope.body else {
            panic!()
        };
        assert_eq!(submit.recipients.len(), 3);
        let deliverable: Vec<_> = submit
            .recipients
            .iter()
            .filter(|r| r.address.is_deliverable())
            .collect();
        assert_eq!(deliverable.len(), 1);
        assert_eq!(deliverable[0].address.value, "12025550122");
        assert_eq!(req.parts.len(), 2);
        let bytes = mm7::encode_body(
            &req.envelope,
            &req.parts,
            mm7::TransferEncoding::Binary,
            &mut ids,
        )
        .unwrap();
        let text = String::from_utf8_lossy(&bytes.body);
        assert_eq!(text.matches("displayOnly=\"false\"").count(), 1);
    }

    #[test]
    fn a_direct_message_has_one_plain_recipient_and_addresses_keep_their_kind() {
        let mut ids = SequentialIds::new("t", "2026-01-01T00:00:00Z");
        let req = build(
            &endpoint(),
            ThreadKind::Direct,
            &["+12025550111".into()],
            "+12025550111",
            Some("Claim"),
            "hi",
            vec![],
            "gl-2",
            &mut ids,
        )
        .unwrap();
        let Body::SubmitReq(submit) = &req.envelope.body else {
            panic!()
        };
        assert_eq!(submit.recipients.len(), 1);
        assert_eq!(submit.recipients[0].address.display_only, None);
        assert_eq!(mm7_address("12345").kind, mm7::AddressKind::ShortCode);
        assert_eq!(mm7_address("a@b.example").kind, mm7::AddressKind::Email);
    }
}
