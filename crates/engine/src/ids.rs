//! Fresh MM7 identifiers (TransactionIDs, MIME boundaries, Content-IDs) for real sends.
//!
//! The codec takes them from an [`mm7::IdSource`]; this one draws them from a seeded
//! generator and the engine's [`Clock`], so a test that fixes both gets the same bytes.

use std::sync::Arc;

use crate::clock::{Clock, xs_date_time};

/// Random identifiers with a recognisable prefix (`gl-`), so a provider's support desk can
/// tell our requests apart in their logs.
#[derive(Debug, Clone)]
pub struct RandomIds {
    rng: fastrand::Rng,
    clock: Arc<dyn Clock>,
}

impl RandomIds {
    pub fn new(seed: u64, clock: Arc<dyn Clock>) -> Self {
        RandomIds {
            rng: fastrand::Rng::with_seed(seed),
            clock,
        }
    }

    fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        (0..len)
            .map(|_| ALPHABET[self.rng.usize(..ALPHABET.len())] as char)
            .collect()
    }
}

impl mm7::IdSource for RandomIds {
    fn boundary(&mut self) -> String {
        format!("----=_gl_{}", self.token(24))
    }

    fn transaction_id(&mut self) -> String {
        format!("gl-{}", self.token(20))
    }

    fn content_id(&mut self) -> String {
        format!("{}@groupline", self.token(16))
    }

    fn now(&mut self) -> String {
        xs_date_time(self.clock.now_ms())
    }
}

#[cfg(test)]
mod tests {
    use mm7::IdSource;

    use super::*;

    #[derive(Debug)]
    struct Fixed;
    impl Clock for Fixed {
        fn now_ms(&self) -> i64 {
            0
        }
    }

    #[test]
    fn same_seed_same_ids_and_ids_differ() {
        let mut a = RandomIds::new(7, Arc::new(Fixed));
        let mut b = RandomIds::new(7, Arc::new(Fixed));
        let first = a.transaction_id();
        assert_eq!(first, b.transaction_id());
        assert_ne!(first, a.transaction_id());
        assert!(first.starts_with("gl-") && first.len() == 23);
        assert_eq!(a.now(), "1970-01-01T00:00:00Z");
    }
}
