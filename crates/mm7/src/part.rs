//! A content part of an MM (text, image, SMIL …) after transfer decoding.

use std::borrow::Cow;

/// One leaf content part. `data` borrows the input buffer when the part was sent as
/// binary/7bit/8bit (no copy of a 1 MB JPEG), and owns the bytes when base64 or
/// quoted-printable had to be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// The Content-Type header value as sent (parameters included); `text/plain` when the
    /// part had none (RFC 2045's default).
    pub content_type: String,
    /// Without angle brackets.
    pub content_id: Option<String>,
    pub content_location: Option<String>,
    pub data: Cow<'a, [u8]>,
}

impl<'a> Part<'a> {
    pub fn new(content_type: impl Into<String>, data: impl Into<Cow<'a, [u8]>>) -> Self {
        Part {
            content_type: content_type.into(),
            content_id: None,
            content_location: None,
            data: data.into(),
        }
    }

    pub fn with_content_id(mut self, id: impl Into<String>) -> Self {
        self.content_id = Some(id.into());
        self
    }

    pub fn with_content_location(mut self, location: impl Into<String>) -> Self {
        self.content_location = Some(location.into());
        self
    }

    /// `type/subtype`, lower case, parameters dropped.
    pub fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// Text a person reads (`text/*`), as opposed to media or SMIL.
    pub fn is_text(&self) -> bool {
        self.media_type().starts_with("text/")
    }

    pub fn is_smil(&self) -> bool {
        self.media_type() == "application/smil"
    }

    /// Detaches the part from the input buffer.
    pub fn into_owned(self) -> Part<'static> {
        Part {
            content_type: self.content_type,
            content_id: self.content_id,
            content_location: self.content_location,
            data: Cow::Owned(self.data.into_owned()),
        }
    }
}
