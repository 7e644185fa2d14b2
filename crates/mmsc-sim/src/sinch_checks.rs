//! The checks Sinch applies to a SubmitReq, each with the code Sinch answers (BRIEF §4, §5),
//! in the order a request meets them: HTTP framing, Basic auth, SOAP, version and
//! namespace, credentials, addresses, group rules, unsupported elements, content, size.
//! Throughput (3510) is checked by the caller once everything else passed.

use mm7::group::{MAX_PARTICIPANTS, validate_submit};
use mm7::message::SubmitReq;
use mm7::{Body, DecodeError, Decoded, GroupError, Limits, Release};

use crate::config::SinchAccount;

/// A refused SubmitReq: the status code and text of the RSErrorRsp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: u16,
    pub text: String,
}

fn reject(code: u16, text: impl Into<String>) -> Rejection {
    Rejection {
        code,
        text: text.into(),
    }
}

/// The HTTP request as the checks see it.
pub struct SubmitHttp<'a> {
    pub content_type: Option<&'a str>,
    pub content_length: Option<&'a str>,
    pub authorization: Option<&'a str>,
    pub body: &'a [u8],
}

/// The MM7 versions Sinch takes (BRIEF §2, §5).
const VERSIONS: [&str; 2] = ["5.3.0", "6.8.0"];

/// Runs every check; on success returns the decoded request.
pub fn check_submit<'a>(
    account: &SinchAccount,
    http: &SubmitHttp<'a>,
) -> Result<Decoded<'a>, Rejection> {
    let length_ok = http
        .content_length
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|n| n == http.body.len());
    if http.content_type.is_none_or(|t| t.trim().is_empty()) || !length_ok {
        return Err(reject(
            2500,
            "Missing or invalid Content-Length or Content-Type",
        ));
    }
    if let Some((user, password)) = &account.basic {
        let wanted = format!("{user}:{password}");
        let sent = http
            .authorization
            .and_then(|v| v.trim().strip_prefix("Basic "))
            .and_then(|b| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            });
        if sent.as_deref() != Some(wanted.as_bytes()) {
            return Err(reject(2568, "Authentication failed"));
        }
    }
    let limits = Limits {
        // Size is judged on the content below (2560); this only bounds memory.
        max_body_bytes: account.max_message_bytes.saturating_mul(4).max(8 << 20),
        ..Limits::default()
    };
    let decoded = mm7::decode_body(http.body, http.content_type, &limits).map_err(|e| match e {
        DecodeError::BodyTooLarge { .. } => reject(2560, "Request too large"),
        DecodeError::UnknownMessage(m) => reject(2512, format!("Unsupported operation {m}")),
        DecodeError::BadTransferEncoding { .. } => {
            reject(2513, "Attachment unparseable or badly encoded")
        }
        DecodeError::MalformedMime(_) => reject(2513, "Attachment unparseable"),
        other => reject(2511, format!("Missing or invalid SOAP body: {other}")),
    })?;
    let envelope = &decoded.envelope;
    let Body::SubmitReq(submit) = &envelope.body else {
        return Err(reject(
            2512,
            format!(
                "{} is not supported; SubmitReq is the only supported operation",
                envelope.kind().element()
            ),
        ));
    };
    if envelope
        .transaction_id
        .as_deref()
        .is_none_or(|t| t.trim().is_empty())
    {
        return Err(reject(2510, "Missing or invalid SOAP header"));
    }
    let version = envelope.mm7_version.as_deref().map(str::trim);
    if !version.is_some_and(|v| VERSIONS.contains(&v)) {
        return Err(reject(2505, "Missing or unsupported MM7Version"));
    }
    if let Some(ns) = &envelope.namespace {
        // Sinch's table: 5.3.0 takes every REL-5 and REL-6 namespace, 6.8.0 only REL-6-MM7-1-4.
        let accepted = match (Release::from_namespace(ns), version) {
            (None, _) => false,
            (Some(r), Some("6.8.0")) => r == Release::Rel6Mm7_1_4,
            (Some(_), _) => true,
        };
        if !accepted {
            return Err(reject(2507, "Unsupported namespace"));
        }
    }
    check_identity(account, submit)?;
    check_recipients(submit)?;
    if submit.reply_charging.is_some() {
        return Err(reject(2565, "Reply charging not supported"));
    }
    if submit.charged_party.is_some() || submit.charged_party_id.is_some() {
        return Err(reject(3002, "Charged party not supported"));
    }
    if submit.content.is_none() {
        return Err(reject(2506, "Missing Content element"));
    }
    let size: usize = decoded.parts.iter().map(|p| p.data.len()).sum();
    if size > account.max_message_bytes {
        return Err(reject(
            2560,
            format!(
                "Message is {size} bytes, above the carrier limit of {}",
                account.max_message_bytes
            ),
        ));
    }
    Ok(decoded)
}

fn check_identity(account: &SinchAccount, submit: &SubmitReq) -> Result<(), Rejection> {
    let si = &submit.sender_identification;
    if si.vasp_id.is_none() && si.vas_id.is_none() && si.sender.is_none() {
        return Err(reject(2561, "Bad or missing sender identification"));
    }
    if si.vasp_id.as_deref().map(str::trim) != Some(account.vasp_id.as_str()) {
        return Err(reject(2564, "Invalid VASPID"));
    }
    if let Some(vas_id) = &account.vas_id
        && si.vas_id.as_deref().map(str::trim) != Some(vas_id.as_str())
    {
        return Err(reject(2562, "Invalid VASID"));
    }
    let Some(sender) = &si.sender else {
        return Err(reject(2504, "Missing source"));
    };
    if !account.senders.contains(&sender.value) {
        return Err(reject(2563, "Invalid source address (not provisioned)"));
    }
    Ok(())
}

fn check_recipients(submit: &SubmitReq) -> Result<(), Rejection> {
    if submit.recipients.is_empty() {
        return Err(reject(2502, "Missing destination"));
    }
    match validate_submit(submit) {
        Ok(()) => Ok(()),
        Err(GroupError::AllDisplayOnly) => Err(reject(
            2571,
            "Group message: every recipient is displayOnly",
        )),
        Err(GroupError::MoreThanOneDeliverable(_)) => Err(reject(
            2572,
            "Group message: more than one recipient is not displayOnly",
        )),
        // Sinch publishes no code for more than 20 participants (BRIEF §4); 2503 is its
        // closest ("multiple destinations not supported").
        Err(GroupError::TooManyParticipants(n)) => Err(reject(
            2503,
            format!("Group message: {n} recipients, at most {MAX_PARTICIPANTS}"),
        )),
        Err(other) => Err(reject(2002, other.to_string())),
    }
}

/// The one recipient a valid SubmitReq delivers to.
pub fn deliver_to(submit: &SubmitReq) -> Option<&mm7::Address> {
    submit
        .recipients
        .iter()
        .map(|r| &r.address)
        .find(|a| a.is_deliverable())
}
