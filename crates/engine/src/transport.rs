//! The MM7 transport: one SubmitReq over HTTP(S) to the provider, and what its answer means
//! for the message.
//!
//! The codec builds the bytes; this module only moves them and classifies the outcome.
//! The classification is the heart of "never lost, never doubled":
//! - the provider answered with an MM7 status → accepted, or refused by status class
//!   (transient codes are retried, the rest fail with the provider's code and text);
//! - no answer at all because the connection failed or closed before any response → not
//!   sent, safe to retry (an MM7 server answers every request it processed);
//! - an HTTP 200 whose body is not MM7 → the provider took it; we lack its MessageID;
//! - no answer within the timeout → unconfirmed: it may have been sent, so it is *not*
//!   resent automatically (that is how duplicates happen); a delivery report can still
//!   confirm it, and the user can choose to resend.

use std::sync::Arc;
use std::time::Duration;

use mm7::{Body, Status};

use crate::provider::ProviderEndpoint;

/// The outcome of one submit attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitAnswer {
    /// A SubmitRsp with a 1xxx status.
    Accepted {
        message_id: Option<String>,
        status: Status,
    },
    /// HTTP 200 whose body could not be read as MM7: the provider processed the request.
    AcceptedUnreadable { detail: String },
    /// An MM7 status other than success (SubmitRsp or RSErrorRsp fault).
    Refused { status: Status },
    /// Nothing was processed (connection refused or closed before any answer, a proxy's
    /// 5xx without MM7, HTTP 429): safe to send again.
    NotSent {
        detail: String,
        retry_after: Option<Duration>,
    },
    /// The request went out and no answer came in time: it may or may not have been sent.
    Unconfirmed { detail: String },
    /// The provider refused at the HTTP level in a way retrying will not fix (401, 404 …).
    Rejected { http_status: u16, detail: String },
}

/// Posts SubmitReqs to one provider.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    endpoint: Arc<ProviderEndpoint>,
}

/// The transport could not be set up (a bad TLS configuration).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the HTTP client for provider {profile}: {detail}")]
pub struct TransportSetupError {
    profile: String,
    detail: String,
}

impl Transport {
    pub fn new(endpoint: Arc<ProviderEndpoint>) -> Result<Self, TransportSetupError> {
        let fail = |detail: String| TransportSetupError {
            profile: endpoint.name.clone(),
            detail,
        };
        let mut builder = reqwest::Client::builder();
        if let Some(path) = &endpoint.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| fail(format!("cannot read the CA file {}: {e}", path.display())))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| fail(format!("the CA file {} is not PEM: {e}", path.display())))?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .timeout(endpoint.timeout)
            .connect_timeout(endpoint.timeout.min(Duration::from_secs(10)))
            .pool_max_idle_per_host(endpoint.max_concurrency)
            .tls_danger_accept_invalid_certs(!endpoint.tls_verify)
            .user_agent(concat!("Groupline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| fail(e.to_string()))?;
        Ok(Transport { client, endpoint })
    }

    pub fn endpoint(&self) -> &ProviderEndpoint {
        &self.endpoint
    }

    /// Sends one encoded SubmitReq body. `operator_id` is the recipient's carrier ID when
    /// known and the profile asks for it.
    pub async fn submit(&self, body: mm7::EncodedBody, operator_id: Option<&str>) -> SubmitAnswer {
        let endpoint = &self.endpoint;
        let mut request = self
            .client
            .post(&endpoint.url)
            .header("Content-Type", body.content_type)
            .header("SOAPAction", format!("\"{}\"", endpoint.version.namespace));
        if let Some((user, password)) = &endpoint.basic_auth {
            request = request.basic_auth(user, Some(password));
        }
        if let (true, Some(id)) = (endpoint.operator_id_header, operator_id) {
            request = request.header("x-mblox-operator-id", id);
        }
        let response = match request.body(body.body).send().await {
            Ok(response) => response,
            Err(e) => return classify_send_error(&e),
        };
        let http_status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.is_timeout() => {
                return SubmitAnswer::Unconfirmed {
                    detail: format!("the provider's answer (HTTP {http_status}) stopped arriving"),
                };
            }
            Err(e) if http_status == 200 => {
                return SubmitAnswer::AcceptedUnreadable {
                    detail: format!("the answer was cut off: {e}"),
                };
            }
            Err(e) => {
                return SubmitAnswer::NotSent {
                    detail: format!("HTTP {http_status}, answer cut off: {e}"),
                    retry_after,
                };
            }
        };
        classify_answer(http_status, content_type.as_deref(), &bytes, retry_after)
    }
}

fn classify_send_error(e: &reqwest::Error) -> SubmitAnswer {
    if e.is_timeout() {
        return SubmitAnswer::Unconfirmed {
            detail: "the provider did not answer in time".to_owned(),
        };
    }
    let detail = if e.is_connect() {
        format!("cannot reach the provider: {}", root_cause(e))
    } else {
        format!("the connection closed before an answer: {}", root_cause(e))
    };
    SubmitAnswer::NotSent {
        detail,
        retry_after: None,
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// What an HTTP answer to a SubmitReq means.
pub(crate) fn classify_answer(
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> SubmitAnswer {
    let decoded = mm7::decode_body(body, content_type, &mm7::Limits::default());
    match decoded.map(|d| d.envelope.body) {
        Ok(Body::SubmitRsp(rsp)) if rsp.status.code.is_success() => SubmitAnswer::Accepted {
            message_id: rsp.message_id,
            status: rsp.status,
        },
        Ok(Body::SubmitRsp(rsp)) => SubmitAnswer::Refused { status: rsp.status },
        Ok(Body::RSErrorRsp(err)) | Ok(Body::VASPErrorRsp(err)) => {
            SubmitAnswer::Refused { status: err.status }
        }
        Ok(other) if http_status == 200 => SubmitAnswer::AcceptedUnreadable {
            detail: format!(
                "the provider answered with {:?}, not SubmitRsp",
                other.kind()
            ),
        },
        Err(e) if http_status == 200 => SubmitAnswer::AcceptedUnreadable {
            detail: format!("the provider's answer is not MM7: {e}"),
        },
        _ => match http_status {
            429 | 500..=599 => SubmitAnswer::NotSent {
                detail: format!("the provider answered HTTP {http_status} without an MM7 status"),
                retry_after,
            },
            other => SubmitAnswer::Rejected {
                http_status: other,
                detail: format!(
                    "the provider answered HTTP {other}{}",
                    match other {
                        401 | 403 => " (check the profile's user name and password)",
                        404 => " (check the profile's endpoint URL)",
                        _ => "",
                    }
                ),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(code: u16) -> Vec<u8> {
        format!(
            "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\">\
             <soap-env:Header><TransactionID>t</TransactionID></soap-env:Header><soap-env:Body>\
             <soap-env:Fault><faultcode>soap-env:Client</faultcode><faultstring>x</faultstring>\
             <detail><RSErrorRsp><MM7Version>6.8.0</MM7Version><Status><StatusCode>{code}</StatusCode>\
             <StatusText>nope</StatusText></Status></RSErrorRsp></detail></soap-env:Fault>\
             </soap-env:Body></soap-env:Envelope>"
        )
        .into_bytes()
    }

    #[test]
    fn answers_are_classified_by_what_the_provider_can_have_done() {
        let ok = b"<Envelope><Header><TransactionID>t</TransactionID></Header><Body><SubmitRsp>\
            <MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode></Status>\
            <MessageID>M-1</MessageID></SubmitRsp></Body></Envelope>";
        assert!(matches!(
            classify_answer(200, Some("text/xml"), ok, None),
            SubmitAnswer::Accepted { message_id: Some(id), .. } if id == "M-1"
        ));
        match classify_answer(500, Some("text/xml"), &fault(3510), None) {
            SubmitAnswer::Refused { status } => assert!(status.code.is_transient()),
            other => panic!("{other:?}"),
        }
        match classify_answer(500, Some("text/xml"), &fault(2563), None) {
            SubmitAnswer::Refused { status } => {
                assert!(status.code.is_permanent());
                assert_eq!(status.text.as_deref(), Some("nope"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify_answer(200, Some("text/html"), b"<html>oops", None),
            SubmitAnswer::AcceptedUnreadable { .. }
        ));
        assert!(matches!(
            classify_answer(503, None, b"busy", Some(Duration::from_secs(3))),
            SubmitAnswer::NotSent { retry_after: Some(d), .. } if d == Duration::from_secs(3)
        ));
        assert!(matches!(
            classify_answer(401, None, b"", None),
            SubmitAnswer::Rejected {
                http_status: 401,
                ..
            }
        ));
    }
}
