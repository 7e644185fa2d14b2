// A long thread in the real app: the conversation is windowed (only the rows near the
// viewport are in the DOM however many are loaded), older pages load while scrolling up
// without moving the message being read, "Jump to latest" goes back to the bottom, and
// Up in the empty composer focuses the newest message. Opened at an old search hit, newer
// pages load below it while scrolling down, up to the newest.
//
// The store is `groupline bench store`'s (its thread 1 is the longest: ~2,100 messages).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { CLI, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp({
    prepare: (dataDir) =>
      execFileSync(CLI, ["bench", "store", "--messages", "3000", "--threads", "2", "--runs", "1", "--data-dir", dataDir], {
        stdio: "ignore",
      }),
  });
});
after(async () => {
  await app?.stop();
});

/** The message list's state: loaded and rendered counts, scroll position. */
const listState = () =>
  app.browser.execute(() => {
    const s = document.querySelector('[data-testid="message-list"]');
    return {
      loaded: Number(s.getAttribute("data-loaded")),
      rendered: s.querySelectorAll('[data-testid="message"]').length,
      fromBottom: s.scrollHeight - s.scrollTop - s.clientHeight,
    };
  });

/**
 * Scrolls the message list by `screens` (negative: up), as a reader would, and lets it
 * settle (a page arriving and laid out). Answers the message that was at the top of the
 * viewport, where it is now, and the list's state.
 */
const scrollStep = (browser, screens) =>
  browser.executeAsync((screens, done) => {
    const s = document.querySelector('[data-testid="message-list"]');
    s.scrollTop = Math.max(0, s.scrollTop + s.clientHeight * screens);
    const frames = (n, then) => (n === 0 ? then() : requestAnimationFrame(() => frames(n - 1, then)));
    const topMessage = () => {
      const box = s.getBoundingClientRect();
      for (const m of s.querySelectorAll('[data-testid="message"]')) {
        const r = m.getBoundingClientRect();
        if (r.top >= box.top) return { id: m.getAttribute("data-message-id"), top: r.top - box.top };
      }
      return null;
    };
    frames(2, () => {
      const before = topMessage();
      // Long enough for a page to arrive and be laid out.
      setTimeout(
        () =>
          frames(2, () => {
            const el = before && s.querySelector(`[data-testid="message"][data-message-id="${before.id}"]`);
            done({
              before,
              after: el ? el.getBoundingClientRect().top - s.getBoundingClientRect().top : null,
              loaded: Number(s.getAttribute("data-loaded")),
              rendered: s.querySelectorAll('[data-testid="message"]').length,
              scrollTop: s.scrollTop,
              newer: document.querySelector('[data-testid="newer-note"]') !== null,
              fromBottom: s.scrollHeight - s.scrollTop - s.clientHeight,
            });
          }),
        250,
      );
    });
  }, screens);

test("a long thread: windowed, older pages load above without a jump, back to the latest", async () => {
  const { browser } = app;
  const row = '[data-testid="thread-row"][data-thread-id="1"]';
  await browser.$(row).waitForExist({ timeout: 60_000, timeoutMsg: "the bench thread never appeared in the list" });
  // Clicked in the page, not at coordinates: the demo's threads arriving above can move the
  // row between WebDriver finding it and clicking there.
  await browser.execute((row) => document.querySelector(`${row} button`).click(), row);
  await browser.$(`${row}[aria-selected="true"]`).waitForExist({ timeout: 10_000 });
  await browser.$('[data-testid="message-list"] [data-testid="message"]').waitForExist({ timeout: 20_000 });
  await browser.pause(500);

  // Opens at the newest message, with the first page loaded and only part of it rendered.
  // Rows are measured after they render, so under load the view may still be settling
  // onto the bottom half a second in; it must get there.
  let state = await listState();
  for (let waited = 0; state.fromBottom >= 2 && waited < 5_000; waited += 100) {
    await browser.pause(100);
    state = await listState();
  }
  assert.ok(state.fromBottom < 2, `opens at the bottom: ${JSON.stringify(state)}`);
  assert.equal(state.loaded, 50, "the first page");
  assert.ok(state.rendered < state.loaded, `only the rows near the viewport are rendered: ${JSON.stringify(state)}`);

  // Scroll up a step at a time, as a reader would. Between steps the view settles: pages
  // load above and new rows are measured. The message at the top of the viewport must
  // stay exactly where it was while that happens.
  let loads = 0;
  let lastLoaded = state.loaded;
  await browser.setTimeout({ script: 30_000 });
  for (let step = 0; step < 400 && lastLoaded < 500; step++) {
    const held = await scrollStep(browser, -0.6);
    assert.ok(held.before, `a message at the top of the viewport at step ${step}`);
    assert.ok(
      held.after !== null && Math.abs(held.after - held.before.top) < 1.5,
      `message ${held.before.id} stayed put at step ${step}: ${JSON.stringify(held)}`,
    );
    assert.ok(held.rendered <= 120, `the DOM stays bounded: ${held.rendered} messages rendered of ${held.loaded}`);
    if (held.loaded > lastLoaded) loads++;
    lastLoaded = held.loaded;
  }
  assert.ok(lastLoaded >= 500, `older pages loaded while scrolling up: ${lastLoaded}`);
  assert.ok(loads >= 9, `page by page: ${loads} loads`);

  // Back to the newest message.
  await (await browser.$('[data-testid="jump-to-latest"]')).click();
  await browser.waitUntil(async () => (await listState()).fromBottom < 2, {
    timeout: 5000,
    timeoutMsg: "Jump to latest did not reach the bottom",
  });
  await browser.waitUntil(async () => !(await browser.$('[data-testid="jump-to-latest"]').isExisting()), {
    timeout: 5000,
    timeoutMsg: "Jump to latest stayed after reaching the bottom",
  });

  // At the bottom, a message sent lands in view and the view stays at the bottom.
  const composer = await browser.$('[data-testid="composer-input"]');
  await composer.click();
  const said = `Still at the bottom ${Date.now()}`;
  await composer.setValue(said);
  await browser.keys("Enter");
  await browser.waitUntil(
    async () =>
      browser.execute((said) => {
        const s = document.querySelector('[data-testid="message-list"]');
        const mine = Array.from(s.querySelectorAll('[data-testid="message-body"]')).find((b) => b.textContent.startsWith(said));
        if (!mine) return false;
        const r = mine.getBoundingClientRect();
        const box = s.getBoundingClientRect();
        return r.bottom <= box.bottom + 1 && r.top >= box.top && s.scrollHeight - s.scrollTop - s.clientHeight < 2;
      }, said),
    { timeout: 10_000, timeoutMsg: "the message sent is not in view at the bottom" },
  );

  // Up in the empty composer focuses the newest message; Up again, the one before it.
  await composer.click();
  await browser.keys(["ArrowUp"]);
  const focused = () =>
    browser.execute(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="message-list"] li.row'));
      return { index: rows.indexOf(document.activeElement), count: rows.length };
    });
  await browser.waitUntil(async () => {
    const f = await focused();
    return f.index === f.count - 1;
  }, { timeout: 5000, timeoutMsg: "Up in the empty composer did not focus the newest message" });
  await browser.keys(["ArrowUp"]);
  await browser.waitUntil(async () => {
    const f = await focused();
    return f.index === f.count - 2;
  }, { timeout: 5000, timeoutMsg: "Up did not move to the message before" });
});

test("opened at an old search hit, scrolling down reads the newer pages up to the newest", async () => {
  const { browser } = app;
  const search = await browser.$('[data-testid="search-input"]');
  await search.click();
  await search.setValue("collision");
  // The oldest hit in the long thread: far enough back that newer pages lie below it.
  const hitSelector = '[data-testid="search-hit"][data-thread-id="1"]';
  await browser.$(hitSelector).waitForExist({ timeout: 10_000, timeoutMsg: "no search hit in the long thread" });
  const hitId = await browser.execute((sel) => {
    const hits = Array.from(document.querySelectorAll(sel));
    const oldest = hits.reduce((a, h) => (Number(h.dataset.messageId) < Number(a.dataset.messageId) ? h : a));
    oldest.click();
    return oldest.dataset.messageId;
  }, hitSelector);
  try {
    await browser
      .$(`[data-testid="message"][data-message-id="${hitId}"][data-highlighted="true"]`)
      .waitForExist({ timeout: 10_000 });
  } catch {
    const dom = await browser.execute(() => {
      const s = document.querySelector('[data-testid="message-list"]');
      return {
        title: document.querySelector('[data-testid="conversation-title"]')?.textContent,
        loaded: s?.getAttribute("data-loaded"),
        ids: Array.from(s?.querySelectorAll('[data-testid="message"]') ?? []).map((m) => m.getAttribute("data-message-id") + (m.getAttribute("data-highlighted") === "true" ? "*" : "")),
        scroll: s && [s.scrollTop, s.scrollHeight, s.clientHeight],
        hits: Array.from(document.querySelectorAll('[data-testid="search-hit"]')).map((h) => h.dataset.threadId + ":" + h.dataset.messageId),
      };
    });
    assert.fail(`the hit ${hitId} did not open highlighted: ${JSON.stringify(dom)}`);
  }
  await browser.$('[data-testid="newer-note"]').waitForExist({
    timeout: 10_000,
    timeoutMsg: "opened at an old hit, yet nothing newer is said to be below it",
  });
  const opened = await listState();

  // Scroll down a step at a time. The message at the top of the viewport stays where it was
  // while pages load below, until the newest is loaded.
  let steps = 0;
  let held;
  for (; steps < 600; steps++) {
    held = await scrollStep(browser, 0.6);
    assert.ok(held.before, `a message at the top of the viewport at step ${steps}`);
    assert.ok(
      held.after !== null && Math.abs(held.after - held.before.top) < 1.5,
      `message ${held.before.id} stayed put at step ${steps}: ${JSON.stringify(held)}`,
    );
    assert.ok(held.rendered <= 120, `the DOM stays bounded: ${held.rendered} messages rendered of ${held.loaded}`);
    if (!held.newer && held.fromBottom < 2) break;
  }
  assert.equal(held.newer, false, `the newest page was reached: ${JSON.stringify(held)}`);
  assert.ok(held.loaded > opened.loaded, `newer pages were read: ${opened.loaded} → ${held.loaded}`);
  // The newest message (the one the first test sent) is at the bottom.
  const last = await browser.execute(() => {
    const bodies = document.querySelectorAll('[data-testid="message-list"] [data-testid="message-body"]');
    return bodies[bodies.length - 1]?.textContent ?? "";
  });
  assert.match(last, /^Still at the bottom/);

  await search.clearValue();
  await browser.execute(() => {
    const s = document.querySelector('[data-testid="search-input"]');
    s.value = "";
    s.dispatchEvent(new Event("input", { bubbles: true }));
  });
});
