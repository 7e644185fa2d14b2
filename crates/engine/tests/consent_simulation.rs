//! Issue 8's compliance simulation: the real engine, simulator and relay over loopback,
//! 200 people in 50 groups, thousands of messages both ways, and 5% of the people opting
//! out at seeded moments. The verdict comes from the simulator's own log of every
//! SubmitReq it received (recipient, time, TransactionID, the group it showed), set
//! against the store's consent ledger.
//!
//! What must hold:
//! - no SubmitReq reaches a number after its opt-out was committed and before its re-opt-in,
//!   except that opt-out's one confirmation (and provider retries of that same request);
//! - exactly one confirmation per opt-out and per re-opt-in, sent to that person alone (a
//!   one-to-one submit in their direct thread, never into a group); a second STOP brings none;
//! - a re-opted-in number is texted again: every later group message reaches it;
//! - a group with an opted-out member still reaches everyone else, exactly once each;
//! - ordinary sentences with "stop", "cancel", "end", "yes" in them change nobody's consent;
//! - every outgoing message ends in a final state, and the outbox ends empty.
//!
//! How it runs: a seeded plan ([`Plan::new`]) fixes the groups, the messages, who opts
//! out with which words, and when. The driver plays it in rounds; each round composes group
//! messages with `Engine::send`, has handsets send through the simulator
//! (`SimHandle::push_mo`: a DeliverReq pushed to the relay), polls them into the store, and
//! drains the outbox, in one of four orders: compose racing the poll that commits an
//! opt-out, compose-and-send before it, compose after it, or (every opt-out's round, with
//! a message to that person's group) compose before it and send after. Sending and
//! committing never overlap, so "after the commit" is exact in the simulator's log: the
//! engine's promise is per attempt (the consent check and the attempt commit together),
//! and a request already on the wire when an opt-out commits is not something a log can
//! attribute. Jobs do cross commits: the outbox is drained without waiting for retries,
//! and the simulator refuses 2% of submits with a 503, so retries and queued group
//! messages meet opt-outs.
//!
//! Counting: inbound = handset messages stored; outbound = SubmitReqs the simulator
//! accepted, one per recipient (Sinch's group fan-out is one SubmitReq per participant,
//! each a message to one handset, which is also how it is billed). The run prints both and
//! the group messages composed.
//!
//! `CONSENT_SIM_SEED=<n>` replays another plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine::clock::OffsetClock;
use engine::inbound::relay_client::RelayEndpoint;
use engine::outbound::compose::{Audience, Composed, Draft};
use engine::outbound::policy::RetryPolicy;
use engine::provider::ProviderEndpoint;
use engine::store::{ConsentKind, DeliveryState, Evidence, MessageId, ThreadKind};
use engine::{DataDir, Engine, EngineConfig, Session};
use mmsc_sim::{LogEvent, MoMessage};

const OUR: &str = "12025550100";
const DEFAULT_SEED: u64 = 20_261_123;

const PEOPLE: usize = 200;
const GROUPS: usize = 50;
/// 5% of the people.
const OPT_OUTS: usize = 10;
/// Of those, this many send START later (the first of them opts out a second time).
const RE_OPT_INS: usize = 3;
/// Of those who stay out, this many send a second STOP.
const REPEATS: usize = 4;
const ROUNDS: usize = 100;
const SENDS_PER_ROUND: std::ops::RangeInclusive<usize> = 2..=5;
const INBOUND_PER_ROUND: std::ops::RangeInclusive<usize> = 54..=74;
/// Handset messages pushed to the relay at once.
const PUSH_CONCURRENCY: usize = 24;

/// First opt-outs, one phrasing each (issue 8's list: keywords with punctuation, emoji and
/// courtesy, and plain-language requests).
const OPT_OUT_TEXTS: &[&str] = &[
    "STOP",
    "Stop.",
    "stop 🛑",
    "Stop. Thank you",
    "please remove me",
    "take me off this group",
    "don't text me anymore",
    "remove me from this list",
    "stop sending messages",
    "Unsubscribe",
    "Opt-out",
    "QUIT!!!",
];
const REPEAT_TEXTS: &[&str] = &["STOP", "STOP!!", "STOP STOP STOP", "Please stop."];
const OPT_IN_TEXTS: &[&str] = &["START", "Unstop", "yes"];
/// Ordinary messages, near-misses among them: none of these is an opt-out.
const ORDINARY_TEXTS: &[&str] = &[
    "can we stop by at 5?",
    "don't stop the tow truck",
    "the bus stop on Elm",
    "cancel my 3pm showing",
    "I'll stop at the bank on the way",
    "Will the adjuster stop by today?",
    "we can start the paperwork tomorrow",
    "the end of the driveway, blue car",
    "On my way",
    "Photos attached",
    "Tow truck is here",
    "Thanks!",
    "Running 10 minutes late",
    "Who has the keys?",
    "See you at the showing",
    "The adjuster called me back",
    "Got it 👍",
    "Can someone send the address?",
];
/// Everyday replies that are opt-in keywords: harmless from someone who never opted out.
const YES_TEXTS: &[&str] = &["Yes", "yes!", "YES"];
const SEND_TEXTS: &[&str] = &[
    "Tow truck is 20 minutes out",
    "Showing moved to 10am",
    "Inspection is at 9",
    "The adjuster arrives at noon",
    "Keys are in the lockbox",
    "Open house Saturday 1-3pm",
];

// ---------------------------------------------------------------------------------------
// The plan: everything the seed decides.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    OptOut,
    /// A second STOP from someone already out: nothing changes, nothing is sent.
    RepeatStop,
    OptIn,
}

/// When a round's group messages are composed, relative to its handset messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Compose while the handset messages are pushed and polled; drain after.
    Racing,
    /// Compose and drain, then push and poll.
    SendFirst,
    /// Push and poll, then compose and drain.
    SendAfter,
    /// Compose, push and poll, then drain: what was queued meets the opt-outs committed
    /// after it (an opt-out's round always plays this way).
    QueuedAcross,
}

#[derive(Debug, Clone)]
struct Mo {
    from: usize,
    /// A group index, or `None` for a one-to-one message.
    group: Option<usize>,
    text: String,
}

#[derive(Debug, Clone)]
struct Round {
    order: Order,
    sends: Vec<(usize, String)>,
    inbound: Vec<Mo>,
}

#[derive(Debug)]
struct Plan {
    seed: u64,
    /// International format without `+`, as handsets and the simulator write them.
    people: Vec<String>,
    groups: Vec<Vec<usize>>,
    /// Each person's consent messages: (round, what it does).
    changes: BTreeMap<usize, Vec<(usize, Change)>>,
    rounds: Vec<Round>,
}

impl Plan {
    fn new(seed: u64) -> Plan {
        let mut rng = fastrand::Rng::with_seed(seed);
        let area_codes = ["202", "312", "415", "305"];
        let people: Vec<String> = (0..PEOPLE)
            .map(|i| {
                format!(
                    "1{}555{:04}",
                    area_codes[i % area_codes.len()],
                    101 + i / area_codes.len()
                )
            })
            .collect();

        // 50 distinct groups of 2–20; everyone is in at least one, many in several.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        while groups.len() < GROUPS {
            let size = rng.usize(2..=20);
            let mut members = rng.choose_multiple(0..PEOPLE, size);
            members.sort_unstable();
            if !groups.contains(&members) {
                groups.push(members);
            }
        }
        let mut everyone: Vec<usize> = (0..PEOPLE).collect();
        rng.shuffle(&mut everyone);
        for p in everyone {
            if groups.iter().any(|g| g.contains(&p)) {
                continue;
            }
            let open: Vec<usize> = (0..GROUPS).filter(|&g| groups[g].len() < 20).collect();
            let g = open[rng.usize(..open.len())];
            groups[g].push(p);
            groups[g].sort_unstable();
        }
        let distinct: BTreeSet<&Vec<usize>> = groups.iter().collect();
        assert_eq!(
            distinct.len(),
            GROUPS,
            "seed {seed}: two groups are one thread"
        );

        // Who opts out, when, with which words; who comes back; who repeats.
        let mut chosen: Vec<usize> = (0..PEOPLE).collect();
        rng.shuffle(&mut chosen);
        chosen.truncate(OPT_OUTS);
        let mut changes: BTreeMap<usize, Vec<(usize, Change)>> = BTreeMap::new();
        for (i, &p) in chosen.iter().enumerate() {
            let out = rng.usize(4..ROUNDS * 3 / 5);
            let mut events = vec![(out, Change::OptOut)];
            if i < RE_OPT_INS {
                let back = out + rng.usize(6..=16);
                events.push((back, Change::OptIn));
                if i == 0 {
                    events.push((back + rng.usize(6..=12), Change::OptOut));
                }
            } else if i < RE_OPT_INS + REPEATS {
                // One repeats in the very batch of the first STOP.
                let again = if i == RE_OPT_INS {
                    out
                } else {
                    out + rng.usize(1..=20)
                };
                events.push((again, Change::RepeatStop));
            }
            changes.insert(p, events);
        }
        let mut opt_out_texts: Vec<&str> = OPT_OUT_TEXTS.to_vec();
        rng.shuffle(&mut opt_out_texts);

        let mut plan = Plan {
            seed,
            people,
            groups,
            changes,
            rounds: Vec::new(),
        };
        let mut serial = 0;
        let mut next_opt_out_text = 0;
        for r in 0..ROUNDS {
            let mut order = match rng.usize(..3) {
                0 => Order::Racing,
                1 => Order::SendFirst,
                _ => Order::SendAfter,
            };
            // Group messages to groups where someone is surely reachable. In an opt-out's
            // round, one to that person's group is queued before the opt-out commits and
            // sent after; in the round after an opt-out or a re-opt-in, another.
            let mut targets: Vec<usize> = Vec::new();
            for (&p, events) in &plan.changes {
                for &(round, change) in events {
                    if change == Change::RepeatStop {
                        continue;
                    }
                    if round == r && change == Change::OptOut {
                        order = Order::QueuedAcross;
                    } else if round + 1 != r {
                        continue;
                    }
                    let theirs = plan.groups_of(p);
                    targets.push(theirs[rng.usize(..theirs.len())]);
                }
            }
            for _ in 0..rng.usize(SENDS_PER_ROUND) {
                targets.push(rng.usize(..GROUPS));
            }
            let mut sends = Vec::new();
            for g in targets {
                if plan.groups[g]
                    .iter()
                    .any(|&p| plan.reachable_throughout(p, r))
                {
                    serial += 1;
                    let text = SEND_TEXTS[rng.usize(..SEND_TEXTS.len())];
                    sends.push((g, format!("{text} (#{serial})")));
                }
            }

            let mut inbound = Vec::new();
            for _ in 0..rng.usize(INBOUND_PER_ROUND) {
                let from = rng.usize(..PEOPLE);
                let text = if !plan.changes.contains_key(&from) && rng.usize(..40) == 0 {
                    YES_TEXTS[rng.usize(..YES_TEXTS.len())]
                } else {
                    ORDINARY_TEXTS[rng.usize(..ORDINARY_TEXTS.len())]
                };
                let group = plan.pick_where(&mut rng, from, 85);
                inbound.push(Mo {
                    from,
                    group,
                    text: text.to_owned(),
                });
            }
            let due: Vec<(usize, Change)> = plan
                .changes
                .iter()
                .flat_map(|(&p, events)| {
                    events
                        .iter()
                        .filter(move |(round, _)| *round == r)
                        .map(move |&(_, c)| (p, c))
                })
                .collect();
            for (from, change) in due {
                let text = match change {
                    Change::OptOut => {
                        next_opt_out_text += 1;
                        opt_out_texts[(next_opt_out_text - 1) % opt_out_texts.len()]
                    }
                    Change::RepeatStop => REPEAT_TEXTS[rng.usize(..REPEAT_TEXTS.len())],
                    Change::OptIn => OPT_IN_TEXTS[rng.usize(..OPT_IN_TEXTS.len())],
                };
                let group = plan.pick_where(&mut rng, from, 60);
                let at = rng.usize(..=inbound.len());
                inbound.insert(
                    at,
                    Mo {
                        from,
                        group,
                        text: text.to_owned(),
                    },
                );
            }
            plan.rounds.push(Round {
                order,
                sends,
                inbound,
            });
        }
        plan
    }

    fn groups_of(&self, p: usize) -> Vec<usize> {
        (0..self.groups.len())
            .filter(|&g| self.groups[g].contains(&p))
            .collect()
    }

    /// One of `p`'s groups `percent`% of the time, else one-to-one.
    fn pick_where(&self, rng: &mut fastrand::Rng, p: usize, percent: usize) -> Option<usize> {
        let theirs = self.groups_of(p);
        (rng.usize(..100) < percent).then(|| theirs[rng.usize(..theirs.len())])
    }

    /// Whether `p` is opted out once rounds before `r` are committed.
    fn out_before(&self, p: usize, r: usize) -> bool {
        let mut out = false;
        for &(round, change) in self.changes.get(&p).into_iter().flatten() {
            if round < r {
                match change {
                    Change::OptOut => out = true,
                    Change::OptIn => out = false,
                    Change::RepeatStop => {}
                }
            }
        }
        out
    }

    /// Not opted out before round `r` nor after it: every message of round `r` reaches them.
    fn reachable_throughout(&self, p: usize, r: usize) -> bool {
        !self.out_before(p, r) && !self.out_before(p, r + 1)
    }

    fn e164(&self, p: usize) -> String {
        format!("+{}", self.people[p])
    }

    fn person(&self, number: &str) -> Option<usize> {
        let digits = number.trim_start_matches('+');
        self.people.iter().position(|p| p == digits)
    }
}

// ---------------------------------------------------------------------------------------
// The rig: one clock for the engine, the relay and the simulator, so the ledger's times and
// the simulator's log read on the same scale.

#[derive(Debug, Clone, Copy)]
struct World(OffsetClock);

impl engine::Clock for World {
    fn now_ms(&self) -> i64 {
        engine::Clock::now_ms(&self.0)
    }
}
impl relay::Clock for World {
    fn now_ms(&self) -> i64 {
        engine::Clock::now_ms(&self.0)
    }
}
impl mmsc_sim::Clock for World {
    fn now_ms(&self) -> i64 {
        engine::Clock::now_ms(&self.0)
    }
}

/// Today at 18:00 UTC, midday across the continental US: quiet hours hold nothing.
fn midday() -> World {
    let now = engine::Clock::now_ms(&engine::SystemClock);
    let day = now - now.rem_euclid(86_400_000);
    World(OffsetClock::starting_at(day + 18 * 3_600_000))
}

struct Rig {
    _dir: tempfile::TempDir,
    engine: Engine,
    sim: Arc<mmsc_sim::SimHandle>,
    relay: relay::RelayHandle,
}

async fn rig(seed: u64) -> Rig {
    let clock = midday();
    // In memory where the machine has it: the relay fsyncs every push it answers and every
    // acknowledgement (synchronous=FULL), which is its promise but not what this test is
    // about, and thousands of fsyncs would be most of the run.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let relay = relay::Relay::start(
        relay::RelayConfig::new(dir.path().join("relay.sqlite3"))
            .with_client("desktop", "t0ken")
            .with_clock(Arc::new(clock)),
    )
    .await
    .unwrap();
    let sim = mmsc_sim::Simulator::start(
        mmsc_sim::SimConfig {
            dlr_delay: Duration::ZERO,
            retry: mmsc_sim::RetryPolicy {
                timeout: Duration::from_secs(5),
                interval: Duration::from_millis(50),
                retries: 5,
            },
            faults: mmsc_sim::FaultPlan {
                random_fraction: 0.02,
                random_faults: vec![mmsc_sim::Fault::Http503],
                ..Default::default()
            },
            seed,
            clock: Arc::new(clock),
            ..Default::default()
        }
        .with_push_to(format!("http://{}/mm7", relay.addr)),
    )
    .await
    .unwrap();
    let data = DataDir::resolve(Some(dir.path().join("data")), None).unwrap();
    let session = Arc::new(Session::open(data, engine::Clock::now_ms(&clock)).unwrap());
    let mut provider = ProviderEndpoint::new("sim", sim.submit_url(), "groupline-demo", OUR);
    provider.max_concurrency = 32;
    // Loopback: no pacing between submits.
    provider.rate_per_second = 1_000_000.0;
    provider.timeout = Duration::from_secs(5);
    let engine = Engine::new(
        session,
        EngineConfig {
            provider,
            relay: RelayEndpoint {
                url: format!("http://{}", relay.addr),
                token: "t0ken".into(),
            },
            relay_key: "test-relay".into(),
            retry: RetryPolicy {
                base: Duration::from_millis(20),
                max: Duration::from_millis(200),
                max_attempts: 10,
            },
            seed,
            quiet_hours: true,
            compliance: Default::default(),
        },
        Arc::new(clock),
    )
    .unwrap();
    Rig {
        _dir: dir,
        engine,
        sim: Arc::new(sim),
        relay,
    }
}

// ---------------------------------------------------------------------------------------
// The driver.

/// What the driver did, for the assertions and the printed summary.
#[derive(Default)]
struct Played {
    /// (round, group, what composing wrote).
    sends: Vec<(usize, usize, Composed)>,
    inbound_pushed: usize,
    inbound_stored: usize,
    duplicates: usize,
    /// Time spent composing, pushing, polling and draining.
    took: [Duration; 4],
}

async fn compose_round(engine: &Engine, plan: &Plan, r: usize) -> Vec<(usize, usize, Composed)> {
    let mut out = Vec::new();
    for (g, text) in &plan.rounds[r].sends {
        let people = plan.groups[*g].iter().map(|&p| plan.e164(p)).collect();
        let composed = engine
            .send(Draft::text(Audience::People(people), text.as_str()))
            .await
            .unwrap_or_else(|e| panic!("seed {}: round {r}, group {g}: {e}", plan.seed));
        assert_eq!(
            composed.scheduled_at, None,
            "seed {}: quiet hours held a midday message",
            plan.seed
        );
        out.push((r, *g, composed));
    }
    out
}

/// Pushes the round's handset messages (a few at a time) and polls them into the store.
async fn push_and_poll(rig: &Rig, plan: &Plan, r: usize, played: &mut Played) {
    let inbound = &plan.rounds[r].inbound;
    let t = Instant::now();
    for chunk in inbound.chunks(PUSH_CONCURRENCY) {
        let mut pushes = tokio::task::JoinSet::new();
        for mo in chunk {
            let sim = rig.sim.clone();
            let message = MoMessage {
                from: plan.people[mo.from].clone(),
                group: mo
                    .group
                    .map(|g| {
                        plan.groups[g]
                            .iter()
                            .filter(|&&p| p != mo.from)
                            .map(|&p| plan.people[p].clone())
                            .collect()
                    })
                    .unwrap_or_default(),
                text: mo.text.clone(),
            };
            pushes.spawn(async move { sim.push_mo(&message).await });
        }
        while let Some(pushed) = pushes.join_next().await {
            pushed
                .unwrap()
                .unwrap_or_else(|e| panic!("seed {}: round {r}: {e}", plan.seed));
        }
    }
    played.inbound_pushed += inbound.len();
    played.took[1] += t.elapsed();
    let t = Instant::now();
    // Everything pushed is in the relay now; one poll reads up to its latest entry.
    let report = rig.engine.poll_once(Duration::ZERO).await.unwrap();
    assert_eq!(
        report.messages,
        inbound.len(),
        "seed {}: round {r}: every handset message is stored by the poll after it ({report:?})",
        plan.seed
    );
    played.inbound_stored += report.messages;
    played.duplicates += report.duplicates;
    played.took[2] += t.elapsed();
}

/// Sends what is due now; retries wait for a later round.
async fn drain(rig: &Rig, played: &mut Played) {
    let t = Instant::now();
    rig.engine.drain_outbox(Duration::ZERO).await.unwrap();
    played.took[3] += t.elapsed();
}

async fn compose(rig: &Rig, plan: &Plan, r: usize, played: &mut Played) {
    let t = Instant::now();
    let sends = compose_round(&rig.engine, plan, r).await;
    played.sends.extend(sends);
    played.took[0] += t.elapsed();
}

async fn play(rig: &Rig, plan: &Plan) -> Played {
    let mut played = Played::default();
    for r in 0..plan.rounds.len() {
        match plan.rounds[r].order {
            Order::Racing => {
                let t = Instant::now();
                let (sends, ()) = tokio::join!(
                    compose_round(&rig.engine, plan, r),
                    push_and_poll(rig, plan, r, &mut played)
                );
                played.sends.extend(sends);
                played.took[0] += t.elapsed().saturating_sub(played.took[1] + played.took[2]);
                drain(rig, &mut played).await;
            }
            Order::SendFirst => {
                compose(rig, plan, r, &mut played).await;
                drain(rig, &mut played).await;
                push_and_poll(rig, plan, r, &mut played).await;
                // The confirmations this round's opt-outs queued.
                drain(rig, &mut played).await;
            }
            Order::SendAfter => {
                push_and_poll(rig, plan, r, &mut played).await;
                compose(rig, plan, r, &mut played).await;
                drain(rig, &mut played).await;
            }
            Order::QueuedAcross => {
                compose(rig, plan, r, &mut played).await;
                push_and_poll(rig, plan, r, &mut played).await;
                drain(rig, &mut played).await;
            }
        }
    }
    played
}

// ---------------------------------------------------------------------------------------
// The verdict.

fn is_final(state: DeliveryState) -> bool {
    matches!(
        state,
        DeliveryState::Delivered
            | DeliveryState::Read
            | DeliveryState::Failed
            | DeliveryState::Rejected
            | DeliveryState::Expired
    )
}

/// A delivery the outbox worker refused because its recipient had opted out.
fn refused_as_opted_out(d: &engine::store::Delivery) -> bool {
    d.state == DeliveryState::Failed
        && d.status_text
            .as_deref()
            .is_some_and(|t| t.contains("opted out"))
}

/// One committed consent event of one number (imports and footers left out).
#[derive(Debug, Clone)]
struct Committed {
    kind: ConsentKind,
    at: i64,
    /// For a confirmation: the message that carried it.
    message: Option<MessageId>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_messages_with_opt_outs_at_random_moments_never_text_an_opted_out_number() {
    let seed = std::env::var("CONSENT_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let started = Instant::now();
    check_the_words();
    let plan = Plan::new(seed);
    let rig = rig(seed).await;
    let session = rig.engine.session().clone();

    // The office has everyone's consent on file before it texts them (a paper form each),
    // so the test holds whatever the opt-in policy says about unknown numbers.
    let now = engine::Clock::now_ms(&midday());
    session
        .write(|w| {
            for p in 0..PEOPLE {
                w.record_consent(
                    &plan.e164(p),
                    ConsentKind::OptIn,
                    "paper_form",
                    &Evidence::Text("signed at the open house".into()),
                    Some("agent"),
                    now,
                )?;
            }
            Ok(())
        })
        .unwrap();
    let ready = started.elapsed();

    let played = play(&rig, &plan).await;
    let rounds_took = started.elapsed() - ready;

    // Everything left goes out (retries included), then every delivery report comes in.
    rig.engine
        .drain_outbox(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        session.pending_jobs().unwrap(),
        0,
        "seed {seed}: the outbox ends empty"
    );
    let ledger: Vec<_> = session
        .consent_events(0, 100_000)
        .unwrap()
        .into_iter()
        .filter(|e| {
            matches!(
                e.kind,
                ConsentKind::OptOut | ConsentKind::OptIn | ConsentKind::ConfirmationSent
            ) && e.source != "paper_form"
        })
        .collect();
    let confirmations: Vec<MessageId> = ledger
        .iter()
        .filter_map(|e| match (&e.kind, &e.evidence) {
            (ConsentKind::ConfirmationSent, Evidence::Message(m)) => Some(*m),
            _ => None,
        })
        .collect();
    let outgoing: Vec<MessageId> = played
        .sends
        .iter()
        .map(|(_, _, c)| c.message_id)
        .chain(confirmations.iter().copied())
        .collect();
    let settle_deadline = Instant::now() + Duration::from_secs(30);
    let messages = loop {
        rig.engine
            .poll_once(Duration::from_millis(50))
            .await
            .unwrap();
        let messages: HashMap<MessageId, engine::store::Message> = outgoing
            .iter()
            .map(|&id| (id, session.message(id).unwrap()))
            .collect();
        let open = messages
            .values()
            .flat_map(|m| &m.deliveries)
            .filter(|d| !is_final(d.state))
            .count();
        if open == 0 {
            break messages;
        }
        assert!(
            Instant::now() < settle_deadline,
            "seed {seed}: {open} deliveries never reached a final state"
        );
    };
    let played_took = started.elapsed() - ready;

    // ---- What the simulator received.
    let log = rig.sim.log();
    let submits: Vec<&LogEvent> = log.iter().filter(|e| e.event == "submit").collect();
    let accepted: Vec<&LogEvent> = submits
        .iter()
        .copied()
        .filter(|e| e.status_code == Some(1000))
        .collect();
    let mut violations: Vec<String> = Vec::new();
    for e in &submits {
        if e.participant.is_none() {
            violations.push(format!("a submit the simulator cannot attribute: {e:?}"));
        }
    }

    // Every accepted SubmitReq is a delivery the store knows, and each delivery went once.
    let mut by_provider_id: HashMap<&str, (MessageId, &str)> = HashMap::new();
    for m in messages.values() {
        for d in &m.deliveries {
            if let Some(id) = d.provider_message_id.as_deref() {
                by_provider_id.insert(id, (m.id, d.recipient.as_str()));
            }
        }
    }
    let mut accepted_per_delivery: HashMap<(MessageId, String), usize> = HashMap::new();
    for e in &accepted {
        let who = e.participant.clone().unwrap_or_default();
        match e
            .message_id
            .as_deref()
            .and_then(|id| by_provider_id.get(id))
        {
            Some((message, recipient)) if recipient.trim_start_matches('+') == who => {
                *accepted_per_delivery.entry((*message, who)).or_default() += 1;
            }
            _ => violations.push(format!(
                "an accepted SubmitReq no delivery in the store accounts for: {e:?}"
            )),
        }
    }
    for ((message, who), n) in &accepted_per_delivery {
        if *n != 1 {
            violations.push(format!("message {message:?} reached {who} {n} times"));
        }
    }

    // ---- The ledger: exactly the planned changes, each with one confirmation.
    let mut committed: BTreeMap<usize, Vec<Committed>> = BTreeMap::new();
    for e in &ledger {
        let Some(p) = plan.person(&e.number) else {
            violations.push(format!("a consent event for a stranger: {e:?}"));
            continue;
        };
        committed.entry(p).or_default().push(Committed {
            kind: e.kind,
            at: e.at,
            message: match e.evidence {
                Evidence::Message(m) if e.kind == ConsentKind::ConfirmationSent => Some(m),
                _ => None,
            },
        });
    }
    for (&p, events) in &committed {
        let planned: Vec<ConsentKind> = plan
            .changes
            .get(&p)
            .into_iter()
            .flatten()
            .filter_map(|&(_, c)| match c {
                Change::OptOut => Some(ConsentKind::OptOut),
                Change::OptIn => Some(ConsentKind::OptIn),
                Change::RepeatStop => None,
            })
            .flat_map(|k| [k, ConsentKind::ConfirmationSent])
            .collect();
        let kinds: Vec<ConsentKind> = events.iter().map(|e| e.kind).collect();
        if kinds != planned {
            violations.push(format!(
                "{}: the ledger says {kinds:?}, the plan {planned:?} (near-misses and repeated \
                 STOPs change nothing; each opt-out and opt-in has one confirmation)",
                plan.people[p]
            ));
        }
    }
    for &p in plan.changes.keys() {
        if !committed.contains_key(&p) {
            violations.push(format!(
                "{}: opted out but the ledger has nothing",
                plan.people[p]
            ));
        }
    }

    // ---- Per number: nothing between an opt-out's commit and the re-opt-in but that
    // opt-out's confirmation, sent to them alone; re-opt-ins confirmed once, to them alone.
    let submits_to = |who: &str| -> Vec<&LogEvent> {
        submits
            .iter()
            .copied()
            .filter(|e| e.participant.as_deref() == Some(who))
            .collect()
    };
    let mut confirmation_submits = 0;
    for (&p, events) in &committed {
        let who = plan.people[p].as_str();
        let theirs = submits_to(who);
        for (i, event) in events.iter().enumerate() {
            if event.kind == ConsentKind::ConfirmationSent {
                let Some(message) = event.message.and_then(|m| messages.get(&m)) else {
                    violations.push(format!("{who}: a confirmation that is not stored"));
                    continue;
                };
                let thread = session.thread_summary(message.thread_id).unwrap();
                let alone = thread.kind == ThreadKind::Direct
                    && thread.participants.len() == 1
                    && thread.participants[0].address.trim_start_matches('+') == who;
                if !alone || message.deliveries.len() != 1 {
                    violations.push(format!(
                        "{who}: a confirmation went into {:?} thread {:?} with {} recipients",
                        thread.kind,
                        thread.participants,
                        message.deliveries.len()
                    ));
                }
                let provider_id = message.deliveries[0].provider_message_id.as_deref();
                let carried: Vec<&&LogEvent> = theirs
                    .iter()
                    .filter(|e| {
                        e.status_code == Some(1000) && e.message_id.as_deref() == provider_id
                    })
                    .collect();
                match carried.as_slice() {
                    [one] if one.group.is_empty() => confirmation_submits += 1,
                    [one] => violations.push(format!(
                        "{who}: a confirmation submitted in group form, showing {:?}",
                        one.group
                    )),
                    other => violations.push(format!(
                        "{who}: a confirmation accepted {} times",
                        other.len()
                    )),
                }
                continue;
            }
            if event.kind != ConsentKind::OptOut {
                continue;
            }
            let until = events[i + 1..]
                .iter()
                .find(|e| e.kind == ConsentKind::OptIn)
                .map_or(i64::MAX, |e| e.at);
            let confirmation = events[i + 1..]
                .iter()
                .find(|e| e.kind == ConsentKind::ConfirmationSent)
                .and_then(|e| e.message)
                .and_then(|m| messages.get(&m))
                .and_then(|m| m.deliveries[0].provider_message_id.clone());
            // Retries of the confirmation reuse its TransactionID.
            let confirmation_tx = theirs
                .iter()
                .find(|e| e.message_id.is_some() && e.message_id == confirmation)
                .and_then(|e| e.transaction_id.clone());
            for e in &theirs {
                if e.at_ms > event.at
                    && e.at_ms < until
                    && (e.transaction_id.is_none() || e.transaction_id != confirmation_tx)
                {
                    violations.push(format!(
                        "{who}: a SubmitReq {} ms after the opt-out committed at {}: {e:?}",
                        e.at_ms - event.at,
                        event.at
                    ));
                }
            }
        }
    }

    // ---- Group messages: everyone reachable got it once; re-opted-in people included.
    let mut skipped_total = 0;
    let mut refused_total = 0;
    for (r, g, composed) in &played.sends {
        let (r, g) = (*r, *g);
        let message = &messages[&composed.message_id];
        let skipped: BTreeSet<usize> = composed
            .skipped_opted_out
            .iter()
            .map(|n| plan.person(n).unwrap())
            .collect();
        skipped_total += skipped.len();
        let before: BTreeSet<usize> = plan.groups[g]
            .iter()
            .copied()
            .filter(|&p| plan.out_before(p, r))
            .collect();
        let after: BTreeSet<usize> = plan.groups[g]
            .iter()
            .copied()
            .filter(|&p| plan.out_before(p, r + 1))
            .collect();
        let fits = match plan.rounds[r].order {
            Order::SendFirst | Order::QueuedAcross => skipped == before,
            Order::SendAfter => skipped == after,
            Order::Racing => {
                before.intersection(&after).all(|p| skipped.contains(p))
                    && skipped
                        .iter()
                        .all(|p| before.contains(p) || after.contains(p))
            }
        };
        if !fits {
            violations.push(format!(
                "round {r} ({:?}), group {g}: skipped {skipped:?}; opted out before {before:?}, \
                 after {after:?}",
                plan.rounds[r].order
            ));
        }
        for &p in &plan.groups[g] {
            let who = plan.people[p].as_str();
            let delivery = message
                .deliveries
                .iter()
                .find(|d| d.recipient.trim_start_matches('+') == who);
            if plan.reachable_throughout(p, r) {
                // A retry still waiting when they opt out in a later round is refused.
                let opted_out_later = plan
                    .changes
                    .get(&p)
                    .into_iter()
                    .flatten()
                    .any(|&(round, c)| round > r && c == Change::OptOut);
                let reached = delivery.is_some_and(|d| {
                    (d.state == DeliveryState::Delivered
                        && accepted_per_delivery.get(&(message.id, who.to_owned())) == Some(&1))
                        || (opted_out_later && refused_as_opted_out(d))
                });
                if !reached {
                    violations.push(format!(
                        "round {r}, group {g}: {who} should have got {:?} once: {delivery:?}",
                        message.body
                    ));
                }
            }
        }
        for d in &message.deliveries {
            refused_total += usize::from(refused_as_opted_out(d));
            if d.state != DeliveryState::Delivered && !refused_as_opted_out(d) {
                violations.push(format!(
                    "round {r}, group {g}: {} ended {:?} ({:?})",
                    d.recipient, d.state, d.status_text
                ));
            }
        }
    }
    let mut texted_again = 0;
    for (&p, events) in &plan.changes {
        for &(back, change) in events {
            if change != Change::OptIn {
                continue;
            }
            let until = events
                .iter()
                .find(|&&(round, c)| round > back && c == Change::OptOut)
                .map_or(ROUNDS, |&(round, _)| round);
            let later: Vec<_> = played
                .sends
                .iter()
                .filter(|(r, g, _)| *r > back && *r < until && plan.groups[*g].contains(&p))
                .collect();
            if later.is_empty() {
                violations.push(format!(
                    "{}: no group message after the re-opt-in to check",
                    plan.people[p]
                ));
            }
            texted_again += later.len();
        }
    }

    // ---- The counts, honestly.
    let faulted = submits.len() - accepted.len();
    let group_submits = accepted.iter().filter(|e| !e.group.is_empty()).count();
    let total = played.inbound_stored + accepted.len();
    let opt_outs = ledger
        .iter()
        .filter(|e| e.kind == ConsentKind::OptOut)
        .count();
    let opt_ins = ledger
        .iter()
        .filter(|e| e.kind == ConsentKind::OptIn)
        .count();
    let repeats = plan
        .changes
        .values()
        .flatten()
        .filter(|(_, c)| *c == Change::RepeatStop)
        .count();
    eprintln!(
        "consent simulation, seed {seed}: {} handset messages in ({} duplicates); {} group \
         messages composed to {} groups, {} participants skipped as opted out and {} queued \
         deliveries refused at sending; {} SubmitReqs \
         received ({} accepted: {} group fan-out, {} one-to-one of which {} confirmations; \
         {faulted} refused with an injected 503 and retried); {opt_outs} opt-outs ({} people), \
         {repeats} repeated STOPs, {opt_ins} re-opt-ins, {texted_again} group messages to the \
         re-opted-in; {total} messages in + out (SubmitReqs counted per recipient). \
         Setup {:.1?}, rounds {:.1?} (compose {:.1?}, push {:.1?}, poll {:.1?}, drain {:.1?}), \
         to the last delivery report {:.1?}, in all {:.1?}.",
        played.inbound_pushed,
        played.duplicates,
        played.sends.len(),
        GROUPS,
        skipped_total,
        refused_total,
        submits.len(),
        accepted.len(),
        group_submits,
        accepted.len() - group_submits,
        confirmation_submits,
        plan.changes.len(),
        ready,
        rounds_took,
        played.took[0],
        played.took[1],
        played.took[2],
        played.took[3],
        played_took,
        started.elapsed(),
    );
    assert!(
        violations.is_empty(),
        "seed {seed}: {} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert_eq!(played.inbound_stored, played.inbound_pushed);
    assert_eq!(played.duplicates, 0);
    assert_eq!(opt_outs, OPT_OUTS + 1, "the cycler opts out twice");
    assert_eq!(opt_ins, RE_OPT_INS);
    assert_eq!(
        confirmation_submits,
        opt_outs + opt_ins,
        "one confirmation each"
    );
    assert!(skipped_total > 0, "some group messages skipped someone");
    assert!(
        refused_total > 0,
        "seed {seed}: no queued message met an opt-out committed after it was queued; the \
         plan no longer exercises the outbox's own check"
    );
    assert!(
        total >= 10_000,
        "seed {seed}: {total} messages in and out, fewer than issue 8 asks"
    );

    rig.engine.shutdown().await;
    let sim = Arc::try_unwrap(rig.sim).expect("no push in flight");
    sim.shutdown().await;
    rig.relay.shutdown().await;
}

/// The plan's phrasings mean what the plan says under the classifier the engine uses;
/// a classifier change shows here, not as a mysterious ledger mismatch.
fn check_the_words() {
    use compliance::{Classification, classify};
    for text in OPT_OUT_TEXTS.iter().chain(REPEAT_TEXTS) {
        assert!(
            matches!(classify(text), Classification::OptOut { .. }),
            "{text:?} is an opt-out"
        );
    }
    for text in OPT_IN_TEXTS.iter().chain(YES_TEXTS) {
        assert!(
            matches!(classify(text), Classification::OptIn { .. }),
            "{text:?} is an opt-in keyword"
        );
    }
    for text in ORDINARY_TEXTS.iter().chain(SEND_TEXTS) {
        assert_eq!(
            classify(text),
            Classification::None,
            "{text:?} is an ordinary message"
        );
    }
}
