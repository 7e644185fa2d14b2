//! The one error type, shaped by what a caller can do about each failure.
//!
//! The engine maps [`MediaError::code`] onto its own stable error codes and shows
//! `to_string()` to the person: every message says what happened to which file and, where
//! there is one, what to do instead.

/// Why media could not be prepared or inspected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The bytes are of a kind MMS can't carry (or that we can't convert). `content_type`
    /// is the sniffed type, never the declared one.
    #[error("{file_name}: {content_type} can't be sent by MMS; {hint}")]
    UnsupportedType {
        file_name: String,
        content_type: String,
        /// What the person can do instead, e.g. "export the photo as JPEG".
        hint: &'static str,
    },
    /// Over a byte limit by `size - limit` bytes and nothing more can be shrunk.
    #[error("{what} is {size} bytes, {over_by} over the limit of {limit} bytes", over_by = size.saturating_sub(*limit))]
    TooLarge {
        /// What is too large, fit to show ("the message", "cat.mp4 and notes.pdf").
        what: String,
        size: u64,
        limit: u64,
    },
    /// An image whose header announces more pixels than allowed: refused before any
    /// decoding (a decompression bomb, or simply too big to handle safely).
    #[error("{what} is {width}×{height} pixels, over the limit of {max_pixels} pixels")]
    TooManyPixels {
        what: String,
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    /// The bytes claim a format but don't hold a readable image of it.
    #[error("{what} is corrupt or truncated: {detail}")]
    Corrupt { what: String, detail: String },
    /// Neither text nor attachments: there is nothing to send.
    #[error("the message has no text and no attachments")]
    Empty,
}

impl MediaError {
    /// A stable snake_case code for programs (the engine's error codes, the UI).
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::UnsupportedType { .. } => "unsupported_type",
            MediaError::TooLarge { .. } => "too_large",
            MediaError::TooManyPixels { .. } => "too_many_pixels",
            MediaError::Corrupt { .. } => "corrupt",
            MediaError::Empty => "empty",
        }
    }

    /// For [`MediaError::TooLarge`], by how many bytes; otherwise `None`.
    pub fn over_by(&self) -> Option<u64> {
        match self {
            MediaError::TooLarge { size, limit, .. } => Some(size.saturating_sub(*limit)),
            _ => None,
        }
    }

    pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> Self {
        MediaError::Corrupt {
            what: what.to_owned(),
            detail: detail.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_say_by_how_much() {
        let e = MediaError::TooLarge {
            what: "clip.mp4".into(),
            size: 1_500_000,
            limit: 1_310_720,
        };
        assert_eq!(e.code(), "too_large");
        assert_eq!(e.over_by(), Some(189_280));
        assert!(e.to_string().contains("189280 over"), "{e}");
        assert_eq!(MediaError::Empty.code(), "empty");
    }
}
