// Figures for the desktop app, printed, not asserted: cold start to an interactive
// conversation list, resident memory of the app and its WebKit processes, and the frame
// time while scrolling up through a long thread (older pages load as it goes).
//
//   node tests/e2e/bench/app-bench.mjs [--data-dir DIR] [--thread-scroll [--thread-id N]] [--frames N]
//
// Without --data-dir it starts on a fresh data dir (the demo provider's store). With one
// (e.g. built by `groupline bench store --messages 1000000 --threads 10000 --data-dir DIR`)
// it opens that store, read as it is. --thread-scroll opens the thread with the most
// messages and scrolls it from the newest page upwards, measuring each frame with
// requestAnimationFrame timestamps in the webview.
import { readFileSync, readdirSync } from "node:fs";
import { APP, startApp } from "../harness.mjs";

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dataDir = arg("--data-dir");
const scroll = args.includes("--thread-scroll");
const frames = Number(arg("--frames") ?? 600);

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The app's process and everything under it (WebKit's web and network processes). */
function processTree() {
  const procs = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      procs.push({ pid: Number(d), ppid, name });
    } catch {
      // Gone meanwhile.
    }
  }
  const app = procs.filter((p) => {
    try {
      return readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0")[0] === APP;
    } catch {
      return false;
    }
  });
  const tree = [...app];
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!tree.includes(p) && tree.some((t) => t.pid === p.ppid)) {
        tree.push(p);
        grew = true;
      }
    }
  }
  return tree.map((p) => ({ ...p, rss: rssKiB(p.pid) }));
}

const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const app = await startApp({ dataDir });
const { browser } = app;
try {
  // Interactive: the list painted from the store (its rows, or its empty state).
  await browser.waitUntil(
    async () =>
      browser.execute(
        () =>
          document.querySelector('[data-testid="thread-row"] button') !== null ||
          document.querySelector('[data-testid="conversation-list-empty"]') !== null,
      ),
    { timeout: 120_000, interval: 20, timeoutMsg: "the conversation list never painted" },
  );
  const listReady = Date.now();
  const inPage = await browser.execute(() => Math.round(performance.now()));
  const rows = await browser.execute(() => document.querySelectorAll('[data-testid="thread-row"]').length);
  console.log(`store: ${dataDir ?? "fresh data dir (demo provider)"}`);
  console.log(`cold start to an interactive conversation list: ${listReady - app.launchedAt} ms from launch`);
  console.log(`  (the page itself: ${inPage} ms after navigation start; ${rows} rows in the first page)`);

  // Settle, then read memory (the demo's story and first thumbnails have arrived).
  await browser.pause(3000);
  const tree = processTree();
  for (const p of tree) console.log(`  ${p.name.padEnd(18)} pid ${p.pid}  RSS ${mib(p.rss)}`);
  console.log(`resident memory, app + WebKit: ${mib(tree.reduce((a, p) => a + p.rss, 0))}`);

  if (scroll) {
    // --thread-id N opens that thread (a bench store's long thread is id 1; the demo's
    // own threads arrive above it), else the first row.
    const threadId = arg("--thread-id");
    const opened = await browser.execute((id) => {
      const row = id
        ? document.querySelector(`[data-testid="thread-row"][data-thread-id="${id}"] button`)
        : document.querySelector('[data-testid="thread-row"] button');
      row?.click();
      return Boolean(row);
    }, threadId ?? null);
    if (!opened) throw new Error(`no thread ${threadId ?? ""} to open`);
    await browser.$('[data-testid="message-list"] [data-testid="message"]').waitForExist({ timeout: 30_000 });
    await browser.setTimeout({ script: 300_000 });
    const result = await browser.executeAsync((frames, done) => {
      const scroller = document.querySelector('[data-testid="message-list"]');
      const deltas = [];
      let last = null;
      let n = 0;
      const step = () => {
        const now = performance.now();
        if (last !== null) deltas.push(now - last);
        last = now;
        // Scroll up a screenful every frame, like a fast flick; the view loads older
        // pages as the top comes near.
        scroller.scrollTop = Math.max(0, scroller.scrollTop - scroller.clientHeight * 0.5);
        if (++n < frames) requestAnimationFrame(step);
        else
          done({
            deltas,
            messages: document.querySelectorAll('[data-testid="message"]').length,
          });
      };
      scroller.scrollTop = scroller.scrollHeight;
      requestAnimationFrame(step);
    }, frames);
    const sorted = [...result.deltas].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    console.log(
      `scrolling up ${frames} frames: frame time median ${pct(sorted, 0.5).toFixed(1)} ms, ` +
        `p95 ${pct(sorted, 0.95).toFixed(1)} ms, p99 ${pct(sorted, 0.99).toFixed(1)} ms, ` +
        `max ${sorted[sorted.length - 1].toFixed(1)} ms, mean ${mean.toFixed(1)} ms ` +
        `(${(1000 / mean).toFixed(0)} fps); ${result.messages} messages loaded by the end`,
    );
    const after = processTree();
    console.log(`resident memory after scrolling: ${mib(after.reduce((a, p) => a + p.rss, 0))}`);
  }
} finally {
  await app.stop();
}
