//! Runs every line of `tests/phrasings.tsv` through `classify` and reports all mismatches
//! at once, so a phrase-list change shows its whole effect in one run.

use std::path::PathBuf;

use compliance::classify;

struct Case {
    line: usize,
    kind: String,
    rule: String,
    text: String,
}

fn cases() -> Vec<Case> {
    let path = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run under cargo"))
        .join("tests/phrasings.tsv");
    let table = std::fs::read_to_string(&path).expect("tests/phrasings.tsv is readable");
    table
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let mut cols = l.trim_end_matches('\r').splitn(3, '\t');
            let (Some(kind), Some(rule), Some(text)) = (cols.next(), cols.next(), cols.next())
            else {
                panic!("phrasings.tsv:{}: needs three tab-separated columns", i + 1)
            };
            Case {
                line: i + 1,
                kind: kind.into(),
                rule: rule.into(),
                text: unescape(text),
            }
        })
        .collect()
}

/// `\n`, `\t`, `\\` and `\u{hex}`; anything else is literal.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("\\u{hex} escape");
                out.push(char::from_u32(code).expect("a valid scalar value"));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn every_phrasing_gets_its_expected_class_and_rule() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let got = classify(&case.text);
        let rule = got
            .rule()
            .map(ToString::to_string)
            .unwrap_or_else(|| "-".into());
        let rule_ok = case.rule == "-" || case.rule == rule;
        if got.kind() != case.kind || !rule_ok {
            failures.push(format!(
                "line {}: {:?}: expected {} {}, got {} {}",
                case.line,
                case.text,
                case.kind,
                case.rule,
                got.kind(),
                rule
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} phrasings wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_is_large_and_covers_every_class() {
    let cases = cases();
    assert!(
        cases.len() >= 120,
        "issue 8 asks for at least 120 phrasings, have {}",
        cases.len()
    );
    for kind in ["opt-out", "opt-in", "help", "none"] {
        assert!(cases.iter().any(|c| c.kind == kind), "no {kind} phrasings");
    }
}
