//! Every word and phrase the classifier knows, in one place, each with the reason it exists.
//!
//! Why one file: the consent ledger records which rule matched, reviewers audit what we
//! treat as an opt-out, and a new phrasing from the field should be a one-line change here
//! plus a line in `tests/phrasings.tsv`, never a hunt through code.
//!
//! All entries are written in normalized form (see `normalize.rs`): lower case, no
//! apostrophes, negative contractions spelled out ("do not", never "don't").
//!
//! # Phrase pattern syntax
//!
//! A pattern is space-separated slots matched against consecutive words of the message:
//!
//! - `stop` matches the word "stop"; `text|message` matches either word;
//! - `{msgs}` matches any word of the named set in [`SETS`];
//! - `[...]` makes a slot optional: `[please]`, `[this|the]`, `[{det}]`;
//! - `^` as the first slot pins the match to the start of the message, `$` as the last
//!   slot to its end (after a trailing courtesy such as "thanks" has been trimmed).
//!
//! A match does not count when the word before it (looking past fillers such as "ever",
//! "please", "you") reverses it:
//!
//! - a negator: "please don't remove me", "don't stop sending messages" — unless an
//!   "if"/"unless"/"why" just before the negator turns it back into a demand ("if you
//!   don't stop texting me…", "why don't you stop texting me");
//! - a question about a fact: "did you stop sending messages?", "why did they stop?".
//!
//! "I'm not kidding, stop texting me" still is an opt-out: "kidding" ends the look-back.

/// Opt-out keywords: a message consisting of exactly one of these (any case, with
/// punctuation, emoji and courtesy words around it) is an opt-out.
pub(crate) const OPT_OUT_KEYWORDS: &[&str] = &[
    // CTIA's standard set (brief §7).
    "stop",
    "end",
    "cancel",
    "unsubscribe",
    "quit",
    // Carriers and aggregators add these two.
    "stopall",
    "remove",
    // "STOP ALL" typed with a space is the same request as STOPALL.
    "stop all",
    // FCC 24-24 names "revoke" and "opt out" as conclusive revocation words; "optout" and
    // "opt-out" (which normalizes to "opt out") are the spellings phones produce.
    "revoke",
    "optout",
    "opt out",
    // The common shortening, and misspellings of the two long keywords that still leave
    // no doubt what is asked (FCC: revocation "by any reasonable means").
    "unsub",
    "stopp",
    "unsubcribe",
    "unsuscribe",
    "unsubscibe",
    // "END ALL", "CANCEL ALL": the same request as STOP ALL with another CTIA keyword.
    "end all",
    "cancel all",
    "quit all",
    "unsubscribe all",
];

/// Re-opt-in keywords (CTIA practice; brief §7). Only meaningful from a number that has
/// opted out: "yes" is an everyday reply, so the engine must ignore an opt-in from a
/// number that never opted out.
pub(crate) const OPT_IN_KEYWORDS: &[&str] = &["start", "unstop", "yes"];

/// HELP keywords: the message alone asks what this program is and how to leave it.
pub(crate) const HELP_KEYWORDS: &[&str] = &["help", "info"];

/// Words people put before a keyword without changing its meaning ("Please stop",
/// "OK STOP"). Stripped from the start of the message before the exact-keyword check.
pub(crate) const LEADING_COURTESY: &[&str] = &[
    "please", "pls", "plz", "kindly", "ok", "okay", "hi", "hello", "hey",
];

/// Trailing courtesies ("Stop. Thank you", "STOP please"). Stripped from the end,
/// repeatedly ("stop please thanks"), before the exact-keyword check and before `$`.
pub(crate) const TRAILING_COURTESY: &[&str] = &[
    "please",
    "pls",
    "plz",
    "thanks",
    "thank you",
    "thank u",
    "thanks so much",
    "thank you very much",
    "thx",
    "ty",
    "tyvm",
    "asap",
    "immediately",
    // Asides people add after a keyword: "STOP, wrong number", "Stop!!! who is this".
    // They say why, not something else: the keyword still decides.
    "wrong number",
    "who is this",
    "who dis",
    "who are you",
];

/// Where a signature starts, as normalized words: "STOP\n\nSent from my iPhone". The
/// words from here to the end are dropped when at most [`SIGNATURE_MAX_WORDS`] long.
pub(crate) const SIGNATURE_LEADS: &[&str] =
    &["sent from my", "sent from", "sent via", "get outlook for"];

/// The longest signature (in words, lead included) that is dropped: "Sent from my
/// Samsung Galaxy smartphone" is 6.
pub(crate) const SIGNATURE_MAX_WORDS: usize = 7;

/// A line consisting of one of these ends the message: what follows is a signature
/// ("Stop\n--\nJohn Smith"). "-- " is the e-mail convention; phones also send dashes.
pub(crate) const SIGNATURE_DELIMITERS: &[&str] = &["--", "—", "–", "__"];

/// Negative contractions as the tokenizer sees them (apostrophe already dropped), spelled
/// out so that one pattern ("do not text me") covers "don't", "don’t" and "dont".
pub(crate) const NEGATIVE_CONTRACTIONS: &[(&str, &str)] = &[
    ("dont", "do not"),
    ("doesnt", "does not"),
    ("didnt", "did not"),
    ("cant", "can not"),
    ("cannot", "can not"),
    ("wont", "will not"),
    ("isnt", "is not"),
    ("arent", "are not"),
    ("wasnt", "was not"),
    ("werent", "were not"),
    ("shouldnt", "should not"),
    ("wouldnt", "would not"),
    ("couldnt", "could not"),
    ("havent", "have not"),
    ("hasnt", "has not"),
    ("aint", "is not"),
];

/// Words that, just before a phrase, reverse it ("don't remove me", "never stop texting").
pub(crate) const NEGATORS: &[&str] = &["not", "never"];

/// Words that, up to three words before a negator, make the negation a demand again:
/// "if you don't stop texting me", "unless you stop", "why don't you stop texting me".
pub(crate) const NEGATION_CANCELLERS: &[&str] = &["if", "unless", "why"];

/// Question words that, just before a phrase, make it a question about what happened,
/// not a request: "did you stop sending messages?", "has it stopped", "when they stop
/// sending alerts". ("Can you"/"will you stop texting me" are requests: not listed.)
pub(crate) const FACT_QUESTIONS: &[&str] =
    &["did", "does", "has", "have", "had", "when", "whether"];

/// Words that may sit between a reversing word and the phrase ("don't ever stop texting
/// me", "did they stop sending messages"). Any other word ends the look-back, so
/// "not kidding, stop texting me" stays an opt-out.
pub(crate) const REVERSAL_FILLERS: &[&str] = &[
    "ever", "please", "pls", "just", "really", "even", "you", "u", "they", "he", "she", "it", "ya",
];

/// Named word sets used as `{name}` in patterns.
pub(crate) const SETS: &[(&str, &str)] = &[
    // Plural nouns for what we send. Singular "text"/"message" are left out on purpose:
    // "cancel the text to Bob" is about one message, not the subscription.
    (
        "msgs",
        "texts|txts|messages|msgs|sms|notifications|alerts|updates|reminders|promotions|promos|ads|spam",
    ),
    // What a list or group is called by the people in it.
    (
        "group",
        "list|lists|group|groups|chat|chats|thread|threads|conversation|convo|gc|texts|messages|contacts|database|system|records",
    ),
    // Words that qualify a list or message ("mailing list", "group chat", "text alerts").
    (
        "qual",
        "mailing|text|texting|sms|contact|distribution|group|marketing|email|message|messaging|broadcast|promotional|these",
    ),
    // Determiners before a list or messages.
    (
        "det",
        "this|the|your|ur|that|these|those|all|any|my|our|future|such|more",
    ),
    // Verbs for reaching someone, in the base form ("do not text me").
    (
        "contact",
        "text|txt|message|msg|sms|contact|call|email|spam|ping",
    ),
    // The same verbs in -ing form ("stop texting me").
    (
        "contacting",
        "texting|txting|messaging|msging|contacting|calling|emailing|spamming",
    ),
    // What precedes "to unsubscribe"/"to opt out" in a request about it.
    ("asking", "want|wish|like|need|trying|how|please|can"),
];

/// Plain-language opt-out requests, as `(rule id, pattern)`. The id is stored in the
/// consent ledger as evidence, so never rename one; add a new rule instead.
pub(crate) const OPT_OUT_PHRASES: &[(&str, &str)] = &[
    // "Please remove me", "can you remove me?", "take me off" — only at the end of the
    // message, because "remove me from the 3pm showing" is about an appointment.
    ("remove-me", "remove|delete me [now|already] $"),
    ("take-me-off", "take|get me off [this] $"),
    // "I'd like to be removed", "I want to be removed from this list" — the list word, if
    // any, must end the message: "I need to be removed from the closing call" is work.
    (
        "want-to-be-removed",
        "{asking} [to] be|get removed|unsubscribed [from] [{det}] [{qual}] [{group}] $",
    ),
    // "remove me from this list", "take me off this group", "get me out of the group chat".
    // The list word is required: "take me off the schedule" is about a shift.
    (
        "remove-me-from-list",
        "remove|delete|drop|take|get|kick me from|off|out [of] [{det}] [{qual}] {group}",
    ),
    // "Remove my number", "delete this number" — end of message only: "remove my number
    // from the listing" is a realtor editing a listing.
    (
        "remove-my-number",
        "remove|delete my|this number [please] $",
    ),
    // "Take my number off your list", "remove this number from the group".
    (
        "remove-number-from-list",
        "remove|delete|take|get my|this number|phone|cell [number] from|off|out [of] [{det}] [{qual}] {group}",
    ),
    // "Stop texting me", "quit messaging me": naming the person makes it unambiguous.
    ("stop-contacting-me", "stop|quit|cease {contacting} me|us"),
    // "Stop texting this number", "stop messaging this group".
    (
        "stop-contacting-number",
        "stop|quit|cease {contacting} this|my number|phone|cell|group|chat|thread",
    ),
    // "Stop texting." or "Stop sending." on its own (not "stop texting while driving").
    ("stop-texting", "stop|quit {contacting}|sending [already] $"),
    // "Stop sending messages", "stop sending me these texts".
    (
        "stop-sending-messages",
        "stop|quit|cease sending [me|us] [{det}] [{qual}] {msgs}",
    ),
    // "Stop sending me this stuff" — at the end only; "stop sending me the invoices" is work.
    (
        "stop-sending-me",
        "stop|quit sending me|us [{det}] [stuff|crap|junk|spam|things] $",
    ),
    // "Stop all texts", "cancel these alerts", "end the messages" as the whole request.
    (
        "stop-messages",
        "^ stop|end|cancel [all] [{det}] [{qual}] {msgs} [now|already] $",
    ),
    // "Stop all messages from you", "cancel the texts from this number".
    (
        "stop-messages-from",
        "^ stop|end|cancel [all] [{det}] [{qual}] {msgs} from you|u|this|your|ur",
    ),
    // "No more texts", "no more messages from you".
    ("no-more-messages", "no more [{qual}] {msgs} [now] $"),
    (
        "no-more-messages-from",
        "no more [{qual}] {msgs} from|to you|u|this|your|ur|me",
    ),
    // "Don't text me", "do not contact us anymore" — at the end, because
    // "don't text me while I'm driving, call" is not a revocation.
    (
        "do-not-contact",
        "do not [ever] {contact} me|us|this [number] [again|anymore|ever|further] $",
    ),
    // "Don't text me again about this": "again"/"anymore" makes it a revocation anywhere.
    (
        "do-not-contact-again",
        "do not [ever] {contact} me|us|this [number] again|anymore|ever",
    ),
    (
        "never-contact-again",
        "never {contact} me|us|this [number] again",
    ),
    // "I don't want these texts", "I no longer wish to receive these messages".
    (
        "do-not-want-messages",
        "do not want|wish [to] [receive|get] [{det}] [more] [{qual}] {msgs}",
    ),
    (
        "no-longer-want-messages",
        "no longer want|wish [to] [receive|get] [{det}] [more] [{qual}] {msgs}",
    ),
    // "Unsubscribe me", "unsubscribe this number", "unsubscribe from this list".
    ("unsubscribe-me", "unsubscribe me|us|this|my"),
    // "Unsubscribe from all", "remove me from everything".
    (
        "unsubscribe-from-all",
        "^ unsubscribe|unsub|remove [me|us] from all|everything [{qual}] [{group}] $",
    ),
    (
        "unsubscribe-from-list",
        "unsubscribe|unsub [me|us] from [{det}] [{qual}] {group}",
    ),
    // "I want to unsubscribe", "how do I unsubscribe", "can I unsubscribe?" — the bare word
    // in a sentence ("did you unsubscribe from Costco?") is not enough.
    (
        "want-to-unsubscribe",
        "{asking} [do|can] [i|we] [to] unsubscribe",
    ),
    ("want-to-opt-out", "{asking} [do|can] [i|we] [to] opt out"),
    // "Opt out of this", "opt-out from these texts" as the whole message.
    (
        "opt-out-of",
        "^ opt out of|from [{det}] [{qual}] [{group}] $",
    ),
    // "Opt me out", "opt us out".
    ("opt-me-out", "opt me|us|this|my [number] out"),
    // A group MMS cannot be left from the phone, so asking to leave it is an opt-out.
    // End of message only: "I need to leave the group tour early" is not.
    (
        "leave-group",
        "{asking} [do|can] [i|we] [to] leave|exit [{det}] [{qual}] {group} $",
    ),
    (
        "want-out-of-group",
        "want|let [me] out [of] [{det}] [{qual}] {group}",
    ),
    // "Cancel my subscription" (not "cancel my Netflix subscription": no other word allowed).
    (
        "cancel-subscription",
        "cancel|end|stop [my|this|the] [{qual}] subscription|subscriptions",
    ),
    // TCPA vocabulary: "I revoke my consent", "withdraw my permission".
    (
        "revoke-consent",
        "revoke|withdraw|rescind [my|all|any] consent|permission",
    ),
];

/// Lines that already tell the reader how to opt out, so no footer is added again
/// ("Reply STOP to opt out", "Text STOP to unsubscribe", "Send STOP to quit").
pub(crate) const FOOTER_MARKERS: &[&str] = &["reply stop", "text stop", "txt stop", "send stop"];
