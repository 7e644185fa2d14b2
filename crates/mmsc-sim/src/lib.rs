//! A provider simulator (MMSC) that speaks real MM7 over real HTTP, the way Sinch does.
//!
//! The demo and the tests need a provider when there is no real one. This one accepts
//! SubmitReq with Sinch's checks and status codes ([`sinch_checks`]), answers SubmitRsp with
//! a fresh MessageID, pushes a DeliveryReportReq to the relay after a delay and retries
//! failed pushes as Sinch does ([`RetryPolicy`], scaled down in tests), plays scripted
//! participants ([`Script`], the built-in [`demo_script`]), injects faults on demand into
//! its submit answers ([`FaultPlan`]) and its pushes ([`PushFaultPlan`]), and records
//! everything it received and pushed ([`LogEvent`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mmsc_sim::SimError> {
//! let config = mmsc_sim::SimConfig {
//!     script: Some(mmsc_sim::demo_script()),
//!     ..mmsc_sim::SimConfig::default()
//! }
//! .with_push_to("http://127.0.0.1:8787/mm7");
//! let sim = mmsc_sim::Simulator::start(config).await?;
//! println!("submit to {}", sim.submit_url());
//! # Ok(()) }
//! ```

mod clock;
mod config;
pub mod demo;
mod faults;
pub mod media;
mod pusher;
mod recorder;
pub mod script;
mod seeded;
mod server;
pub mod sinch_checks;
mod throughput;

pub use clock::{Clock, SystemClock, xs_date_time};
pub use config::{PushTarget, RetryPolicy, SimConfig, SinchAccount};
pub use demo::demo_script;
pub use faults::{Fault, FaultPlan, PushFault, PushFaultPlan};
pub use recorder::LogEvent;
pub use script::{Script, ScriptError};
pub use seeded::SeededRng;
pub use server::{MoMessage, PushError, SimError, SimHandle, Simulator};
