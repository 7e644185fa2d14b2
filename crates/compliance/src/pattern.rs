//! The tiny pattern language of `phrases.rs`, compiled once and matched over words.
//!
//! Why not regular expressions: the phrase list must stay readable by someone auditing
//! consent handling, the matching is over whole words (never substrings: "stopwatch" is
//! not "stop"), and the crate stays free of dependencies.

use std::collections::HashSet;

use crate::phrases::{FACT_QUESTIONS, NEGATION_CANCELLERS, NEGATORS, REVERSAL_FILLERS, SETS};

/// One compiled plain-language rule.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) id: &'static str,
    at_start: bool,
    at_end: bool,
    slots: Vec<Slot>,
}

#[derive(Debug)]
struct Slot {
    words: HashSet<&'static str>,
    optional: bool,
}

impl Pattern {
    /// Compiles `source` (syntax in `phrases.rs`). Panics on a malformed pattern: patterns
    /// are constants, and the `every_phrase_compiles` test compiles all of them.
    pub(crate) fn compile(id: &'static str, source: &'static str) -> Pattern {
        let mut tokens: Vec<&'static str> = source.split_whitespace().collect();
        let at_start = tokens.first() == Some(&"^");
        if at_start {
            tokens.remove(0);
        }
        let at_end = tokens.last() == Some(&"$");
        if at_end {
            tokens.pop();
        }
        let slots: Vec<Slot> = tokens.into_iter().map(|t| Slot::compile(id, t)).collect();
        assert!(
            slots.iter().any(|s| !s.optional),
            "phrase {id}: needs at least one required slot"
        );
        Pattern {
            id,
            at_start,
            at_end,
            slots,
        }
    }

    /// Whether the pattern matches `words` somewhere not preceded by a negator.
    pub(crate) fn matches(&self, words: &[String]) -> bool {
        let last_start = if self.at_start { 0 } else { words.len() };
        (0..=last_start).any(|start| !reversed(words, start) && self.match_from(words, start, 0))
    }

    fn match_from(&self, words: &[String], at: usize, slot: usize) -> bool {
        let Some(s) = self.slots.get(slot) else {
            return !self.at_end || at == words.len();
        };
        let here = words.get(at).is_some_and(|w| s.words.contains(w.as_str()));
        (here && self.match_from(words, at + 1, slot + 1))
            || (s.optional && self.match_from(words, at, slot + 1))
    }
}

impl Slot {
    fn compile(id: &str, token: &'static str) -> Slot {
        let (inner, optional) = match token.strip_prefix('[') {
            Some(rest) => (
                rest.strip_suffix(']')
                    .unwrap_or_else(|| panic!("phrase {id}: unclosed [ in {token}")),
                true,
            ),
            None => (token, false),
        };
        let mut words = HashSet::new();
        for alt in inner.split('|') {
            match alt.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
                Some(name) => {
                    let (_, set) = SETS
                        .iter()
                        .find(|(n, _)| *n == name)
                        .unwrap_or_else(|| panic!("phrase {id}: unknown set {{{name}}}"));
                    words.extend(set.split('|'));
                }
                None => {
                    assert!(
                        !alt.is_empty()
                            && alt.chars().all(|c| c.is_lowercase() || c.is_ascii_digit()),
                        "phrase {id}: {alt:?} is not a normalized word"
                    );
                    words.insert(alt);
                }
            }
        }
        Slot { words, optional }
    }
}

/// Whether the first non-filler word before `start` reverses the phrase (see
/// `phrases.rs`): a negator not itself cancelled by "if"/"unless"/"why", or a question
/// about a fact.
fn reversed(words: &[String], start: usize) -> bool {
    let before = &words[..start.min(words.len())];
    let Some(at) = before
        .iter()
        .rposition(|w| !REVERSAL_FILLERS.contains(&w.as_str()))
    else {
        return false;
    };
    let word = before[at].as_str();
    if NEGATORS.contains(&word) {
        let cancelled = before[at.saturating_sub(3)..at]
            .iter()
            .any(|w| NEGATION_CANCELLERS.contains(&w.as_str()));
        return !cancelled;
    }
    FACT_QUESTIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::Pattern;
    use crate::normalize::words;

    fn m(pattern: &'static str, text: &str) -> bool {
        Pattern::compile("t", pattern).matches(&words(text))
    }

    #[test]
    fn optional_slots_sets_and_anchors() {
        assert!(m(
            "remove me [from] [{det}] list",
            "remove me from this list"
        ));
        assert!(m("remove me [from] [{det}] list", "pls remove me list"));
        assert!(!m("remove me $", "remove me from the showing"));
        assert!(m("^ stop {msgs}", "stop texts"));
        assert!(!m("^ stop {msgs}", "never stop texts"));
        assert!(!m("stop {msgs}", "do not stop alerts"));
    }

    #[test]
    fn matches_whole_words_only() {
        assert!(!m("stop", "stopwatch"));
    }
}
