//! The `[compliance]` table: what the automatic messages say and how strict sending is.
//!
//! Every field has a safe default, so an office that never opens this table is compliant
//! as shipped. What may be configured is bounded by the rules it serves: the CTIA opt-out
//! keywords can be added to but never removed (a missed STOP is a violation, an extra
//! keyword costs one confirmation), the confirmations and the HELP answer cannot be
//! empty, and the HELP answer must still say how to opt out and that rates may apply.

use serde::{Deserialize, Serialize};

use super::ConfigError;

/// What to do when texting a number with no opt-in on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptInPolicy {
    /// Send without comment (consent is kept elsewhere, e.g. a CRM).
    Off,
    /// Send, and tell the agent whom no opt-in is recorded for.
    #[default]
    Warn,
    /// Refuse the send until an opt-in is recorded.
    Refuse,
}

impl std::str::FromStr for OptInPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(OptInPolicy::Off),
            "warn" => Ok(OptInPolicy::Warn),
            "refuse" => Ok(OptInPolicy::Refuse),
            _ => Err("is one of off, warn, refuse".into()),
        }
    }
}

/// The wording of the automatic messages and the sending policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplianceSettings {
    /// Who we are, in the HELP answer (`{business}`).
    pub business_name: String,
    /// How to reach a person, in the HELP answer (`{contact}`); empty means our number.
    pub help_contact: String,
    pub opt_in_policy: OptInPolicy,
    /// Appended to the first message each person receives from us; empty turns it off.
    pub footer: String,
    pub opt_out_confirmation: String,
    pub opt_in_confirmation: String,
    /// The HELP / INFO answer; `{business}` and `{contact}` are filled in.
    pub help_reply: String,
    /// Opt-out keywords in addition to the CTIA ones, which always apply.
    pub extra_opt_out_keywords: Vec<String>,
    /// The words that re-open an opted-out number.
    pub opt_in_keywords: Vec<String>,
    pub help_keywords: Vec<String>,
}

/// Sent once after an opt-out (CTIA: confirm, nothing else, no marketing).
pub const DEFAULT_OPT_OUT_CONFIRMATION: &str = "You have been unsubscribed and will receive no further messages from this number. Reply START to resubscribe.";
/// Sent once after a re-opt-in.
pub const DEFAULT_OPT_IN_CONFIRMATION: &str =
    "You are subscribed again. Reply STOP to opt out at any time.";
/// The HELP answer (CTIA: who we are, how to get help, rates, how to opt out).
pub const DEFAULT_HELP_REPLY: &str = "{business}: we text you about your claim, listing or \
appointment. For help, reply here or call {contact}. Msg & data rates may apply. Reply STOP \
to opt out.";

impl Default for ComplianceSettings {
    fn default() -> Self {
        let keywords = compliance::Keywords::default();
        ComplianceSettings {
            business_name: "Our office".into(),
            help_contact: String::new(),
            opt_in_policy: OptInPolicy::default(),
            footer: compliance::DEFAULT_FOOTER.into(),
            opt_out_confirmation: DEFAULT_OPT_OUT_CONFIRMATION.into(),
            opt_in_confirmation: DEFAULT_OPT_IN_CONFIRMATION.into(),
            help_reply: DEFAULT_HELP_REPLY.into(),
            extra_opt_out_keywords: Vec::new(),
            opt_in_keywords: keywords.opt_in,
            help_keywords: keywords.help,
        }
    }
}

impl ComplianceSettings {
    pub fn is_default(&self) -> bool {
        *self == ComplianceSettings::default()
    }

    /// The keyword sets the classifier uses: the CTIA opt-out words plus any extra.
    pub fn keywords(&self) -> compliance::Keywords {
        let mut opt_out = compliance::Keywords::default().opt_out;
        opt_out.extend(self.extra_opt_out_keywords.iter().cloned());
        compliance::Keywords {
            opt_out,
            opt_in: self.opt_in_keywords.clone(),
            help: self.help_keywords.clone(),
        }
    }

    /// The HELP answer for an account whose number is `our_number`.
    pub fn help_text(&self, our_number: &str) -> String {
        let contact = if self.help_contact.trim().is_empty() {
            our_number
        } else {
            self.help_contact.trim()
        };
        self.help_reply
            .replace("{business}", self.business_name.trim())
            .replace("{contact}", contact)
    }

    /// The footer to append, if it is on.
    pub fn footer(&self) -> Option<&str> {
        let footer = self.footer.trim();
        (!footer.is_empty()).then_some(footer)
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let key = |f: &str| format!("compliance.{f}");
        for (field, text) in [
            ("opt_out_confirmation", &self.opt_out_confirmation),
            ("opt_in_confirmation", &self.opt_in_confirmation),
            ("help_reply", &self.help_reply),
            ("business_name", &self.business_name),
        ] {
            if text.trim().is_empty() {
                return Err(ConfigError::invalid(
                    key(field),
                    "is empty; the rules require this message (remove the key for the default)",
                ));
            }
        }
        let help = self.help_reply.to_ascii_lowercase();
        if !help.contains("stop") || !help.contains("rates") {
            return Err(ConfigError::invalid(
                key("help_reply"),
                "must say how to opt out (STOP) and that message and data rates may apply",
            ));
        }
        if self.opt_in_keywords.iter().all(|k| k.trim().is_empty()) {
            return Err(ConfigError::invalid(
                key("opt_in_keywords"),
                "is empty; an opted-out person could never opt back in (START is the usual word)",
            ));
        }
        Ok(())
    }

    /// Sets one scalar field (`groupline config set compliance.FIELD VALUE`). Lists take
    /// comma-separated words.
    pub(super) fn set(&mut self, field: &str, value: &str) -> Result<bool, ConfigError> {
        let list = |v: &str| {
            v.split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        match field {
            "business_name" => self.business_name = value.trim().into(),
            "help_contact" => self.help_contact = value.trim().into(),
            "opt_in_policy" => {
                self.opt_in_policy = value
                    .parse()
                    .map_err(|p: String| ConfigError::invalid("compliance.opt_in_policy", p))?
            }
            "footer" => self.footer = value.trim().into(),
            "opt_out_confirmation" => self.opt_out_confirmation = value.trim().into(),
            "opt_in_confirmation" => self.opt_in_confirmation = value.trim().into(),
            "help_reply" => self.help_reply = value.trim().into(),
            "extra_opt_out_keywords" => self.extra_opt_out_keywords = list(value),
            "opt_in_keywords" => self.opt_in_keywords = list(value),
            "help_keywords" => self.help_keywords = list(value),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_answer_names_the_business_and_a_contact() {
        let mut s = ComplianceSettings {
            business_name: "Harbor Insurance".into(),
            ..Default::default()
        };
        let text = s.help_text("+16175550100");
        assert!(text.starts_with("Harbor Insurance: "), "{text}");
        assert!(text.contains("call +16175550100"), "{text}");
        assert!(text.contains("Msg & data rates may apply"));
        s.help_contact = "(617) 555-0199".into();
        assert!(s.help_text("+16175550100").contains("call (617) 555-0199"));
    }

    #[test]
    fn the_ctia_opt_out_words_cannot_be_configured_away() {
        let s = ComplianceSettings {
            extra_opt_out_keywords: vec!["ARRET".into()],
            opt_in_keywords: vec!["RESUME".into()],
            ..Default::default()
        };
        let k = s.keywords();
        assert!(k.opt_out.iter().any(|w| w.eq_ignore_ascii_case("stop")));
        assert!(k.opt_out.iter().any(|w| w == "ARRET"));
        assert!(matches!(
            compliance::classify_with("arret", &k),
            compliance::Classification::OptOut { .. }
        ));
        assert!(matches!(
            compliance::classify_with("Resume", &k),
            compliance::Classification::OptIn { .. }
        ));
        assert_eq!(
            compliance::classify_with("START", &k),
            compliance::Classification::None
        );
    }

    #[test]
    fn wording_that_breaks_the_rules_is_refused() {
        let mut s = ComplianceSettings::default();
        assert!(s.validate().is_ok());
        assert!(s.set("help_reply", "Call us.").unwrap());
        assert!(s.validate().unwrap_err().to_string().contains("STOP"));
        let mut s = ComplianceSettings::default();
        s.set("opt_out_confirmation", "  ").unwrap();
        assert!(s.validate().is_err());
        let mut s = ComplianceSettings::default();
        s.set("opt_in_keywords", " , ").unwrap();
        assert!(s.validate().is_err());
        let mut s = ComplianceSettings::default();
        assert!(s.set("opt_in_policy", "maybe").is_err());
        s.set("opt_in_policy", "Refuse").unwrap();
        assert_eq!(s.opt_in_policy, OptInPolicy::Refuse);
        s.set("footer", "").unwrap();
        assert_eq!(s.footer(), None);
        assert!(!s.set("nonsense", "x").unwrap());
    }
}
