//! Sinch rejects submits above the account's throughput with 3510 (retry later). A
//! fixed one-second window on the injected clock is enough to reproduce that.

use std::sync::Mutex;

#[derive(Debug, Default)]
pub(crate) struct Throughput {
    window: Mutex<(i64, u32)>,
}

impl Throughput {
    /// Counts one submit at `now_ms`; false when it is over `per_second`.
    pub(crate) fn admit(&self, now_ms: i64, per_second: u32) -> bool {
        let mut w = self.window.lock().expect("throughput lock");
        let second = now_ms.div_euclid(1000);
        if w.0 != second {
            *w = (second, 0);
        }
        if w.1 >= per_second {
            return false;
        }
        w.1 += 1;
        true
    }
}
