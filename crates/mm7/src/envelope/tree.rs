//! A small, forgiving element tree built from the SOAP part.
//!
//! Real MMSCs send envelopes that a strict parser rejects: undeclared prefixes, Sinch's
//! `soap-env::Header` with two colons, end tags that do not match their start tags, and
//! XML declarations that lie about the encoding. We therefore read the part once with
//! quick-xml's `NsReader` (namespaces resolved where they can be, end names unchecked),
//! keep only elements, attributes and text, and let the message readers look things up by
//! *local name*. The tree is bounded in depth and size so hostile input cannot blow up.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use crate::error::DecodeError;

/// One element: its local name (prefix dropped, whatever it was), the namespace URI it
/// resolved to (if any), its attributes by local name, its text and its children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub local: String,
    pub namespace: Option<String>,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child with this local name (ASCII case-sensitive, as XML is).
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.local == local)
    }

    /// All children with this local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.local == local)
    }

    /// The trimmed text of the first child with this local name.
    pub fn child_text(&self, local: &str) -> Option<String> {
        self.child(local).map(|c| c.text.trim().to_owned())
    }

    /// The first descendant (depth-first, self included) with this local name.
    pub fn find(&self, local: &str) -> Option<&Element> {
        if self.local == local {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(local))
    }

    /// An attribute by local name (`href`, `mm7:href` and `xlink:href` all answer "href").
    pub fn attribute(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == local)
            .map(|(_, v)| v.as_str())
    }
}

/// Caps applied while building the tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeLimits {
    pub max_depth: usize,
    pub max_elements: usize,
}

/// Parses `xml` into a synthetic root element whose children are the document's top-level
/// elements. A syntax error after at least one element was read ends the parse but keeps
/// what was read ("recover rather than reject"); an error before anything useful is a
/// [`DecodeError::MalformedXml`].
pub(crate) fn parse(xml: &str, limits: TreeLimits) -> Result<Element, DecodeError> {
    let repaired;
    // Sinch's published DeliverReq writes `<soap-env::Header>`; quick-xml would read the
    // local name as ":Header". Collapsing a doubled colon inside tag names is the cheapest
    // repair and cannot touch text (it only applies right after `<` or `</` + name chars).
    let xml = if xml.contains("::") {
        repaired = collapse_double_colons_in_tags(xml);
        repaired.as_str()
    } else {
        xml
    };
    let mut reader = NsReader::from_str(xml);
    {
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
    }
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut count = 0usize;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace_of(&ns), event),
            Err(e) => {
                if stack.first().is_some_and(|root| !root.children.is_empty()) || stack.len() > 1 {
                    break;
                }
                return Err(DecodeError::MalformedXml(e.to_string()));
            }
        };
        match event {
            Event::Start(start) => {
                count += 1;
                if count > limits.max_elements {
                    return Err(DecodeError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                if stack.len() > limits.max_depth {
                    return Err(DecodeError::NestingTooDeep {
                        limit: limits.max_depth,
                    });
                }
                stack.push(element_from(&start, ns));
            }
            Event::Empty(start) => {
                count += 1;
                if count > limits.max_elements {
                    return Err(DecodeError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                let element = element_from(&start, ns);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => close_top(&mut stack),
            Event::Text(text) => push_text(&mut stack, &text.xml10_content()),
            Event::CData(data) => push_text(&mut stack, &data.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => predefined_entity(&reference).map(str::to_owned),
                    Err(_) => None,
                };
                match resolved {
                    Some(s) => push_text(&mut stack, &s),
                    // An unknown entity is kept literally rather than failing the message.
                    None => push_text(&mut stack, &format!("&{};", &*reference)),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Unclosed elements (truncated or mismatched input): fold them into their parents.
    while stack.len() > 1 {
        close_top(&mut stack);
    }
    Ok(stack.pop().unwrap_or_default())
}

fn close_top(stack: &mut Vec<Element>) {
    // The synthetic root is never popped: a stray end tag is ignored.
    if stack.len() > 1
        && let Some(done) = stack.pop()
        && let Some(parent) = stack.last_mut()
    {
        parent.children.push(done);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
}

fn namespace_of(ns: &ResolveResult<'_>) -> Option<String> {
    match ns {
        ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
        _ => None,
    }
}

fn element_from(start: &quick_xml::events::BytesStart<'_>, namespace: Option<String>) -> Element {
    let local = local_name(start.name().0).to_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes().with_checks(false).flatten() {
        let key = attribute.key.0;
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| attribute.value.clone().into_owned());
        attributes.push((local_name(key).to_owned(), value));
    }
    Element {
        local,
        namespace,
        attributes,
        text: String::new(),
        children: Vec::new(),
    }
}

/// The part after the last colon: `mm7p6a0:DeliverReq` → `DeliverReq`.
fn local_name(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

fn predefined_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

fn collapse_double_colons_in_tags(xml: &str) -> String {
    let bytes = xml.as_bytes();
    let mut out = String::with_capacity(xml.len());
    let mut i = 0;
    let mut in_name = false;
    let mut last = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'<' {
            in_name = true;
        } else if in_name && b == b':' && bytes.get(i + 1) == Some(&b':') {
            out.push_str(&xml[last..i]);
            last = i + 1; // drop one of the two colons
        } else if in_name
            && !(b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b':'))
        {
            in_name = false;
        }
        i += 1;
    }
    out.push_str(&xml[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: TreeLimits = TreeLimits {
        max_depth: 16,
        max_elements: 1000,
    };

    #[test]
    fn local_names_ignore_prefixes_and_double_colons() {
        let root = parse(
            "<a:Envelope xmlns:a=\"urn:x\"><soap-env::Body><m:Thing m:href=\"cid:1\">hi &amp; bye</m:Thing></soap-env:Body></a:Envelope>",
            LIMITS,
        )
        .unwrap();
        let envelope = root.child("Envelope").unwrap();
        assert_eq!(envelope.namespace.as_deref(), Some("urn:x"));
        let thing = envelope.find("Thing").unwrap();
        assert_eq!(thing.text, "hi & bye");
        assert_eq!(thing.attribute("href"), Some("cid:1"));
    }

    #[test]
    fn depth_is_bounded() {
        let xml = "<a>".repeat(40);
        assert!(matches!(
            parse(&xml, LIMITS),
            Err(DecodeError::NestingTooDeep { limit: 16 })
        ));
    }
}
