//! `groupline bench store`: builds a realistic store in a fresh data directory (group and
//! direct threads of 2–20 participants, contacts, message bodies of realistic length, some
//! media parts, per-recipient delivery states) and prints the ingest rate, each query's
//! median and p99 over repeated runs, the open time and the database size against the raw
//! text stored.
//!
//! Everything random comes from a seeded generator, so two runs build the same store.
//! Each ingest batch is generated before its transaction and only the transaction is
//! timed, so the figures are the store's, not the generator's.
//!
//! Ingest is also reported as the CPU time this process spent in it (where the platform
//! says, i.e. Linux): on a machine shared with other work, wall time mostly measures how
//! much of the CPU the others left, and CPU time shows what the store itself costs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use engine::store::{
    ContactInput, DeliveryState, DeliveryUpdate, Direction, MessageQuery, MessageState, NewMessage,
    NewPart, SearchQuery, Store, StoreError, ThreadId, ThreadListQuery,
};

#[derive(Debug, Args)]
pub struct StoreBenchArgs {
    /// Messages to store.
    #[arg(long, default_value_t = 100_000)]
    messages: u64,
    /// Threads to spread them over.
    #[arg(long, default_value_t = 1_000)]
    threads: u64,
    /// A directory with no Groupline store in it yet (the bench never touches real data).
    #[arg(long, value_name = "DIR")]
    data_dir: PathBuf,
    /// Timed runs per query.
    #[arg(long, default_value_t = 300)]
    runs: usize,
    /// Messages per ingest transaction.
    #[arg(long, default_value_t = 10_000)]
    batch: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 4)]
    seed: u64,
}

/// SplitMix64: small, seeded, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "a",
    "to",
    "and",
    "is",
    "on",
    "for",
    "we",
    "you",
    "it",
    "in",
    "of",
    "at",
    "with",
    "can",
    "will",
    "just",
    "be",
    "there",
    "this",
    "that",
    "please",
    "thanks",
    "ok",
    "yes",
    "no",
    "claim",
    "tow",
    "truck",
    "adjuster",
    "estimate",
    "photos",
    "policy",
    "deductible",
    "rental",
    "car",
    "driver",
    "accident",
    "report",
    "police",
    "insurance",
    "agent",
    "repair",
    "shop",
    "body",
    "damage",
    "bumper",
    "windshield",
    "glass",
    "payment",
    "check",
    "deposit",
    "closing",
    "inspection",
    "appraisal",
    "offer",
    "counter",
    "buyer",
    "seller",
    "listing",
    "showing",
    "open",
    "house",
    "keys",
    "lockbox",
    "lender",
    "mortgage",
    "title",
    "escrow",
    "signature",
    "documents",
    "sign",
    "form",
    "attached",
    "sent",
    "received",
    "call",
    "me",
    "back",
    "when",
    "arrive",
    "arrived",
    "here",
    "outside",
    "minutes",
    "hour",
    "today",
    "tomorrow",
    "morning",
    "afternoon",
    "tonight",
    "monday",
    "tuesday",
    "friday",
    "address",
    "street",
    "route",
    "highway",
    "exit",
    "parking",
    "lot",
    "garage",
    "pickup",
    "drop",
    "off",
    "confirm",
    "confirmed",
    "scheduled",
    "reschedule",
    "update",
    "status",
    "approved",
    "pending",
    "need",
    "send",
    "copy",
    "license",
    "registration",
    "vin",
    "number",
    "phone",
    "email",
    "office",
    "quote",
    "coverage",
    "liability",
    "collision",
    "comprehensive",
    "medical",
    "injury",
    "hospital",
    "fine",
    "safe",
    "sorry",
    "great",
    "perfect",
    "sounds",
    "good",
    "see",
    "soon",
    "running",
    "late",
    "traffic",
    "stuck",
    "waiting",
    "ready",
    "done",
    "finished",
    "still",
    "how",
    "long",
    "what",
    "time",
    "where",
    "who",
    "family",
    "wife",
    "husband",
    "son",
    "daughter",
    "mom",
    "dad",
    "kids",
    "school",
    "work",
    "home",
    "appointment",
    "meeting",
];
const FIRST: &[&str] = &[
    "Dana", "Luis", "Priya", "Tom", "Aisha", "Ken", "Maria", "Sam", "Olga", "Jamal", "Wei", "Nora",
    "Ravi", "Beth", "Carlos", "Yuki", "Fatima", "Greg", "Ines", "Owen",
];
const LAST: &[&str] = &[
    "Driver", "Nguyen", "Patel", "Smith", "Garcia", "Okafor", "Kim", "Rossi", "Novak", "Haddad",
    "Chen", "Brown", "Silva", "Murphy", "Ivanova", "Lopez", "Sato", "Cohen", "Dubois", "Walsh",
];
const SEARCHES: &[&str] = &[
    "tow",
    "claim estimate",
    "windshield",
    "closing documents",
    "lockbox",
    "Dana",
    "617-555-01",
];

/// A body of realistic length: half short replies, a third a few sentences, the rest long.
fn body(rng: &mut Rng) -> String {
    let words = match rng.unit() {
        u if u < 0.5 => 2 + rng.below(10),
        u if u < 0.85 => 12 + rng.below(24),
        _ => 36 + rng.below(90),
    };
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        if rng.chance(0.02) {
            s.push_str(&format!("#{}", 1000 + rng.below(9000)));
        } else {
            let word: &&str = rng.pick(WORDS);
            s.push_str(word);
        }
    }
    s
}

fn number(i: u64) -> String {
    // +1 617 55X XXXX: distinct, valid-looking North American numbers.
    format!("+1617{:07}", 5_500_000 + i)
}

/// A number in one of the formats people and providers write.
fn formatted(rng: &mut Rng, e164: &str) -> String {
    let n = &e164[2..];
    match rng.below(4) {
        0 => e164.to_owned(),
        1 => format!("+1 ({}) {}-{}", &n[..3], &n[3..6], &n[6..]),
        2 => n.to_owned(),
        _ => format!("tel:{e164}"),
    }
}

struct Timings(Vec<Duration>);

impl Timings {
    fn line(&mut self, name: &str, target: &str) {
        self.0.sort();
        let n = self.0.len();
        let median = self.0[n / 2];
        let p99 = self.0[((n * 99).div_ceil(100)).saturating_sub(1)];
        println!(
            "  {name:<34} median {:>8.3} ms   p99 {:>8.3} ms   (target {target})",
            ms(median),
            ms(p99)
        );
    }
}

/// CPU time this process has used so far (user + system): from `/proc/self/schedstat` in
/// nanoseconds (the bench is one thread), else `/proc/self/stat` in ticks of 1/100 s;
/// `None` where there is neither (not Linux). Ingest sums it over ~100 batches, so the
/// finer clock matters.
fn cpu_time() -> Option<Duration> {
    if let Some(ns) = std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
    {
        return Some(Duration::from_nanos(ns));
    }
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) are in `)`'s tail; utime and
    // stime are the 14th and 15th fields of the whole line, in clock ticks of 1/100 s.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Bytes this process has written through write calls so far (`wchar` of
/// `/proc/self/io`), i.e. the database, its WAL and checkpoints; `None` off Linux.
fn io_written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("wchar:"))?
        .trim()
        .parse()
        .ok()
}

/// One generated message of a batch, before it is handed to the store.
struct Generated {
    t: usize,
    at: i64,
    text: String,
    subject: Option<String>,
    outbound: bool,
    author: String,
    provider_id: Option<String>,
    recent: bool,
    part: bool,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn time_runs(
    runs: usize,
    mut f: impl FnMut(usize) -> Result<(), StoreError>,
) -> Result<Timings, StoreError> {
    // One untimed pass warms the statement cache.
    f(0)?;
    let mut out = Vec::with_capacity(runs);
    for i in 0..runs {
        let start = Instant::now();
        f(i + 1)?;
        out.push(start.elapsed());
    }
    Ok(Timings(out))
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

pub fn run(args: &StoreBenchArgs) -> ExitCode {
    match bench(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("groupline: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Raw text handed to the store, to compare the database size with.
#[derive(Default)]
struct RawText {
    message_text: u64,
    other_text: u64,
}

fn bench(args: &StoreBenchArgs) -> Result<(), Box<dyn std::error::Error>> {
    let dir = &args.data_dir;
    if dir.join(engine::store::DATABASE_FILE_NAME).exists() {
        return Err(format!(
            "{} already holds a Groupline store; the bench builds a new one (pick an empty directory)",
            dir.display()
        )
        .into());
    }
    let threads = args.threads.max(1);
    let mut rng = Rng(args.seed);
    let mut raw = RawText::default();
    let now0: i64 = 1_700_000_000_000;
    let mut store = Store::open_in(dir, now0)?;
    let own = "+16175550100";

    // People: a pool of numbers, two thirds of them known contacts.
    let people = (threads * 2).max(40);
    let started = Instant::now();
    let members: Vec<(ThreadId, Vec<String>)> = store.write(|w| {
        w.add_account("bench", own, now0)?;
        for i in 0..people {
            if i % 3 != 2 {
                let name = format!("{} {}", *rng.pick(FIRST), *rng.pick(LAST));
                raw.other_text += name.len() as u64;
                let n = number(i);
                w.add_contact(
                    &ContactInput {
                        display_name: &name,
                        numbers: vec![&n],
                        company: None,
                        notes: None,
                        tags: Vec::new(),
                    },
                    now0,
                )?;
            }
        }
        let mut members = Vec::new();
        for _ in 0..threads {
            // 40% direct; groups of 2–20 participants, small ones far more common.
            let others = if rng.chance(0.4) {
                1
            } else {
                1 + (19.0 * rng.unit().powi(3)) as u64
            };
            let mut set: Vec<String> = Vec::new();
            while (set.len() as u64) < others {
                let n = number(rng.below(people));
                if !set.contains(&n) {
                    set.push(n);
                }
            }
            let mut raw_forms: Vec<String> = set.iter().map(|n| formatted(&mut rng, n)).collect();
            raw_forms.push(formatted(&mut rng, own));
            raw.other_text += set.iter().map(|s| s.len() as u64).sum::<u64>();
            let t = w.resolve_thread(raw_forms.iter().map(String::as_str), now0)?;
            members.push((t.id, set));
        }
        Ok(members)
    })?;
    let setup = started.elapsed();

    // Messages in time order, busy threads busier (thread i drawn with density ~ u^2).
    let span_ms: i64 = 3 * 365 * 24 * 3600 * 1000;
    let step = span_ms / args.messages.max(1) as i64;
    let mut written = 0u64;
    let mut parts = 0u64;
    let mut deliveries = 0u64;
    // (message, thread index, time, is a media part) for the second pass.
    let mut later: Vec<(engine::store::MessageId, usize, i64, bool)> = Vec::new();
    // Only the store's part is timed: each batch is generated first (the generator's
    // strings and formatting are not the store's cost), then written in one transaction.
    let mut ingest = Duration::ZERO;
    let mut ingest_cpu = Some(Duration::ZERO);
    let ingest_io_before = io_written();
    while written < args.messages {
        let batch = args.batch.min(args.messages - written);
        let messages: Vec<Generated> = (0..batch)
            .map(|k| {
                let i = written + k;
                let t = ((threads as f64) * rng.unit().powi(2)) as usize;
                let at = now0 + i as i64 * step;
                let text = body(&mut rng);
                let subject = rng.chance(0.03).then(|| "Claim #4411 update".to_owned());
                let outbound = rng.chance(0.35);
                let author = if outbound {
                    own.to_owned()
                } else {
                    rng.pick(&members[t].1).clone()
                };
                let provider_id = (!outbound).then(|| format!("mmsc-{i:010}"));
                raw.message_text += (text.len() + subject.as_ref().map_or(0, String::len)) as u64;
                raw.other_text +=
                    (author.len() + provider_id.as_ref().map_or(0, String::len)) as u64;
                let recent = i + args.messages / 50 >= args.messages;
                Generated {
                    t,
                    at,
                    text,
                    subject,
                    outbound,
                    author,
                    provider_id,
                    recent,
                    part: rng.chance(0.004),
                }
            })
            .collect();
        let started = Instant::now();
        let cpu_before = cpu_time();
        let ids = store.write(|w| {
            let mut ids = Vec::with_capacity(messages.len());
            for g in &messages {
                let m = w.add_message(&NewMessage {
                    thread_id: members[g.t].0,
                    direction: if g.outbound {
                        Direction::Out
                    } else {
                        Direction::In
                    },
                    author: &g.author,
                    body: &g.text,
                    subject: g.subject.as_deref(),
                    at: g.at,
                    provider_at: Some(g.at - 1500),
                    provider_message_id: g.provider_id.as_deref(),
                    linked_id: None,
                    transaction_id: None,
                    state: match (g.outbound, g.recent) {
                        (true, _) => MessageState::Sent,
                        (false, true) => MessageState::Unread,
                        (false, false) => MessageState::Read,
                    },
                })?;
                ids.push(m.id);
            }
            Ok(ids)
        })?;
        ingest += started.elapsed();
        ingest_cpu = ingest_cpu
            .zip(cpu_time().zip(cpu_before))
            .map(|(sum, (after, before))| sum + after.saturating_sub(before));
        for (g, id) in messages.iter().zip(ids) {
            if g.outbound {
                later.push((id, g.t, g.at, false));
            }
            if g.part {
                later.push((id, g.t, g.at, true));
            }
        }
        written += batch;
    }
    let ingest_io = io_written()
        .zip(ingest_io_before)
        .map(|(after, before)| after.saturating_sub(before));

    // Second pass: what follows a message in real life, kept apart so the bulk message
    // ingest above is measured alone: each outgoing message's per-recipient jobs and
    // delivery states, and the media parts (each file fsynced).
    let follow_started = Instant::now();
    for chunk in later.chunks(args.batch as usize) {
        store.write(|w| {
            for &(id, t, at, is_part) in chunk {
                let set = &members[t].1;
                if is_part {
                    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
                    png.extend_from_slice(&1024u32.to_be_bytes());
                    png.extend_from_slice(&768u32.to_be_bytes());
                    png.extend((0..2048 + rng.below(4096)).map(|_| rng.next() as u8));
                    w.add_part(
                        id,
                        &NewPart {
                            bytes: &png,
                            declared_type: Some("image/png"),
                            file_name: Some("photo.png"),
                            thumbnail: None,
                        },
                    )?;
                    parts += 1;
                    continue;
                }
                let jobs = w.queue_outgoing(id, set.iter().map(String::as_str), at)?;
                for (job, recipient) in jobs.into_iter().zip(set) {
                    w.complete_job(job)?;
                    let pm = format!("sinch-{id}-{job}");
                    raw.other_text += (recipient.len() + pm.len()) as u64;
                    w.update_delivery(
                        id,
                        recipient,
                        &DeliveryUpdate {
                            state: DeliveryState::Delivered,
                            provider_message_id: Some(&pm),
                            status_code: Some(1000),
                            status_text: None,
                            at: at + 4000,
                        },
                    )?;
                    deliveries += 1;
                }
            }
            Ok(())
        })?;
    }
    let follow = follow_started.elapsed();
    drop(store);

    println!(
        "groupline bench store: {} messages in {} threads ({} people, {} deliveries, {} media parts)",
        args.messages, threads, people, deliveries, parts
    );
    println!(
        "  setup (contacts, threads)          {:.2} s",
        setup.as_secs_f64()
    );
    println!(
        "  bulk message ingest                {:.2} s = {:.0} messages/s, FTS on, {}-message transactions (target >= 50000)",
        ingest.as_secs_f64(),
        args.messages as f64 / ingest.as_secs_f64(),
        args.batch
    );
    if let Some(cpu) = ingest_cpu {
        println!(
            "  bulk message ingest, CPU time      {:.2} s = {:.0} messages per CPU-second",
            cpu.as_secs_f64(),
            args.messages as f64 / cpu.as_secs_f64().max(1e-9)
        );
    }
    if let Some(bytes) = ingest_io {
        println!(
            "  bulk message ingest, bytes written {:.0} MB (database, WAL and checkpoints)",
            bytes as f64 / 1e6
        );
    }
    println!(
        "  outbox jobs, delivery states, media {:.2} s = {:.0} deliveries/s (+ {} fsynced files)",
        follow.as_secs_f64(),
        deliveries as f64 / follow.as_secs_f64().max(1e-9),
        parts
    );

    let mut opens = Timings(Vec::new());
    for _ in 0..20.min(args.runs) {
        let start = Instant::now();
        let s = Store::open_in(dir, now0)?;
        opens.0.push(start.elapsed());
        drop(s);
    }
    let store = Store::open_in(dir, now0)?;
    println!("queries ({} timed runs each):", args.runs);
    opens.line("open the store", "<= 50 ms");

    let list = ThreadListQuery {
        archived: false,
        limit: 50,
        after: None,
    };
    time_runs(args.runs, |_| store.threads(&list).map(drop))?
        .line("thread list, first page (50)", "<= 5 ms p99");
    let mut cursor = None;
    for _ in 0..10 {
        cursor = store
            .threads(&ThreadListQuery {
                after: cursor.clone(),
                ..list.clone()
            })?
            .next;
    }
    let deep = ThreadListQuery {
        after: cursor,
        ..list.clone()
    };
    time_runs(args.runs, |_| store.threads(&deep).map(drop))?
        .line("thread list, page 11 (by key)", "-");

    let mut pick = Rng(args.seed ^ 0xABCD);
    let busiest = members[0].0;
    time_runs(args.runs, |_| {
        store
            .messages(
                busiest,
                &MessageQuery {
                    limit: 50,
                    before: None,
                },
            )
            .map(drop)
    })?
    .line("newest 50 messages, busiest thread", "<= 2 ms p99");
    time_runs(args.runs, |_| {
        let t = members[pick.below(threads) as usize].0;
        store
            .messages(
                t,
                &MessageQuery {
                    limit: 50,
                    before: None,
                },
            )
            .map(drop)
    })?
    .line("newest 50 messages, random thread", "<= 2 ms p99");
    let old_page = {
        let mut before = None;
        for _ in 0..20 {
            before = store
                .messages(
                    busiest,
                    &MessageQuery {
                        limit: 50,
                        before: before.clone(),
                    },
                )?
                .next;
        }
        before
    };
    time_runs(args.runs, |_| {
        store
            .messages(
                busiest,
                &MessageQuery {
                    limit: 50,
                    before: old_page.clone(),
                },
            )
            .map(drop)
    })?
    .line("50 older messages, page 21 (by key)", "-");

    for q in SEARCHES {
        let query = SearchQuery {
            text: (*q).to_owned(),
            limit: 50,
            after: None,
        };
        let hits = store.search(&query)?;
        let label = format!(
            "search {q:?} ({}{} hits)",
            hits.messages.items.len(),
            if hits.messages.next.is_some() {
                "+"
            } else {
                ""
            }
        );
        time_runs(args.runs, |_| store.search(&query).map(drop))?.line(&label, "<= 30 ms p99");
    }
    time_runs(args.runs, |i| {
        let n = formatted(&mut pick, &number(i as u64 % people));
        store.contact_by_number(&n).map(drop)
    })?
    .line("contact by number (any format)", "-");

    let db = dir_size(dir);
    let raw_all = raw.message_text + raw.other_text;
    println!(
        "size: database {:.1} MB (with WAL), media {} files",
        db as f64 / 1e6,
        parts
    );
    println!(
        "  vs all text stored {:.1} MB: {:.2}x   (target <= 1.5x)",
        raw_all as f64 / 1e6,
        db as f64 / raw_all as f64
    );
    println!(
        "  vs message bodies and subjects alone {:.1} MB: {:.2}x",
        raw.message_text as f64 / 1e6,
        db as f64 / raw.message_text as f64
    );
    Ok(())
}
