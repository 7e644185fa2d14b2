//! Seeded randomness: MessageIDs, TransactionIDs, MIME boundaries and random faults all
//! come from one SplitMix64 stream, so a run with the same seed makes the same choices.

use std::sync::{Arc, Mutex};

use mm7::IdSource;

use crate::clock::{Clock, xs_date_time};

/// SplitMix64: tiny, fast, and good enough for ids and fault dice.
#[derive(Debug, Clone)]
pub struct SeededRng(u64);

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        SeededRng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The ids the simulator hands out, and an [`IdSource`] for encoding.
pub(crate) struct SimIds {
    rng: SeededRng,
    clock: Arc<dyn Clock>,
}

impl SimIds {
    pub(crate) fn new(seed: u64, clock: Arc<dyn Clock>) -> Self {
        SimIds {
            rng: SeededRng::new(seed),
            clock,
        }
    }

    /// A Sinch-like MessageID: an 18-digit number.
    pub(crate) fn message_id(&mut self) -> String {
        (100_000_000_000_000_000 + self.rng.next_u64() % 900_000_000_000_000_000).to_string()
    }

    pub(crate) fn rng(&mut self) -> &mut SeededRng {
        &mut self.rng
    }
}

impl IdSource for SimIds {
    fn boundary(&mut self) -> String {
        format!("=_sim_{:016x}", self.rng.next_u64())
    }

    fn transaction_id(&mut self) -> String {
        format!("sim-{:016x}", self.rng.next_u64())
    }

    fn content_id(&mut self) -> String {
        format!("{:012x}@mmsc-sim", self.rng.next_u64() & 0xffff_ffff_ffff)
    }

    fn now(&mut self) -> String {
        xs_date_time(self.clock.now_ms())
    }
}

/// Shared between the HTTP handlers and the pushers.
pub(crate) type SharedIds = Arc<Mutex<SimIds>>;
