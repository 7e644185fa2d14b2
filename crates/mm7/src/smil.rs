//! The SMIL presentation generated for SubmitReq: Sinch requires one in every SubmitReq
//! (BRIEF §1). One `<par>` shows every part; images/video above, text below.

use crate::part::Part;

/// A SMIL document referencing each part by `cid:` (parts must have Content-IDs).
pub(crate) fn presentation(parts: &[Part<'_>]) -> String {
    let mut body = String::new();
    for part in parts {
        let Some(id) = &part.content_id else { continue };
        let media = part.media_type();
        let (element, region) = if media.starts_with("image/") {
            ("img", "Image")
        } else if media.starts_with("video/") {
            ("video", "Image")
        } else if media.starts_with("audio/") {
            ("audio", "")
        } else if media.starts_with("text/") {
            ("text", "Text")
        } else {
            ("ref", "")
        };
        body.push_str(&format!("<{element} src=\"cid:{}\"", escape_attribute(id)));
        if !region.is_empty() {
            body.push_str(&format!(" region=\"{region}\""));
        }
        body.push_str("/>");
    }
    format!(
        "<smil><head><layout><root-layout width=\"100%\" height=\"100%\"/>\
<region id=\"Image\" top=\"0\" left=\"0\" height=\"50%\" width=\"100%\" fit=\"meet\"/>\
<region id=\"Text\" top=\"50%\" left=\"0\" height=\"50%\" width=\"100%\" fit=\"scroll\"/>\
</layout></head><body><par dur=\"5000ms\">{body}</par></body></smil>"
    )
}

fn escape_attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}
