//! Counters and an answer-latency histogram for `/metrics` and for the handle, so an
//! operator sees pushes received, stored, refused and how fast they were answered.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Upper bounds of the latency buckets, in microseconds (the last is +Inf).
const BUCKETS_US: [u64; 14] = [
    250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    5_000_000, 10_000_000,
];

#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    /// Stored but refused with a VASPErrorRsp (undecodable or an unexpected kind).
    pub refused: AtomicU64,
    pub unauthorized: AtomicU64,
    /// Over a limit (size, connections, timeouts).
    pub limited: AtomicU64,
    pub store_failures: AtomicU64,
    /// Team mode: SubmitReqs forwarded, recorded in the stream, not delivered.
    pub team_submits: AtomicU64,
    pub team_recorded: AtomicU64,
    pub team_unreachable: AtomicU64,
    latency_buckets: [AtomicU64; BUCKETS_US.len() + 1],
    latency_sum_us: AtomicU64,
    latency_count: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsSnapshot {
    pub received: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub refused: u64,
    pub unauthorized: u64,
    pub limited: u64,
    pub store_failures: u64,
    pub team_submits: u64,
    pub team_recorded: u64,
    pub team_unreachable: u64,
    pub answered: u64,
    /// Bucket estimates (upper bound of the bucket holding the quantile), microseconds.
    pub answer_p50_us: u64,
    pub answer_p99_us: u64,
}

impl Metrics {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn observe_answer(&self, micros: u64) {
        let i = BUCKETS_US
            .iter()
            .position(|&b| micros <= b)
            .unwrap_or(BUCKETS_US.len());
        self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us.fetch_add(micros, Ordering::Relaxed);
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    fn quantile(&self, q: f64) -> u64 {
        let counts: Vec<u64> = self
            .latency_buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 0;
        }
        let target = ((total as f64) * q).ceil() as u64;
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= target {
                return BUCKETS_US.get(i).copied().unwrap_or(u64::MAX);
            }
        }
        u64::MAX
    }

    pub(crate) fn snapshot(&self) -> MetricsSnapshot {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            received: load(&self.received),
            stored: load(&self.stored),
            duplicates: load(&self.duplicates),
            refused: load(&self.refused),
            unauthorized: load(&self.unauthorized),
            limited: load(&self.limited),
            store_failures: load(&self.store_failures),
            team_submits: load(&self.team_submits),
            team_recorded: load(&self.team_recorded),
            team_unreachable: load(&self.team_unreachable),
            answered: load(&self.latency_count),
            answer_p50_us: self.quantile(0.5),
            answer_p99_us: self.quantile(0.99),
        }
    }

    /// Prometheus text exposition.
    pub(crate) fn render(&self) -> String {
        let s = self.snapshot();
        let mut out = String::new();
        for (name, help, value) in [
            ("relay_pushes_received_total", "Pushes received", s.received),
            ("relay_pushes_stored_total", "Pushes newly stored", s.stored),
            (
                "relay_pushes_duplicate_total",
                "Provider retries already stored",
                s.duplicates,
            ),
            (
                "relay_pushes_refused_total",
                "Stored but answered with a VASPErrorRsp",
                s.refused,
            ),
            (
                "relay_pushes_unauthorized_total",
                "Pushes with bad credentials",
                s.unauthorized,
            ),
            (
                "relay_pushes_limited_total",
                "Requests over a size, connection or time limit",
                s.limited,
            ),
            (
                "relay_store_failures_total",
                "Pushes not stored because the store failed",
                s.store_failures,
            ),
            (
                "relay_team_submits_total",
                "SubmitReqs clients sent through the relay",
                s.team_submits,
            ),
            (
                "relay_team_recorded_total",
                "Accepted team submits recorded in the stream",
                s.team_recorded,
            ),
            (
                "relay_team_unreachable_total",
                "Team submits the provider did not answer",
                s.team_unreachable,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        }
        out.push_str("# HELP relay_answer_seconds Time from request to answer\n");
        out.push_str("# TYPE relay_answer_seconds histogram\n");
        let mut cumulative = 0;
        for (i, b) in self.latency_buckets.iter().enumerate() {
            cumulative += b.load(Ordering::Relaxed);
            let le = BUCKETS_US
                .get(i)
                .map(|us| format!("{}", *us as f64 / 1e6))
                .unwrap_or_else(|| "+Inf".into());
            out.push_str(&format!(
                "relay_answer_seconds_bucket{{le=\"{le}\"}} {cumulative}\n"
            ));
        }
        out.push_str(&format!(
            "relay_answer_seconds_sum {}\nrelay_answer_seconds_count {}\n",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6,
            self.latency_count.load(Ordering::Relaxed)
        ));
        out
    }
}
