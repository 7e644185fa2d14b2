//! "Test connection": proves that a provider profile's endpoint answers and accepts its
//! credentials, without sending anything billable.
//!
//! It POSTs an MM7 `CancelReq` for a MessageID that cannot exist, signed exactly as a
//! SubmitReq would be (Basic auth, VASPID, VASID, sender). Nothing is delivered whatever
//! the provider makes of it: Sinch answers 2512 (only SubmitReq is supported), others
//! answer that the message is unknown. What matters is *how* it answers:
//!
//! - no TCP/TLS connection → [`Verdict::Unreachable`] / [`Verdict::Tls`];
//! - HTTP 401/403, or MM7 status 2568 (authentication failed) → [`Verdict::Credentials`];
//! - any other MM7 status, success or fault → [`Verdict::Mm7`]: the endpoint speaks MM7
//!   and let us in (the VASP ID and sender are checked by the first real send);
//! - anything else (an HTML page, a 404, garbage) → [`Verdict::NotMm7`];
//! - no answer in time → [`Verdict::Timeout`].

use std::time::{Duration, Instant};

use mm7::message::{CancelReq, SenderIdentification};
use mm7::{Address, Body, Envelope, TransferEncoding};
use serde::Serialize;

use crate::EngineError;
use crate::config::{LoadedConfig, Provider};
use crate::provider::ProviderEndpoint;

/// The MessageID asked about: no provider issued it.
pub const PROBE_MESSAGE_ID: &str = "groupline-connection-test-0000000000";
/// MM7's "authentication failed" status (what Sinch and the simulator answer for bad Basic auth).
const AUTH_FAILED: u16 = 2568;
/// The longest a test waits for an answer, whatever the profile's send timeout.
const MAX_WAIT: Duration = Duration::from_secs(15);

/// What the endpoint's answer says about the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// The endpoint answered in MM7 and accepted the credentials.
    Mm7 {
        http_status: u16,
        status_code: u16,
        status_text: Option<String>,
    },
    /// The endpoint refused the credentials (HTTP 401/403 or MM7 2568).
    Credentials { http_status: u16, detail: String },
    /// No connection: DNS, refused, unreachable.
    Unreachable { detail: String },
    /// A connection, but no TLS session (certificate, protocol).
    Tls { detail: String },
    /// No answer within the time limit.
    Timeout,
    /// An answer that is not MM7 (a web page, a 404, a proxy's error).
    NotMm7 { http_status: u16, detail: String },
}

impl Verdict {
    /// Whether the profile can be used as it is.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Mm7 { .. })
    }
}

/// The outcome of one test, with what it was sent to and how long it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionReport {
    pub url: String,
    pub verdict: Verdict,
    /// One sentence for people: what the answer means and what to check.
    pub summary: String,
    pub elapsed_ms: u64,
}

/// The probe's body: a CancelReq for [`PROBE_MESSAGE_ID`], identified as the profile.
pub fn probe_body(endpoint: &ProviderEndpoint) -> Result<mm7::EncodedBody, mm7::EncodeError> {
    let request = CancelReq {
        sender_identification: SenderIdentification {
            vasp_id: Some(endpoint.vasp_id.clone()),
            vas_id: endpoint.vas_id.clone(),
            sender: Some(Address::number(endpoint.sender.trim_start_matches('+'))),
        },
        message_id: Some(PROBE_MESSAGE_ID.to_owned()),
    };
    let envelope = Envelope::new(
        &endpoint.version,
        "groupline-connection-test",
        Body::CancelReq(request),
    );
    mm7::encode_body(
        &envelope,
        &[],
        TransferEncoding::default(),
        &mut mm7::SequentialIds::new("groupline-connection-test", ""),
    )
}

/// The endpoint of profile `name` in a loaded configuration, its password from the secret
/// store: the same fields `launch` sends with.
pub fn endpoint_of(loaded: &LoadedConfig, name: &str) -> Result<ProviderEndpoint, EngineError> {
    let mut config = loaded.config.clone();
    config.use_profile(name)?;
    let provider = match Provider::resolve(&config, loaded.secrets.store.as_ref())? {
        Provider::Mm7(p) => p,
        Provider::Demo => {
            return Err(EngineError::Config(crate::ConfigError::invalid(
                "active_profile",
                "the demo provider runs inside Groupline: there is no connection to test",
            )));
        }
    };
    Ok(ProviderEndpoint::from_profile(&provider))
}

/// Tests profile `name` of a loaded configuration.
pub async fn test_profile(
    loaded: &LoadedConfig,
    name: &str,
) -> Result<ConnectionReport, EngineError> {
    Ok(test_connection(&endpoint_of(loaded, name)?).await)
}

/// Sends the probe to the profile's endpoint and classifies the answer. Never sends a
/// SubmitReq; never fails (every failure is a [`Verdict`]).
pub async fn test_connection(endpoint: &ProviderEndpoint) -> ConnectionReport {
    let started = Instant::now();
    let verdict = probe(endpoint).await;
    ConnectionReport {
        url: endpoint.url.clone(),
        summary: summary(&verdict),
        verdict,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

async fn probe(endpoint: &ProviderEndpoint) -> Verdict {
    let wait = endpoint.timeout.min(MAX_WAIT);
    let mut builder = reqwest::Client::builder()
        .timeout(wait)
        .connect_timeout(wait.min(Duration::from_secs(10)))
        .tls_danger_accept_invalid_certs(!endpoint.tls_verify)
        .user_agent(concat!("Groupline/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &endpoint.ca_file {
        let certs = std::fs::read(path)
            .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))
            .and_then(|pem| {
                reqwest::Certificate::from_pem_bundle(&pem)
                    .map_err(|e| format!("the CA file {} is not PEM: {e}", path.display()))
            });
        match certs {
            Ok(certs) => {
                for cert in certs {
                    builder = builder.add_root_certificate(cert);
                }
            }
            Err(detail) => return Verdict::Tls { detail },
        }
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            return Verdict::Tls {
                detail: root_cause(&e),
            };
        }
    };
    let body = match probe_body(endpoint) {
        Ok(b) => b,
        Err(e) => {
            return Verdict::NotMm7 {
                http_status: 0,
                detail: format!("the profile cannot be written as MM7: {e}"),
            };
        }
    };
    let mut request = client
        .post(&endpoint.url)
        .header("Content-Type", body.content_type)
        .header("SOAPAction", format!("\"{}\"", endpoint.version.namespace));
    if let Some((user, password)) = &endpoint.basic_auth {
        request = request.basic_auth(user, Some(password));
    }
    let response = match request.body(body.body).send().await {
        Ok(r) => r,
        Err(e) => return transport_failure(&e),
    };
    let http_status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = match response.bytes().await {
        Ok(b) => b,
        Err(e) if e.is_timeout() => return Verdict::Timeout,
        Err(e) => {
            return Verdict::NotMm7 {
                http_status,
                detail: format!("the answer was cut off: {}", root_cause(&e)),
            };
        }
    };
    classify(http_status, content_type.as_deref(), &bytes)
}

/// What an HTTP answer to the probe means.
pub fn classify(http_status: u16, content_type: Option<&str>, body: &[u8]) -> Verdict {
    let status = match mm7::decode_body(body, content_type, &mm7::Limits::default()) {
        Ok(decoded) => match decoded.envelope.body {
            Body::CancelRsp(rsp) | Body::ReplaceRsp(rsp) => Some(rsp.status),
            Body::SubmitRsp(rsp) => Some(rsp.status),
            Body::RSErrorRsp(err) | Body::VASPErrorRsp(err) => Some(err.status),
            _ => None,
        },
        Err(_) => None,
    };
    match status {
        Some(s) if s.code.0 == AUTH_FAILED || matches!(http_status, 401 | 403) => {
            Verdict::Credentials {
                http_status,
                detail: s.text.unwrap_or_else(|| format!("MM7 status {}", s.code.0)),
            }
        }
        Some(s) => Verdict::Mm7 {
            http_status,
            status_code: s.code.0,
            status_text: s.text,
        },
        None if matches!(http_status, 401 | 403) => Verdict::Credentials {
            http_status,
            detail: format!("HTTP {http_status}"),
        },
        None => Verdict::NotMm7 {
            http_status,
            detail: match http_status {
                404 => "HTTP 404: nothing answers MM7 at this URL".to_owned(),
                _ => format!(
                    "HTTP {http_status}, {} bytes of {}",
                    body.len(),
                    content_type.unwrap_or("no content type")
                ),
            },
        },
    }
}

fn transport_failure(e: &reqwest::Error) -> Verdict {
    if e.is_timeout() {
        return Verdict::Timeout;
    }
    let detail = root_cause(e);
    let lower = format!("{e:?}").to_ascii_lowercase();
    if ["certificate", "tls", "ssl", "handshake"]
        .iter()
        .any(|w| lower.contains(w))
    {
        Verdict::Tls { detail }
    } else {
        Verdict::Unreachable { detail }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn summary(v: &Verdict) -> String {
    match v {
        Verdict::Mm7 {
            status_code,
            status_text,
            ..
        } => format!(
            "The endpoint answers MM7 and accepted the credentials (it answered a test \
             cancel with status {status_code}{}). Nothing was sent.",
            status_text
                .as_deref()
                .map(|t| format!(": {t}"))
                .unwrap_or_default()
        ),
        Verdict::Credentials { detail, .. } => format!(
            "The endpoint refused the credentials ({detail}): check the user name, password \
             and VASP ID."
        ),
        Verdict::Unreachable { detail } => {
            format!("Cannot reach the endpoint ({detail}): check the URL and the network.")
        }
        Verdict::Tls { detail } => format!(
            "No secure connection ({detail}): check the URL's scheme and the provider's \
             certificate (or the profile's CA file)."
        ),
        Verdict::Timeout => {
            "The endpoint did not answer in time: check the URL and any firewall.".to_owned()
        }
        Verdict::NotMm7 { detail, .. } => {
            format!("Something answered, but not in MM7 ({detail}): check the endpoint URL's path.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified() {
        assert!(matches!(
            classify(404, Some("text/plain"), b"not found"),
            Verdict::NotMm7 {
                http_status: 404,
                ..
            }
        ));
        assert!(matches!(
            classify(401, None, b""),
            Verdict::Credentials {
                http_status: 401,
                ..
            }
        ));
        assert!(matches!(
            classify(200, Some("text/html"), b"<html><body>Welcome</body></html>"),
            Verdict::NotMm7 {
                http_status: 200,
                ..
            }
        ));
    }

    #[test]
    fn the_probe_is_a_cancel_for_a_message_that_does_not_exist() {
        let mut endpoint = ProviderEndpoint::new("p", "http://x/mm7", "key", "+12025550100");
        endpoint.vas_id = Some("svc".into());
        let body = probe_body(&endpoint).unwrap();
        let decoded =
            mm7::decode_body(&body.body, Some(&body.content_type), &Default::default()).unwrap();
        match decoded.envelope.body {
            Body::CancelReq(c) => {
                assert_eq!(c.message_id.as_deref(), Some(PROBE_MESSAGE_ID));
                assert_eq!(c.sender_identification.vasp_id.as_deref(), Some("key"));
                assert_eq!(c.sender_identification.vas_id.as_deref(), Some("svc"));
            }
            other => panic!("not a CancelReq: {other:?}"),
        }
    }
}
