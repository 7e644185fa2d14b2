//! Writes XML text explicitly (no serde): a fixed `soap-env` prefix, the MM7 namespace as a
//! default `xmlns` on `TransactionID` and the message element (BRIEF §8), two-space
//! indentation and CRLF line ends, so the bytes are the same on every run.

/// Accumulates the SOAP part.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    depth: usize,
}

impl XmlWriter {
    pub fn new() -> Self {
        XmlWriter::default()
    }

    pub fn finish(self) -> String {
        self.out
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    pub fn raw_line(&mut self, line: &str) {
        self.indent();
        self.out.push_str(line);
        self.out.push_str("\r\n");
    }

    pub fn open(&mut self, name: &str) {
        self.open_with(name, &[]);
    }

    pub fn open_with(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.indent();
        self.start_tag(name, attributes);
        self.out.push_str(">\r\n");
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\r\n");
    }

    pub fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.indent();
        self.start_tag(name, attributes);
        self.out.push_str("/>\r\n");
    }

    pub fn text_element(&mut self, name: &str, text: &str) {
        self.text_element_with(name, &[], text);
    }

    pub fn text_element_with(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.indent();
        self.start_tag(name, attributes);
        self.out.push('>');
        escape_into(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\r\n");
    }

    pub fn optional(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.text_element(name, text);
        }
    }

    pub fn optional_bool(&mut self, name: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.text_element(name, if v { "true" } else { "false" });
        }
    }

    fn start_tag(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attributes {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, v, true);
            self.out.push('"');
        }
    }
}

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // Keep line breaks and tabs exact through attribute-value normalisation and
            // CRLF normalisation on the way back in.
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            // XML 1.0 cannot carry other control characters, not even as references;
            // writing one would make the whole message unparseable, so it is replaced.
            c if is_forbidden_in_xml(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
}

fn is_forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        let mut w = XmlWriter::new();
        w.text_element_with("A", &[("b", "x\"<&")], "1 < 2 & 3");
        assert_eq!(
            w.finish(),
            "<A b=\"x&quot;&lt;&amp;\">1 &lt; 2 &amp; 3</A>\r\n"
        );
    }
}
