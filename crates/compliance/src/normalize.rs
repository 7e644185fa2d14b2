//! Turns a raw inbound text into the canonical word list every rule is written against.
//!
//! Why a module of its own: texts arrive from phones with curly apostrophes, no-break
//! spaces, full-width letters, emoji and any mix of case. If each rule coped with that on
//! its own, the rules would stop being readable; instead they see lower-case words with
//! apostrophes dropped and negative contractions spelled out ("don't" → "do not").

use crate::phrases::NEGATIVE_CONTRACTIONS;

/// Lower-case words of `text`: runs of letters and digits. Everything else (punctuation,
/// emoji, any Unicode whitespace) separates words; apostrophes inside a word are dropped
/// ("don’t" → "dont") and negative contractions then expand ("dont" → "do", "not").
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars().map(fold_char) {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if is_apostrophe(c) {
            // Dropped, not a separator: "don't" and "dont" must read the same.
        } else if !word.is_empty() {
            push_word(&mut out, std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        push_word(&mut out, word);
    }
    out
}

fn push_word(out: &mut Vec<String>, word: String) {
    match NEGATIVE_CONTRACTIONS
        .iter()
        .find(|(short, _)| *short == word)
    {
        Some((_, long)) => out.extend(long.split(' ').map(str::to_owned)),
        None => out.push(word),
    }
}

/// Full-width ASCII (U+FF01..U+FF5E, sent by some Asian keyboards: "ＳＴＯＰ") folds to ASCII.
fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Straight and curly apostrophes, the modifier letter phones substitute, and backticks.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '`' | '\u{00B4}'
    )
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn folds_case_punctuation_emoji_and_spaces() {
        assert_eq!(words("  STOP!! 🛑 "), ["stop"]);
        assert_eq!(
            words("Stop.\u{00A0}Thank\u{2003}you"),
            ["stop", "thank", "you"]
        );
        assert_eq!(words("opt-out"), ["opt", "out"]);
        assert_eq!(words("ＳＴＯＰ"), ["stop"]);
    }

    #[test]
    fn drops_apostrophes_and_expands_negations() {
        assert_eq!(words("Don’t text me"), ["do", "not", "text", "me"]);
        assert_eq!(words("dont"), ["do", "not"]);
        assert_eq!(words("I'll"), ["ill"]);
        assert_eq!(words("'stop'"), ["stop"]);
    }
}
