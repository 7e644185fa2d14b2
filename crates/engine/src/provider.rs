//! The provider as the outbound pipeline needs it: where to POST SubmitReqs, who we are,
//! and how hard we may push. Built from the user's configuration (or the embedded demo).

use std::time::Duration;

/// A resolved provider profile: everything needed to submit, secrets included.
#[derive(Clone)]
pub struct ProviderEndpoint {
    /// The profile's name ("demo" for the embedded simulator).
    pub name: String,
    /// The MM7 endpoint, e.g. `https://mms.example.com/mm7`.
    pub url: String,
    pub vasp_id: String,
    pub vas_id: Option<String>,
    /// Our number (10DLC, toll-free or short code) as the provider knows it.
    pub sender: String,
    pub basic_auth: Option<(String, String)>,
    pub version: mm7::Version,
    /// Send `x-mblox-operator-id` when the recipient's carrier is known (BRIEF §1).
    pub operator_id_header: bool,
    /// Whether to verify the provider's TLS certificate (off only for a test endpoint).
    pub tls_verify: bool,
    /// Extra CA certificates (PEM) to trust for a provider with a private CA.
    pub ca_file: Option<std::path::PathBuf>,
    /// How long one SubmitReq may take before the answer is treated as lost.
    pub timeout: Duration,
    /// Submits in flight at once (a 20-person group goes out in parallel).
    pub max_concurrency: usize,
    /// Submits started per second, at most (the account's throughput).
    pub rate_per_second: f64,
}

impl std::fmt::Debug for ProviderEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderEndpoint")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("vasp_id", &self.vasp_id)
            .field("vas_id", &self.vas_id)
            .field("sender", &self.sender)
            .field(
                "basic_auth",
                &self.basic_auth.as_ref().map(|(u, _)| (u, "<secret>")),
            )
            .field("timeout", &self.timeout)
            .field("max_concurrency", &self.max_concurrency)
            .field("rate_per_second", &self.rate_per_second)
            .finish_non_exhaustive()
    }
}

impl ProviderEndpoint {
    /// The endpoint a configured profile (with its secrets resolved) describes.
    pub fn from_profile(provider: &crate::config::Mm7Provider) -> Self {
        let profile = &provider.profile;
        ProviderEndpoint {
            name: provider.name.clone(),
            url: provider.endpoint.to_string(),
            vasp_id: profile.vasp_id.clone(),
            vas_id: profile.vas_id.clone().filter(|v| !v.trim().is_empty()),
            sender: format!("+{}", profile.sender_digits()),
            basic_auth: provider
                .basic_auth
                .as_ref()
                .map(|(user, secret)| (user.clone(), secret.expose().to_owned())),
            version: profile.mm7_version(),
            operator_id_header: profile.operator_id_header,
            tls_verify: profile.tls.verify,
            ca_file: profile.tls.ca_file.clone(),
            timeout: Duration::from_secs(profile.timeout_secs.max(1)),
            max_concurrency: profile.max_concurrency.max(1) as usize,
            rate_per_second: profile.rate_per_second,
        }
    }

    /// A profile with the defaults a Sinch 10DLC account works with.
    pub fn new(
        name: impl Into<String>,
        url: impl Into<String>,
        vasp_id: impl Into<String>,
        sender: impl Into<String>,
    ) -> Self {
        ProviderEndpoint {
            name: name.into(),
            url: url.into(),
            vasp_id: vasp_id.into(),
            vas_id: None,
            sender: sender.into(),
            basic_auth: None,
            version: mm7::Version::default(),
            operator_id_header: false,
            tls_verify: true,
            ca_file: None,
            timeout: Duration::from_secs(30),
            max_concurrency: 8,
            rate_per_second: 20.0,
        }
    }
}
