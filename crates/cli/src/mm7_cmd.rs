//! `groupline mm7 decode|encode`: the codec from the command line, for looking at what a
//! provider sent and for producing exact requests by hand.
//!
//! The JSON is the flat form issue 3 specifies: `kind`, `transaction_id`, `mm7_version`,
//! `namespace`, `sender`, `recipients` (each `{field, kind, value, display_only, …}`;
//! `field` is null for the single `Recipient` of a delivery report or read reply),
//! `message_id`, `linked_id`, `subject`, `mm_status`, `status`, the kind's other fields
//! in snake_case, and `parts`. A part carries `text` when it is valid UTF-8 `text/*`,
//! otherwise `data_base64`, so `encode` can rebuild it: `decode(encode(x)) == x`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine;
use clap::{Args, Subcommand};
use mm7::{
    Envelope, Limits, Part, RequestOptions, ResponseOptions, SequentialIds, TransferEncoding,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::Common;

#[derive(Debug, Args)]
pub struct Mm7Args {
    #[command(subcommand)]
    command: Mm7Command,
}

#[derive(Debug, Subcommand)]
enum Mm7Command {
    /// Decode a raw HTTP message or a body alone; print one JSON object.
    Decode(DecodeArgs),
    /// Encode a JSON object (the `decode` form) into a raw HTTP message.
    Encode(EncodeArgs),
}

#[derive(Debug, Args)]
struct DecodeArgs {
    /// A raw HTTP message (start line, headers, blank line, body) or a body alone.
    file: PathBuf,
    /// Content-Type of a body given alone (else sniffed: a leading boundary line means
    /// multipart/related, anything else XML).
    #[arg(long, value_name = "CT")]
    content_type: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct EncodeArgs {
    /// The JSON message.
    file: PathBuf,
    /// Write non-text parts as base64 instead of binary.
    #[arg(long)]
    base64: bool,
    #[command(flatten)]
    common: Common,
}

/// Runs an `mm7` subcommand; failures are one line on stderr and exit code 1.
pub fn run(args: &Mm7Args) -> ExitCode {
    let result = match &args.command {
        Mm7Command::Decode(a) => decode(a),
        Mm7Command::Encode(a) => encode(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("groupline: {}", reason.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn decode(args: &DecodeArgs) -> Result<(), String> {
    let _ = &args.common; // mm7 commands touch no store
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let limits = Limits::default();
    // --content-type describes a body given alone; a whole HTTP message has its own.
    let decoded = match &args.content_type {
        Some(ct) if !mm7::looks_like_http(&bytes) => mm7::decode_body(&bytes, Some(ct), &limits),
        _ => mm7::decode_http(&bytes, &limits),
    }
    .map_err(|e| format!("{}: cannot decode: {e}", args.file.display()))?;
    let json = to_json(&decoded.envelope, &decoded.parts)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn encode(args: &EncodeArgs) -> Result<(), String> {
    let _ = &args.common;
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: invalid JSON: {e}", args.file.display()))?;
    let (envelope, parts, http) = from_json(value)?;
    let transfer_encoding = if args.base64 {
        TransferEncoding::Base64
    } else {
        TransferEncoding::Binary
    };
    // Fixed ids: the CLI's output is reproducible; boundaries are re-drawn on collision.
    let mut ids = SequentialIds::new("groupline", "1970-01-01T00:00:00Z");
    let bytes = if envelope.kind().is_request() {
        let mut options = RequestOptions {
            transfer_encoding,
            ..RequestOptions::default()
        };
        if let Some(path) = http.get("path").and_then(Value::as_str) {
            options.path = path.to_owned();
        }
        options.host = http.get("host").and_then(Value::as_str).map(str::to_owned);
        options.soap_action = http
            .get("soap_action")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let (Some(name), Some(value)) = (
            http.get("operator_id_header").and_then(Value::as_str),
            http.get("operator_id").and_then(Value::as_str),
        ) {
            options.operator_id = Some((name.to_owned(), value.to_owned()));
        }
        mm7::encode_request(&envelope, &parts, &options, &mut ids)
    } else {
        let options = ResponseOptions {
            status: http.get("status").and_then(Value::as_u64).map(|s| s as u16),
            transfer_encoding,
        };
        mm7::encode_response(&envelope, &parts, &options, &mut ids)
    }
    .map_err(|e| format!("cannot encode: {e}"))?;
    use std::io::Write;
    std::io::stdout()
        .write_all(&bytes)
        .map_err(|e| e.to_string())
}

/// Kinds whose single `<Recipient>` is shown in `recipients` with `field: null`.
const SINGLE_RECIPIENT_KINDS: [&str; 2] = ["DeliveryReportReq", "ReadReplyReq"];

/// Keys every decode prints, null when the kind has no such element.
const SUMMARY_KEYS: [&str; 7] = [
    "sender",
    "recipients",
    "message_id",
    "linked_id",
    "subject",
    "mm_status",
    "status",
];

fn to_json(envelope: &Envelope, parts: &[Part<'_>]) -> Result<Value, String> {
    let Value::Object(mut object) = serde_json::to_value(envelope).map_err(|e| e.to_string())?
    else {
        return Err("envelope did not serialize to an object".into());
    };
    let kind = envelope.kind().element();
    if SINGLE_RECIPIENT_KINDS.contains(&kind) {
        let recipients = match object.remove("recipient") {
            Some(Value::Object(mut address)) => {
                address.insert("field".into(), Value::Null);
                vec![Value::Object(address)]
            }
            _ => Vec::new(),
        };
        object.insert("recipients".into(), Value::Array(recipients));
    }
    for key in SUMMARY_KEYS {
        object.entry(key).or_insert(if key == "recipients" {
            json!([])
        } else {
            Value::Null
        });
    }
    object.insert(
        "parts".into(),
        Value::Array(parts.iter().map(part_json).collect()),
    );
    Ok(Value::Object(object))
}

fn part_json(part: &Part<'_>) -> Value {
    let mut p = Map::new();
    p.insert("content_type".into(), json!(part.content_type));
    p.insert("content_id".into(), json!(part.content_id));
    p.insert("content_location".into(), json!(part.content_location));
    p.insert("size".into(), json!(part.data.len()));
    p.insert("sha256".into(), json!(hex(&Sha256::digest(&part.data))));
    match std::str::from_utf8(&part.data) {
        Ok(text) if part.is_text() => {
            p.insert("text".into(), json!(text));
        }
        _ => {
            p.insert(
                "data_base64".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(&part.data)),
            );
        }
    }
    Value::Object(p)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

type FromJson = (Envelope, Vec<Part<'static>>, Map<String, Value>);

fn from_json(value: Value) -> Result<FromJson, String> {
    let Value::Object(mut object) = value else {
        return Err("the JSON must be an object".into());
    };
    let http = match object.remove("http") {
        Some(Value::Object(h)) => h,
        _ => Map::new(),
    };
    let parts = match object.remove("parts") {
        Some(Value::Array(parts)) => parts
            .iter()
            .map(part_from_json)
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if SINGLE_RECIPIENT_KINDS.contains(&kind.as_str())
        && let Some(Value::Array(recipients)) = object.remove("recipients")
        && let Some(Value::Object(mut first)) = recipients.into_iter().next()
    {
        first.remove("field");
        object.insert("recipient".into(), Value::Object(first));
    }
    // Summary keys that are null would fight `Option` defaults only if the kind lacks
    // them, and serde ignores unknown keys, so they can stay.
    let envelope: Envelope = serde_json::from_value(Value::Object(object))
        .map_err(|e| format!("not an MM7 message: {e}"))?;
    Ok((envelope, parts, http))
}

fn part_from_json(value: &Value) -> Result<Part<'static>, String> {
    let get = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
    let data = if let Some(text) = get("text") {
        text.into_bytes()
    } else if let Some(b64) = get("data_base64") {
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| format!("part data_base64: {e}"))?
    } else {
        return Err("each part needs \"text\" or \"data_base64\"".into());
    };
    Ok(Part {
        content_type: get("content_type").unwrap_or_else(|| "application/octet-stream".into()),
        content_id: get("content_id"),
        content_location: get("content_location"),
        data: Cow::Owned(data),
    })
}
