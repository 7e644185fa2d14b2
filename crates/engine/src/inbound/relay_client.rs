//! The relay's client API over HTTP: read entries after a cursor (long poll) and
//! acknowledge. See `relay::client_api` for the server side.

use std::time::Duration;

use relay::client_api::EntriesPage;

/// Where the relay is and how to prove who we are.
#[derive(Clone)]
pub struct RelayEndpoint {
    /// The relay's base URL, e.g. `http://127.0.0.1:8787`.
    pub url: String,
    pub token: String,
}

impl std::fmt::Debug for RelayEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayEndpoint")
            .field("url", &self.url)
            .field("token", &"<secret>")
            .finish()
    }
}

/// Why a poll failed.
#[derive(Debug, thiserror::Error)]
pub enum RelayClientError {
    #[error("cannot reach the relay: {0}")]
    Unreachable(String),
    #[error("the relay refused our token (HTTP {0}); check the relay settings")]
    Unauthorized(u16),
    #[error("the relay answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("the relay's answer is not what Groupline expects: {0}")]
    Garbage(String),
}

impl RelayClientError {
    /// Whether polling again later may work without the user changing anything.
    pub fn is_transient(&self) -> bool {
        !matches!(self, RelayClientError::Unauthorized(_))
    }
}

/// A client of one relay.
#[derive(Debug, Clone)]
pub struct RelayClient {
    http: reqwest::Client,
    endpoint: RelayEndpoint,
}

impl RelayClient {
    pub fn new(endpoint: RelayEndpoint) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("Groupline/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(RelayClient { http, endpoint })
    }

    pub fn url(&self) -> &str {
        &self.endpoint.url
    }

    /// Entries after `after`, waiting up to `wait` for the first one.
    pub async fn entries(
        &self,
        after: i64,
        limit: usize,
        wait: Duration,
    ) -> Result<EntriesPage, RelayClientError> {
        let url = format!(
            "{}/v1/entries?after={after}&limit={limit}&wait={}",
            self.endpoint.url.trim_end_matches('/'),
            wait.as_secs()
        );
        let response = self
            .http
            .get(url)
            .bearer_auth(&self.endpoint.token)
            .timeout(wait + Duration::from_secs(15))
            .send()
            .await
            .map_err(|e| RelayClientError::Unreachable(e.to_string()))?;
        let body = check(response).await?;
        serde_json::from_slice(&body).map_err(|e| RelayClientError::Garbage(e.to_string()))
    }

    /// Tells the relay everything up to `cursor` is safely stored here.
    pub async fn ack(&self, cursor: i64) -> Result<(), RelayClientError> {
        let url = format!(
            "{}/v1/ack?cursor={cursor}",
            self.endpoint.url.trim_end_matches('/')
        );
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.endpoint.token)
            .timeout(Duration::from_secs(15))
            .send()
            .await
            .map_err(|e| RelayClientError::Unreachable(e.to_string()))?;
        check(response).await.map(|_| ())
    }
}

async fn check(response: reqwest::Response) -> Result<Vec<u8>, RelayClientError> {
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| RelayClientError::Unreachable(e.to_string()))?;
    match status {
        200..=299 => Ok(body.to_vec()),
        401 | 403 => Err(RelayClientError::Unauthorized(status)),
        _ => Err(RelayClientError::Http {
            status,
            body: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
        }),
    }
}
