// Figures for the desktop app, printed, not asserted: cold start to an interactive
// conversation list, resident memory of the app and its WebKit processes, the frame time
// while scrolling up through a long thread (older pages load as it goes) and while
// scrolling down the conversation list (more pages load as it goes), with how many rows
// were loaded, how many were in the DOM, and the DOM's size.
//
//   node tests/e2e/bench/app-bench.mjs [--data-dir DIR] [--thread-scroll [--thread-id N]]
//                                      [--list-scroll] [--frames N] [--to-top]
//
// Without --data-dir it starts on a fresh data dir (the demo provider's store). With one
// (e.g. built by `groupline bench store --messages 1000000 --threads 10000 --data-dir DIR`)
// it opens that store, read as it is. --thread-scroll opens the thread with the most
// messages and scrolls it from the newest page upwards, measuring each frame with
// requestAnimationFrame timestamps in the webview. --list-scroll scrolls the conversation
// list from the top downwards the same way (a store with 10,000 threads shows whether
// the list stays fast). --to-top scrolls on until the end (the thread's oldest message,
// the list's last thread), however many frames that takes. "Loaded" is what the view
// holds (its data-loaded attribute, else the rows in the DOM, as before the views were
// windowed). On a machine with plenty of RAM, resident memory is mostly how much garbage
// the webview lets pile up before collecting it, so compare it between runs of one build
// of WebKit, on one machine.
import { readFileSync, readdirSync } from "node:fs";
import { APP, startApp } from "../harness.mjs";

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dataDir = arg("--data-dir");
const scroll = args.includes("--thread-scroll");
const listScroll = args.includes("--list-scroll");
// --to-top: scroll the thread until its oldest message (at most --frames, default 20000).
const toTop = args.includes("--to-top");
const frames = Number(arg("--frames") ?? (toTop ? 20000 : 600));

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
/** The app's and WebKit's resident memory: the total, then each process. */
const memory = () => {
  const tree = processTree();
  const each = tree.map((p) => `${p.name.replace(/^WebKit|Process$|Pr$/g, "")} ${mib(p.rss)}`).join(", ");
  return `${mib(tree.reduce((a, p) => a + p.rss, 0))} (${each})`;
};

/** Median, p95, p99, max and mean of frame times, as one line. */
function frameLine(deltas) {
  const sorted = [...deltas].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return (
    `frame time median ${pct(sorted, 0.5).toFixed(1)} ms, p95 ${pct(sorted, 0.95).toFixed(1)} ms, ` +
    `p99 ${pct(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms, ` +
    `mean ${mean.toFixed(1)} ms (${(1000 / mean).toFixed(0)} fps)`
  );
}

/**
 * Scrolls `scrollerSelector` by half a screen every animation frame for `frames` frames
 * (up from the bottom, or down from the top), like a fast flick; answers each frame's
 * duration and the counts named by `rowSelector` and the scroller's data-loaded. With
 * `untilEnd` it stops once the scroller has stayed at its end for 5 s (nothing more
 * loads) and leaves those idle frames out. Runs in slices of at most a minute (one
 * WebDriver call may not take longer); the gap between slices is not counted.
 */
async function scrollFrames(browser, scrollerSelector, rowSelector, frames, up, untilEnd = false) {
  await browser.setTimeout({ script: 110_000 });
  for (let first = true; ; first = false) {
    const r = await browser.executeAsync(
      (scrollerSelector, rowSelector, frames, up, untilEnd, first, done) => {
        const scroller = document.querySelector(scrollerSelector);
        if (first) {
          window.__benchScroll = { deltas: [], n: 0, atEndSince: null, atEndFrames: 0 };
          scroller.scrollTop = up ? scroller.scrollHeight : 0;
        }
        const st = window.__benchScroll;
        const sliceStart = performance.now();
        let last = null;
        const step = () => {
          const now = performance.now();
          if (last !== null) st.deltas.push(now - last);
          last = now;
          const by = scroller.clientHeight * 0.5;
          scroller.scrollTop = up ? Math.max(0, scroller.scrollTop - by) : scroller.scrollTop + by;
          const atEnd = up
            ? scroller.scrollTop === 0
            : scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 1;
          if (!atEnd) st.atEndSince = null;
          else if (st.atEndSince === null) {
            st.atEndSince = now;
            st.atEndFrames = st.deltas.length;
          }
          const ended = untilEnd && st.atEndSince !== null && now - st.atEndSince > 5000;
          if (ended) st.deltas.length = st.atEndFrames;
          if (ended || ++st.n >= frames) {
            const rendered = document.querySelectorAll(rowSelector).length;
            const loaded = Number(
              scroller.closest("[data-loaded]")?.getAttribute("data-loaded") ??
                scroller.querySelector("[data-loaded]")?.getAttribute("data-loaded") ??
                rendered,
            );
            done({ finished: true, deltas: st.deltas, rendered, loaded, nodes: document.getElementsByTagName("*").length });
          } else if (now - sliceStart > 60_000) {
            st.atEndSince = null;
            done({ finished: false });
          } else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      },
      scrollerSelector,
      rowSelector,
      frames,
      up,
      untilEnd,
      first,
    );
    if (r.finished) return r;
  }
}

const domNodes = (browser) => browser.execute(() => document.getElementsByTagName("*").length);

/** The frame time with nothing moving: what this machine's webview takes anyway. */
async function idleFrames(browser, n = 120) {
  const deltas = await browser.executeAsync((n, done) => {
    const d = [];
    let last = null;
    const step = () => {
      const now = performance.now();
      if (last !== null) d.push(now - last);
      last = now;
      if (d.length < n) requestAnimationFrame(step);
      else done(d);
    };
    requestAnimationFrame(step);
  }, n);
  const sorted = [...deltas].sort((a, b) => a - b);
  return `idle frame time (nothing scrolling): median ${pct(sorted, 0.5).toFixed(1)} ms, p95 ${pct(sorted, 0.95).toFixed(1)} ms`;
}

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

  if (listScroll || scroll) console.log(await idleFrames(browser));

  if (listScroll) {
    const list = 'nav[aria-label="Conversation list"]';
    console.log(`conversation list: ${await domNodes(browser)} DOM elements before scrolling`);
    const r = await scrollFrames(browser, list, '[data-testid="thread-row"]', frames, false, toTop);
    console.log(`scrolling the list down ${r.deltas.length} frames${toTop ? " to its end" : ""}: ${frameLine(r.deltas)}`);
    console.log(
      `  ${r.loaded} threads loaded, ${r.rendered} rows in the DOM, ${r.nodes} DOM elements by the end; ` +
        `resident memory after: ${memory()}`,
    );
    await browser.execute((sel) => {
      document.querySelector(sel).scrollTop = 0;
    }, list);
  }

  if (scroll) {
    // --thread-id N opens that thread (a bench store's long thread is id 1; the demo's
    // own threads arrive above it), else the first row.
    const threadId = arg("--thread-id");
    const clicked = Date.now();
    const opened = await browser.execute((id) => {
      const row = id
        ? document.querySelector(`[data-testid="thread-row"][data-thread-id="${id}"] button`)
        : document.querySelector('[data-testid="thread-row"] button');
      if (row) {
        row.click();
        return true;
      }
      // A thread further down a windowed list has no row in the DOM: ask the app to open
      // it, as a notification or a ledger entry does.
      if (!id) return false;
      window.dispatchEvent(new CustomEvent("groupline:open-thread", { detail: Number(id) }));
      return true;
    }, threadId ?? null);
    if (!opened) throw new Error(`no thread ${threadId ?? ""} to open`);
    await browser.$('[data-testid="message-list"] [data-testid="message"]').waitForExist({ timeout: 30_000, interval: 10 });
    console.log(`opening the thread: first message shown ${Date.now() - clicked} ms after the click (WebDriver round trips included)`);
    await browser.pause(1000);
    console.log(`  ${await domNodes(browser)} DOM elements; resident memory before scrolling: ${memory()}`);
    const started = Date.now();
    const r = await scrollFrames(browser, '[data-testid="message-list"]', '[data-testid="message"]', frames, true, toTop);
    const took = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`scrolling up ${r.deltas.length} frames${toTop ? " to the oldest message" : ""} (${took} s): ${frameLine(r.deltas)}`);
    console.log(
      `  ${r.loaded} messages loaded, ${r.rendered} in the DOM, ${r.nodes} DOM elements by the end; ` +
        `resident memory after scrolling: ${memory()}`,
    );
    await browser.pause(5000);
    console.log(`  resident memory 5 s later: ${memory()}`);
  }
} finally {
  await app.stop();
}
