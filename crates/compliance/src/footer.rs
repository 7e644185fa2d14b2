//! The opt-out footer ("Reply STOP to opt out") on the first message a participant gets.
//!
//! Why a helper: whether a message is someone's first is the engine's to know, but the
//! footer must not appear twice when the agent already wrote an opt-out line, in any
//! case or wording ("reply stop to unsubscribe", "Text STOP to quit").

use crate::normalize::words;
use crate::phrases::FOOTER_MARKERS;

/// The default footer.
pub const DEFAULT_FOOTER: &str = "Reply STOP to opt out";

/// `text` with `footer` on a line of its own, unless `text` already carries the footer or
/// another "reply/text/send STOP" line. An empty footer leaves `text` unchanged.
pub fn append_footer(text: &str, footer: &str) -> String {
    let body = words(text);
    let footer_words = words(footer);
    let has =
        |needle: &[String]| !needle.is_empty() && body.windows(needle.len()).any(|w| w == needle);
    if footer_words.is_empty()
        || has(&footer_words)
        || FOOTER_MARKERS.iter().any(|m| has(&words(m)))
    {
        return text.to_owned();
    }
    let text = text.trim_end();
    if text.is_empty() {
        footer.to_owned()
    } else {
        format!("{text}\n{footer}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_on_its_own_line() {
        assert_eq!(
            append_footer("Showing at 3pm  \n", DEFAULT_FOOTER),
            "Showing at 3pm\nReply STOP to opt out"
        );
        assert_eq!(append_footer("", DEFAULT_FOOTER), DEFAULT_FOOTER);
        assert_eq!(append_footer("Hi", ""), "Hi");
    }

    #[test]
    fn never_doubles_an_opt_out_line() {
        for text in [
            "Showing at 3pm\nReply STOP to opt out",
            "Showing at 3pm. reply stop to unsubscribe",
            "Showing at 3pm — Text STOP to quit",
            "Showing at 3pm\nREPLY “STOP” TO OPT OUT",
        ] {
            assert_eq!(append_footer(text, DEFAULT_FOOTER), text);
        }
        let custom = "Msg STOP for no more texts";
        assert_eq!(
            append_footer("Hi\nMsg stop for no more texts!", custom),
            "Hi\nMsg stop for no more texts!"
        );
    }

    #[test]
    fn a_stop_inside_a_sentence_is_not_a_footer() {
        assert_eq!(
            append_footer("Stop by at 5", DEFAULT_FOOTER),
            "Stop by at 5\nReply STOP to opt out"
        );
    }
}
