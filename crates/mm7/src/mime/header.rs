//! Header blocks and the Content-Type header.
//!
//! Tolerates what real MMSCs send: LF or CRLF, folded lines, parameter names in any case
//! (`Start=`, `Type=`), quoted or bare values, a trailing `;`, and (Sinch's MO example)
//! a part whose headers run straight into the body with no blank line: the first line
//! that is not `Name: value` starts the body.

/// Headers of a part or an HTTP message, names as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Headers {
    pub fields: Vec<(String, String)>,
}

impl Headers {
    /// The first value of `name` (case-insensitive), trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits `bytes` into its header block and the offset where the body starts.
pub(crate) fn parse_headers(bytes: &[u8]) -> (Headers, usize) {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = trim_line_end(&bytes[pos..end]);
        if line.is_empty() {
            return (Headers { fields }, end);
        }
        if matches!(line[0], b' ' | b'\t') {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(String::from_utf8_lossy(line).trim());
                pos = end;
                continue;
            }
            // A continuation with nothing to continue: the body has started.
            return (Headers { fields }, pos);
        }
        match header_name_len(line) {
            Some(colon) => {
                let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
                let value = String::from_utf8_lossy(&line[colon + 1..])
                    .trim()
                    .to_owned();
                fields.push((name, value));
            }
            None => return (Headers { fields }, pos),
        }
        pos = end;
    }
    (Headers { fields }, bytes.len())
}

/// The length of `Name` in a `Name: value` line, if the line is one.
fn header_name_len(line: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', line)?;
    let name = &line[..colon];
    let is_token = !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'(' | b')' | b'"'));
    is_token.then_some(colon)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A parsed Content-Type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContentType {
    /// `type/subtype`, lower case.
    pub media_type: String,
    /// Parameter names lower case, values unquoted.
    pub params: Vec<(String, String)>,
}

impl ContentType {
    pub fn parse(raw: &str) -> ContentType {
        let mut pieces = split_params(raw);
        let media_type = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let params = pieces
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                Some((k.trim().to_ascii_lowercase(), v.to_owned()))
            })
            .collect();
        ContentType { media_type, params }
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_multipart(&self) -> bool {
        self.media_type.starts_with("multipart/")
    }
}

/// Splits on `;` outside double quotes.
fn split_params(raw: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut in_quotes = false;
    let mut cuts = Vec::new();
    for (i, c) in raw.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ';' if !in_quotes => {
                cuts.push(&raw[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    cuts.push(&raw[start..]);
    cuts.into_iter().filter(|p| !p.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_fold_and_stop_at_non_header_lines() {
        let raw = b"Content-Type: multipart/mixed;\n        boundary=\"x;y\"\nContent-ID: a.jpg\n<Binary contents>\n\n";
        let (headers, body) = parse_headers(raw);
        assert_eq!(
            headers.get("content-type"),
            Some("multipart/mixed; boundary=\"x;y\"")
        );
        assert_eq!(headers.get("Content-Id"), Some("a.jpg"));
        assert_eq!(&raw[body..], b"<Binary contents>\n\n");
    }

    #[test]
    fn content_type_params_any_case_quoted_or_not() {
        let ct = ContentType::parse(
            "multipart/related; Start=\"<a;b>\"; Type=application/smil; boundary=\"==M==\";",
        );
        assert_eq!(ct.media_type, "multipart/related");
        assert_eq!(ct.param("start"), Some("<a;b>"));
        assert_eq!(ct.param("type"), Some("application/smil"));
        assert_eq!(ct.param("boundary"), Some("==M=="));
        assert!(ct.is_multipart());
    }
}
