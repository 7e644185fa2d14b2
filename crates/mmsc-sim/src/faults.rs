//! Faults the simulator injects into its answers to SubmitReqs, so the engine's outbox can
//! be tested against a provider that misbehaves the ways real ones do, and into its pushes
//! ([`PushFault`]), so the relay can be tested against garbled requests.
//!
//! What each fault means for the submit itself: `Http500`, `Http503` and `Reset` refuse it
//! (nothing is delivered). `Delay` answers normally, late (a client that timed out will
//! retry a message that was in fact sent: the duplicate case). `Truncated` and `Malformed`
//! accept the submit (its delivery report follows) but garble the answer.

use std::collections::VecDeque;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One injected misbehaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    Http500,
    Http503,
    /// Answer after this many milliseconds.
    Delay(u64),
    /// Close the connection without answering.
    Reset,
    /// The SubmitRsp cut in half (Content-Length matches what is sent).
    Truncated,
    /// A 200 whose body is not a SOAP message.
    Malformed,
}

impl Fault {
    /// Whether the submit is still accepted (and its delivery report sent).
    pub fn accepts_submit(self) -> bool {
        matches!(self, Fault::Delay(_) | Fault::Truncated | Fault::Malformed)
    }
}

impl FromStr for Fault {
    type Err = String;

    /// `500`, `503`, `delay:MS`, `reset`, `truncated`, `malformed`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "500" => Ok(Fault::Http500),
            "503" => Ok(Fault::Http503),
            "reset" => Ok(Fault::Reset),
            "truncated" => Ok(Fault::Truncated),
            "malformed" => Ok(Fault::Malformed),
            other => other
                .strip_prefix("delay:")
                .and_then(|ms| ms.parse().ok())
                .map(Fault::Delay)
                .ok_or_else(|| {
                    format!("unknown fault {s:?} (500, 503, delay:MS, reset, truncated, malformed)")
                }),
        }
    }
}

/// A push attempt garbled on the way to the relay. Only that attempt is: the relay must
/// store it for inspection and refuse it (VASPErrorRsp, not 200), and the retry that
/// follows carries the intact request, as a real provider's would after a transit error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushFault {
    /// The body cut in half (Content-Length matches what is sent).
    Truncated,
    /// A body that is not a SOAP message.
    Malformed,
}

impl FromStr for PushFault {
    type Err = String;

    /// `truncated`, `malformed`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "truncated" => Ok(PushFault::Truncated),
            "malformed" => Ok(PushFault::Malformed),
            _ => Err(format!("unknown push fault {s:?} (truncated, malformed)")),
        }
    }
}

impl PushFault {
    /// The body and Content-Type this fault sends instead of `body`.
    pub(crate) fn garble(self, body: &[u8], content_type: &str) -> (Vec<u8>, String) {
        match self {
            PushFault::Truncated => (body[..body.len() / 2].to_vec(), content_type.to_owned()),
            PushFault::Malformed => (
                b"<?xml version=\"1.0\"?><soap-env:Envelope><oops>&bogus;</wrong>".to_vec(),
                "text/xml; charset=utf-8".to_owned(),
            ),
        }
    }
}

/// Which push attempts to garble and when (the same shape as [`FaultPlan`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushFaultPlan {
    /// Applied to the next push attempts, one each, in order.
    #[serde(default)]
    pub next: VecDeque<PushFault>,
    /// After those: this fraction of attempts (0.0–1.0) gets one of `random_faults`.
    #[serde(default)]
    pub random_fraction: f64,
    #[serde(default)]
    pub random_faults: Vec<PushFault>,
}

impl PushFaultPlan {
    /// The fault for the next push attempt, if any; `roll` yields numbers in [0, 1).
    pub(crate) fn draw(&mut self, roll: impl FnMut() -> f64) -> Option<PushFault> {
        draw(
            &mut self.next,
            self.random_fraction,
            &self.random_faults,
            roll,
        )
    }

    /// Adds `other`'s faults (a script's) to these.
    pub(crate) fn merge(&mut self, other: &PushFaultPlan) {
        self.next.extend(other.next.iter().copied());
        if other.random_fraction > 0.0 {
            self.random_fraction = other.random_fraction;
            self.random_faults = other.random_faults.clone();
        }
    }
}

fn draw<F: Copy>(
    next: &mut VecDeque<F>,
    random_fraction: f64,
    random_faults: &[F],
    mut roll: impl FnMut() -> f64,
) -> Option<F> {
    if let Some(f) = next.pop_front() {
        return Some(f);
    }
    if random_faults.is_empty() || random_fraction <= 0.0 {
        return None;
    }
    if roll() >= random_fraction {
        return None;
    }
    let i = (roll() * random_faults.len() as f64) as usize;
    random_faults.get(i.min(random_faults.len() - 1)).copied()
}

/// Which faults to inject and when.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultPlan {
    /// Applied to the next submits, one each, in order.
    #[serde(default)]
    pub next: VecDeque<Fault>,
    /// After those: this fraction of submits (0.0–1.0) gets one of `random_faults`,
    /// chosen by the simulator's seeded generator.
    #[serde(default)]
    pub random_fraction: f64,
    #[serde(default)]
    pub random_faults: Vec<Fault>,
}

impl FaultPlan {
    /// The fault for the next submit, if any; `roll` yields numbers in [0, 1).
    pub(crate) fn draw(&mut self, roll: impl FnMut() -> f64) -> Option<Fault> {
        draw(
            &mut self.next,
            self.random_fraction,
            &self.random_faults,
            roll,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeded::SeededRng;

    #[test]
    fn parses_and_draws_reproducibly() {
        assert_eq!("delay:1500".parse::<Fault>(), Ok(Fault::Delay(1500)));
        assert!("teapot".parse::<Fault>().is_err());
        let plan = FaultPlan {
            next: VecDeque::from([Fault::Http503]),
            random_fraction: 0.5,
            random_faults: vec![Fault::Http500, Fault::Reset],
        };
        let run = |seed| {
            let mut plan = plan.clone();
            let mut rng = SeededRng::new(seed);
            (0..200)
                .map(|_| plan.draw(|| rng.next_f64()))
                .collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7), "same seed, same faults");
        assert_eq!(a[0], Some(Fault::Http503));
        let faulted = a[1..].iter().filter(|f| f.is_some()).count();
        assert!((60..140).contains(&faulted), "about half: {faulted}");
    }
}
