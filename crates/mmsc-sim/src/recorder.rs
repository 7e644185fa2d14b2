//! Every request the simulator received and every push attempt it made, in order, so tests
//! (and a curious developer at `GET /sim/log`) can count exactly what each participant got
//! and which pushes the relay answered.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    pub at_ms: i64,
    /// `submit` (a request received), `push` (one push attempt) or `push_gave_up`.
    pub event: String,
    /// The MM7 kind received or pushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// For a submit: the participant it delivers to; for a push: the handset it is
    /// about (DLR recipient, MO sender).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
    /// For an accepted submit in Sinch's group form: the other participants it shows
    /// (`displayOnly`); empty for a one-to-one message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The MM7 StatusCode answered (submit) or received (push).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Push attempt number, 1 for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// A push the relay answered 200 with a success status echoing the TransactionID.
    #[serde(default)]
    pub answered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl LogEvent {
    pub(crate) fn new(at_ms: i64, event: &str) -> Self {
        LogEvent {
            at_ms,
            event: event.to_owned(),
            kind: None,
            transaction_id: None,
            participant: None,
            group: Vec::new(),
            message_id: None,
            http_status: None,
            status_code: None,
            attempt: None,
            answered: false,
            fault: None,
            error: None,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    events: Mutex<Vec<LogEvent>>,
    file: Option<Mutex<std::fs::File>>,
}

impl Recorder {
    pub(crate) fn new(path: Option<&PathBuf>) -> std::io::Result<Recorder> {
        let file = match path {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        Ok(Recorder {
            events: Mutex::new(Vec::new()),
            file,
        })
    }

    pub(crate) fn record(&self, event: LogEvent) {
        if let Some(file) = &self.file
            && let Ok(line) = serde_json::to_string(&event)
        {
            let mut f = file.lock().expect("log file lock");
            let _ = writeln!(f, "{line}");
        }
        self.events.lock().expect("log lock").push(event);
    }

    pub(crate) fn events(&self) -> Vec<LogEvent> {
        self.events.lock().expect("log lock").clone()
    }
}
