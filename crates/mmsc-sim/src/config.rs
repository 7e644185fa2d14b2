//! How a simulator is set up: the Sinch account it accepts, where it pushes, how it retries,
//! what it delivers, and which faults it injects.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::faults::{FaultPlan, PushFaultPlan};
use crate::script::Script;

/// The account SubmitReqs are checked against (BRIEF §5: VASPID is the API key, VASID the
/// service ID, Basic auth optional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinchAccount {
    pub vasp_id: String,
    /// Required to match when set.
    pub vas_id: Option<String>,
    /// Basic auth user and password, when the account has it.
    pub basic: Option<(String, String)>,
    /// Sender addresses provisioned on the account (2563 otherwise).
    pub senders: Vec<String>,
    /// The carrier size limit, over the decoded content (2560 above it). Default: Verizon's
    /// 10DLC binary limit, the smallest of the group carriers.
    pub max_message_bytes: usize,
    /// Accepted SubmitReqs per second (3510 above it); `None` is unlimited.
    pub max_submits_per_second: Option<u32>,
}

impl Default for SinchAccount {
    fn default() -> Self {
        SinchAccount {
            vasp_id: "groupline-demo".into(),
            vas_id: None,
            basic: None,
            senders: vec!["12025550100".into()],
            max_message_bytes: 1_310_720,
            max_submits_per_second: None,
        }
    }
}

/// Where pushes (DeliverReq, DeliveryReportReq) go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// E.g. `http://127.0.0.1:8787/mm7`.
    pub url: String,
    pub basic: Option<(String, String)>,
}

/// Sinch's webhook retry: a 10 s timeout, then up to 5 retries 5 minutes apart (BRIEF §5).
/// Tests scale the intervals down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub timeout: Duration,
    pub interval: Duration,
    pub retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            timeout: Duration::from_secs(10),
            interval: Duration::from_secs(300),
            retries: 5,
        }
    }
}

/// Everything [`crate::Simulator::start`] needs.
#[derive(Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    /// The path SubmitReqs are POSTed to.
    pub submit_path: String,
    pub account: SinchAccount,
    pub push_to: Option<PushTarget>,
    pub retry: RetryPolicy,
    /// How long after an accepted submit its delivery report is pushed.
    pub dlr_delay: Duration,
    /// MMStatus of delivery reports the script does not override.
    pub dlr_status: String,
    pub faults: FaultPlan,
    /// Push attempts to garble (truncated or malformed bodies) on the way to the relay.
    pub push_faults: PushFaultPlan,
    /// The operator ID delivery reports carry when neither the submit's
    /// `x-mblox-operator-id` nor the script's cast names the recipient's carrier (Sinch
    /// looks the carrier up and echoes it on every DLR post, BRIEF §1).
    pub dlr_operator_id: Option<String>,
    pub script: Option<Script>,
    /// Script times are multiplied by this (0.01 plays a 100 s story in 1 s).
    pub time_scale: f64,
    pub seed: u64,
    /// A JSON-lines copy of the event log.
    pub log_path: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("listen", &self.listen)
            .field("push_to", &self.push_to.as_ref().map(|p| &p.url))
            .field("retry", &self.retry)
            .field("dlr_delay", &self.dlr_delay)
            .field("seed", &self.seed)
            .finish()
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            submit_path: "/mm7".into(),
            account: SinchAccount::default(),
            push_to: None,
            retry: RetryPolicy::default(),
            dlr_delay: Duration::from_secs(2),
            dlr_status: "Retrieved".into(),
            faults: FaultPlan::default(),
            push_faults: PushFaultPlan::default(),
            dlr_operator_id: None,
            script: None,
            time_scale: 1.0,
            seed: 1,
            log_path: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl SimConfig {
    pub fn with_push_to(mut self, url: impl Into<String>) -> Self {
        self.push_to = Some(PushTarget {
            url: url.into(),
            basic: None,
        });
        self
    }
}
