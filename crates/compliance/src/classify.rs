//! What an inbound text asks for: to opt out, to opt back in, for help, or nothing.
//!
//! Why: the engine must honour an opt-out from any participant in any thread (FCC 24-24:
//! "any reasonable means"), but must not opt out someone who wrote "can we stop by at 5?".
//! Two kinds of rule, both listed in `phrases.rs`:
//!
//! 1. **Keyword**: the whole message, once punctuation, emoji, case, a courtesy such as
//!    "please"/"thank you", an aside such as "wrong number" and a phone's signature
//!    ("Sent from my iPhone") are set aside, is one keyword ("Stop.", "STOP!!",
//!    "stop 🛑", "Stop. Thank you"). Opt-out keywords win over opt-in, opt-in over help.
//! 2. **Phrase**: a plain-language opt-out request anywhere in the message ("please
//!    remove me", "stop sending messages", "don't text me anymore"), written as readable
//!    word patterns. Only opt-outs have phrases: "yes" or "help" inside a sentence is
//!    everyday conversation.

use std::fmt;
use std::sync::LazyLock;

use crate::normalize::words;
use crate::pattern::Pattern;
use crate::phrases::{
    HELP_KEYWORDS, LEADING_COURTESY, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, OPT_OUT_PHRASES,
    SIGNATURE_DELIMITERS, SIGNATURE_LEADS, SIGNATURE_MAX_WORDS, TRAILING_COURTESY,
};

/// What an inbound message asks for, with the rule that decided it (ledger evidence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classification {
    /// The sender revokes consent: stop texting them, confirm once.
    OptOut { rule: Rule },
    /// The sender asks to be texted again. Apply it only to a number that opted out:
    /// "yes" is also an everyday reply.
    OptIn { rule: Rule },
    /// The sender asks who we are and how to stop (HELP/INFO).
    Help { rule: Rule },
    /// An ordinary message.
    None,
}

impl Classification {
    /// The rule that matched, if any.
    pub fn rule(&self) -> Option<&Rule> {
        match self {
            Classification::OptOut { rule }
            | Classification::OptIn { rule }
            | Classification::Help { rule } => Some(rule),
            Classification::None => None,
        }
    }

    /// A stable lower-case name of the kind: `opt-out`, `opt-in`, `help` or `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Classification::OptOut { .. } => "opt-out",
            Classification::OptIn { .. } => "opt-in",
            Classification::Help { .. } => "help",
            Classification::None => "none",
        }
    }
}

/// Which rule matched. Its [`Display`](fmt::Display) form (`keyword:stop`,
/// `phrase:remove-me-from-list`) is what the consent ledger stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The whole message was this keyword, normalized (`stop`, `opt out`).
    Keyword(String),
    /// A plain-language pattern, by its id in `phrases.rs`.
    Phrase(&'static str),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Keyword(k) => write!(f, "keyword:{k}"),
            Rule::Phrase(id) => write!(f, "phrase:{id}"),
        }
    }
}

/// The keyword sets, configurable per account. Entries may use any case or punctuation;
/// they are normalized like messages ("Opt-Out" is the keyword `opt out`). A word in two
/// sets counts as opt-out first, then opt-in, then help: a mistaken opt-out costs a
/// confirmation, a missed one a violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keywords {
    pub opt_out: Vec<String>,
    pub opt_in: Vec<String>,
    pub help: Vec<String>,
}

impl Default for Keywords {
    /// CTIA and FCC keywords: see `phrases.rs` for why each is there.
    fn default() -> Self {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Keywords {
            opt_out: owned(OPT_OUT_KEYWORDS),
            opt_in: owned(OPT_IN_KEYWORDS),
            help: owned(HELP_KEYWORDS),
        }
    }
}

static DEFAULT_KEYWORDS: LazyLock<Keywords> = LazyLock::new(Keywords::default);

static PHRASES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    OPT_OUT_PHRASES
        .iter()
        .map(|(id, source)| Pattern::compile(id, source))
        .collect()
});

/// Classifies `text` with the default [`Keywords`].
pub fn classify(text: &str) -> Classification {
    classify_with(text, &DEFAULT_KEYWORDS)
}

/// Classifies `text` with the account's keyword sets.
pub fn classify_with(text: &str, keywords: &Keywords) -> Classification {
    let all = words(without_signature_block(text));
    let core = strip_courtesy(strip_signature(&all));
    if let Some(rule) = keyword_rule(core, &keywords.opt_out) {
        return Classification::OptOut { rule };
    }
    if let Some(rule) = keyword_rule(core, &keywords.opt_in) {
        return Classification::OptIn { rule };
    }
    if let Some(rule) = keyword_rule(core, &keywords.help) {
        return Classification::Help { rule };
    }
    match PHRASES.iter().find(|p| p.matches(core)) {
        Some(p) => Classification::OptOut {
            rule: Rule::Phrase(p.id),
        },
        None => Classification::None,
    }
}

/// `text` up to a signature delimiter line ("--"), if there is one after some content.
fn without_signature_block(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0 && SIGNATURE_DELIMITERS.contains(&line.trim()) {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

/// `words` without a short trailing "Sent from my iPhone"-style signature.
fn strip_signature(words: &[String]) -> &[String] {
    let earliest = words.len().saturating_sub(SIGNATURE_MAX_WORDS).max(1);
    for lead in SIGNATURE_LEADS {
        if let Some(start) = (earliest..words.len()).find(|&i| starts_with_words(&words[i..], lead))
        {
            return &words[..start];
        }
    }
    words
}

fn starts_with_words(words: &[String], phrase: &str) -> bool {
    let phrase: Vec<&str> = phrase.split(' ').collect();
    words.len() >= phrase.len() && words.iter().zip(&phrase).all(|(w, p)| w == p)
}

/// The message without leading ("please", "ok") and trailing ("thank you", "please")
/// courtesies. Never strips everything: a message that is only "please" stays itself.
fn strip_courtesy(words: &[String]) -> &[String] {
    let mut core = words;
    while let Some((first, rest)) = core.split_first() {
        if rest.is_empty() || !LEADING_COURTESY.contains(&first.as_str()) {
            break;
        }
        core = rest;
    }
    'trailing: loop {
        for courtesy in TRAILING_COURTESY {
            let n = courtesy.split(' ').count();
            if core.len() > n && ends_with_words(core, courtesy) {
                core = &core[..core.len() - n];
                continue 'trailing;
            }
        }
        return core;
    }
}

fn ends_with_words(words: &[String], phrase: &str) -> bool {
    let phrase: Vec<&str> = phrase.split(' ').collect();
    words.len() >= phrase.len()
        && words[words.len() - phrase.len()..]
            .iter()
            .zip(&phrase)
            .all(|(w, p)| w == p)
}

/// The keyword that `core` consists of, once or repeated ("STOP STOP STOP").
fn keyword_rule(core: &[String], keywords: &[String]) -> Option<Rule> {
    keywords.iter().find_map(|keyword| {
        let kw = words(keyword);
        let repeated = !kw.is_empty()
            && core.len().is_multiple_of(kw.len())
            && core.chunks(kw.len()).all(|chunk| chunk == kw.as_slice());
        (repeated && !core.is_empty()).then(|| Rule::Keyword(kw.join(" ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_compiles() {
        assert_eq!(PHRASES.len(), OPT_OUT_PHRASES.len());
    }

    #[test]
    fn rule_names_are_ledger_friendly() {
        assert_eq!(
            classify("Opt-Out!").rule().map(Rule::to_string).as_deref(),
            Some("keyword:opt out")
        );
        assert_eq!(
            classify("please remove me from this list")
                .rule()
                .map(Rule::to_string)
                .as_deref(),
            Some("phrase:remove-me-from-list")
        );
    }

    #[test]
    fn custom_keywords_replace_the_defaults() {
        let keywords = Keywords {
            opt_in: vec!["Subscribe".into()],
            ..Keywords::default()
        };
        assert_eq!(classify_with("subscribe", &keywords).kind(), "opt-in");
        assert_eq!(classify_with("yes", &keywords).kind(), "none");
    }

    #[test]
    fn courtesy_alone_is_not_stripped_to_nothing() {
        assert_eq!(classify("please").kind(), "none");
        assert_eq!(classify("").kind(), "none");
        assert_eq!(classify("🛑").kind(), "none");
    }
}
