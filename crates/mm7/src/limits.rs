//! Bounds applied while decoding untrusted input. Everything the relay receives comes from
//! the Internet, so size, part count and nesting are capped, each with its own error.

/// Decoder caps. The defaults are generous for MMS (carriers cap messages at a few MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted body (after the HTTP headers), in bytes.
    pub max_body_bytes: usize,
    /// Most MIME parts across all nesting levels.
    pub max_parts: usize,
    /// Deepest multipart nesting (the SOAP multipart itself is level 1).
    pub max_mime_depth: usize,
    /// Deepest XML element nesting in the SOAP part.
    pub max_xml_depth: usize,
    /// Most XML elements in the SOAP part (group messages list at most ~20 addresses).
    pub max_xml_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 32 * 1024 * 1024,
            max_parts: 64,
            max_mime_depth: 4,
            max_xml_depth: 32,
            max_xml_elements: 4096,
        }
    }
}
