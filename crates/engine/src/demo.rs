//! The embedded demo provider: the simulator (with its demo script) and a relay, both
//! in-process on loopback ports, spoken to over real HTTP and real MM7.
//!
//! The app's first run and `groupline demo` use this; the engine cannot tell it from a real
//! provider. The relay's database lives in the data directory (`demo/relay.sqlite3`) so a
//! restart picks up where the stream was, and the poller keeps its cursor under a fixed
//! key ([`DEMO_RELAY_KEY`]) because the ports change from run to run.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::EngineError;
use crate::inbound::relay_client::RelayEndpoint;
use crate::provider::ProviderEndpoint;

/// The poller's cursor key for the embedded relay.
pub const DEMO_RELAY_KEY: &str = "embedded-demo";
/// The profile name the demo's sends are recorded under.
pub const DEMO_PROFILE: &str = "demo";

/// Our number in the demo story, E.164.
pub fn demo_number() -> String {
    let number = mmsc_sim::demo_script()
        .our_number
        .unwrap_or_else(|| "12025550100".to_owned());
    format!("+{}", number.trim_start_matches('+'))
}

/// How to run the demo.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Script time multiplier (1.0 plays the story in about 45 s).
    pub time_scale: f64,
    /// How long after an accepted submit the simulator reports delivery.
    pub dlr_delay: Duration,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            time_scale: 1.0,
            dlr_delay: Duration::from_secs(2),
            seed: 1,
        }
    }
}

/// A running demo provider.
pub struct Demo {
    pub sim: mmsc_sim::SimHandle,
    pub relay: relay::RelayHandle,
    pub provider: ProviderEndpoint,
    pub relay_endpoint: RelayEndpoint,
}

impl std::fmt::Debug for Demo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Demo")
            .field("sim", &self.sim.addr)
            .field("relay", &self.relay.addr)
            .finish()
    }
}

impl Demo {
    /// Starts the relay (its database under `data_dir/demo`) and the simulator pushing to
    /// it, both on `127.0.0.1` with ports the OS picks.
    pub async fn start(data_dir: &Path, options: &DemoOptions) -> Result<Demo, EngineError> {
        let dir = data_dir.join("demo");
        std::fs::create_dir_all(&dir).map_err(|source| EngineError::DataDir {
            path: dir.clone(),
            source,
        })?;
        let token = format!("demo-{:016x}", fastrand::Rng::new().u64(..));
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let relay = relay::Relay::start(
            relay::RelayConfig::new(dir.join("relay.sqlite3"))
                .with_listen(loopback)
                .with_client("desktop", token.clone()),
        )
        .await
        .map_err(|e| EngineError::Start {
            what: "the demo relay",
            detail: e.to_string(),
        })?;
        let script = mmsc_sim::demo_script();
        let our_number = demo_number();
        let config = mmsc_sim::SimConfig {
            script: Some(script),
            time_scale: options.time_scale,
            dlr_delay: options.dlr_delay,
            seed: options.seed,
            ..mmsc_sim::SimConfig::default()
        }
        .with_push_to(format!("http://{}/mm7", relay.addr));
        let sim = match mmsc_sim::Simulator::start(config).await {
            Ok(sim) => sim,
            Err(e) => {
                relay.shutdown().await;
                return Err(EngineError::Start {
                    what: "the demo provider",
                    detail: e.to_string(),
                });
            }
        };
        let mut provider =
            ProviderEndpoint::new(DEMO_PROFILE, sim.submit_url(), "groupline-demo", our_number);
        provider.timeout = Duration::from_secs(10);
        provider.rate_per_second = 50.0;
        provider.max_concurrency = 20;
        let relay_endpoint = RelayEndpoint {
            url: format!("http://{}", relay.addr),
            token,
        };
        Ok(Demo {
            sim,
            relay,
            provider,
            relay_endpoint,
        })
    }

    /// Adds the demo cast to the contacts (once), so threads show names as they would
    /// for a real office's address book.
    pub fn seed_contacts(&self, session: &crate::Session, now: i64) -> Result<(), EngineError> {
        for member in &mmsc_sim::demo_script().cast {
            if session.contact_by_number(&member.number)?.is_some() {
                continue;
            }
            session.write(|w| {
                w.add_contact(
                    &store::ContactInput {
                        display_name: &member.name,
                        numbers: vec![member.number.as_str()],
                        company: None,
                        notes: Some("Demo contact"),
                        tags: vec!["demo"],
                    },
                    now,
                )?;
                // As in a real office, the cast agreed to be texted when the claim or the
                // listing was opened; numbers typed in by hand have no such record.
                w.record_consent(
                    &member.number,
                    store::ConsentKind::OptIn,
                    "web_form",
                    &store::Evidence::Text("Demo: sign-up form when the file was opened".into()),
                    Some("Demo office"),
                    now,
                )
                .map(|_| ())
            })?;
        }
        Ok(())
    }

    pub async fn shutdown(self) {
        self.sim.shutdown().await;
        self.relay.shutdown().await;
    }
}
