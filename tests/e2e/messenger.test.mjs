// The messenger's everyday paths on the demo provider, through the real app: a reply
// arrives live and is notified (the notification opens its thread), a group message with a
// photo reaches every recipient, search finds a message and opens the thread at it, and
// individual texts to three numbers make three threads.
//
// The demo plays its story at half speed here (about 22 s) so some of it arrives while
// the window is already up: those messages are what the notification test waits for.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pngFixture, screenshotDir, screenshotScreen, startApp } from "./harness.mjs";

let app;
let fixtures;
before(async () => {
  fixtures = mkdtempSync(join(tmpdir(), "groupline-e2e-fixtures-"));
  app = await startApp({ env: { GROUPLINE_DEMO_TIME_SCALE: "0.5" } });
});
after(async () => {
  await app?.stop();
  if (fixtures) rmSync(fixtures, { recursive: true, force: true });
});

const text = async (el) => (await el.getProperty("textContent")).trim();

async function shoot(name) {
  const dir = screenshotDir();
  await app.browser.pause(300);
  await app.browser.saveScreenshot(join(dir, `${name}.png`));
  screenshotScreen(app.display, join(dir, `${name}-screen.png`));
}

/** Clicks the list row whose title contains every one of `names`; answers its thread id. */
async function openThreadWith(names, timeout = 30_000) {
  const { browser } = app;
  let id = null;
  await browser.waitUntil(
    async () => {
      id = await browser.execute((names) => {
        for (const row of document.querySelectorAll('[data-testid="thread-row"]')) {
          const title = row.querySelector('[data-testid="thread-title"]')?.textContent ?? "";
          if (names.every((n) => title.includes(n))) {
            row.querySelector("button").click();
            return Number(row.getAttribute("data-thread-id"));
          }
        }
        return null;
      }, names);
      return id !== null;
    },
    { timeout, timeoutMsg: `no thread with ${names.join(", ")}` },
  );
  await browser.$('[data-testid="conversation-title"]').waitForExist({ timeout: 10_000 });
  return id;
}

async function dismissToasts() {
  await app.browser.execute(() =>
    document.querySelectorAll('[data-testid="toast"] button[aria-label="Dismiss"]').forEach((b) => b.click()),
  );
}

// What the demo's cast says; a notification must carry one of these as its preview.
const STORY = [
  "Rick's Towing here.",
  "Claim 7-41182 is open.",
  "Here it is.",
  "On my way to pick you up.",
  "Car is on the truck.",
  "Estimate appointment confirmed",
  "Is the open house at 14 Elm St",
  "Love the new kitchen photos!",
  "Voice note about parking.",
  "Stop.",
];

test("a reply arrives live, is notified with sender, group and preview, and the notification opens its thread", async () => {
  const { browser } = app;
  try {
    await browser.$('[data-testid="demo-badge"]').waitForExist({ timeout: 30_000 });
    let seen = null;
    await browser.waitUntil(
      async () => {
        const log = await browser.execute(() => window.__groupline_notifications ?? []);
        seen = log.find((n) => n.messageId !== null && STORY.some((s) => n.body.startsWith(s)));
        return Boolean(seen);
      },
      { timeout: 60_000, timeoutMsg: "no notification for an inbound demo message" },
    );
    // Sender and group title: "<sender> in <group>".
    assert.match(seen.title, /^.+ in .+$/, `notification title: ${seen.title}`);
    await shoot("messenger-notification");

    // Clicking the toast opens the thread the message is in, with the message shown.
    const toast = await browser.$(`[data-testid="toast"][data-thread-id="${seen.threadId}"] button`);
    if (await toast.isExisting()) {
      await toast.click();
    } else {
      // The toast timed out already: the log's thread must still be in the list.
      await browser.$(`[data-testid="thread-row"][data-thread-id="${seen.threadId}"] button`).click();
    }
    await browser.waitUntil(
      async () =>
        browser.execute(
          (id, body) =>
            Array.from(document.querySelectorAll(`[data-testid="message"][data-message-id="${id}"] [data-testid="message-body"]`)).some(
              (b) => b.textContent === body,
            ),
          seen.messageId,
          seen.body,
        ),
      { timeout: 10_000, timeoutMsg: "the notified message is not in the opened thread" },
    );
    const selected = await browser.$('[data-testid="thread-row"][aria-selected="true"]');
    assert.equal(Number(await selected.getAttribute("data-thread-id")), seen.threadId);
  } finally {
    await shoot("messenger-notification-opened");
    await dismissToasts();
  }
});

test("a group message with a photo reaches every recipient, shown per recipient", async () => {
  const { browser } = app;
  const CAPTION = `Photos of the tow receipt ${Date.now()}`;
  try {
    await openThreadWith(["Dana Reyes", "Sam Okafor"]);
    const png = join(fixtures, "tow-receipt.png");
    writeFileSync(png, pngFixture());

    // The composer's file input takes a path, as the file chooser would hand it.
    const input = await browser.$('[data-testid="file-input"]');
    await input.addValue(png);
    await browser.$('[data-testid="attachment"]').waitForExist({ timeout: 5_000 });
    assert.match(await text(await browser.$('[data-testid="attachment"]')), /tow-receipt\.png/);

    const box = await browser.$('[data-testid="composer-input"]');
    await box.click();
    await box.setValue(CAPTION);
    await browser.keys("Enter");

    let detail = null;
    await browser.waitUntil(
      async () => {
        detail = await browser.execute((caption) => {
          for (const m of document.querySelectorAll('[data-testid="message"]')) {
            // The demo's compliance footer may follow the caption on a new line.
            if (!m.querySelector('[data-testid="message-body"]')?.textContent.startsWith(caption)) continue;
            const rows = Array.from(m.querySelectorAll('[data-testid="recipient"]')).map((li) => ({
              who: li.querySelector(".who")?.textContent ?? "",
              state: li.getAttribute("data-state"),
            }));
            const img = m.querySelector('[data-testid="message-image"]');
            return {
              state: m.getAttribute("data-state"),
              rows,
              image: Boolean(img && img.complete && img.naturalWidth > 0),
            };
          }
          return null;
        }, CAPTION);
        return detail?.state === "delivered" && detail.rows.every((r) => r.state === "delivered") && detail.image;
      },
      { timeout: 40_000, timeoutMsg: () => `the photo message never reached delivered: ${JSON.stringify(detail)}` },
    );
    // Dana, Sam, Rick's Towing and Chris: four recipients, each delivered by name.
    assert.equal(detail.rows.length, 4, JSON.stringify(detail.rows));
    for (const who of ["Dana Reyes", "Sam Okafor", "Rick's Towing", "Chris Reyes"]) {
      assert.ok(detail.rows.some((r) => r.who.includes(who)), `${who} missing from ${JSON.stringify(detail.rows)}`);
    }
    const summary = await browser.execute((caption) => {
      for (const m of document.querySelectorAll('[data-testid="message"]')) {
        if (m.querySelector('[data-testid="message-body"]')?.textContent.startsWith(caption)) {
          const d = m.querySelector('[data-testid="recipients"]');
          d.open = true;
          return d.querySelector("summary").textContent;
        }
      }
      return "";
    }, CAPTION);
    assert.equal(summary.trim(), "4 of 4 delivered");
  } finally {
    await shoot("messenger-photo-delivered");
  }
});

test("search finds a message and opens its thread at it", async () => {
  const { browser } = app;
  try {
    const search = await browser.$('[data-testid="search-input"]');
    await search.click();
    await search.setValue("insurance card");
    let hit;
    await browser.waitUntil(
      async () => {
        for (const h of await browser.$$('[data-testid="search-hit"]')) {
          if ((await text(h)).includes("insurance card")) {
            hit = h;
            return true;
          }
        }
        return false;
      },
      { timeout: 10_000, timeoutMsg: "the search found no message with 'insurance card'" },
    );
    await hit.click();
    await browser.$('[data-testid="conversation-title"]').waitForExist({ timeout: 10_000 });
    // The thread opens at the message: marked as the hit and scrolled into view.
    const found = await browser.waitUntil(
      async () =>
        browser.execute(() => {
          const m = document.querySelector('[data-testid="message"][data-highlighted="true"]');
          if (!m) return null;
          const list = document.querySelector('[data-testid="message-list"]').getBoundingClientRect();
          const r = m.getBoundingClientRect();
          return {
            body: m.querySelector('[data-testid="message-body"]')?.textContent ?? "",
            visible: r.bottom > list.top && r.top < list.bottom,
          };
        }),
      { timeout: 10_000, timeoutMsg: "no message highlighted after opening the hit" },
    );
    assert.match(found.body, /insurance card/);
    assert.ok(found.visible, "the hit is not scrolled into view");
    assert.match(await text(await browser.$('[data-testid="participants"]')), /Dana Reyes/);
  } finally {
    await shoot("messenger-search");
    const search = await browser.$('[data-testid="search-input"]');
    await search.clearValue();
    await browser.execute(() => {
      const s = document.querySelector('[data-testid="search-input"]');
      s.value = "";
      s.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
});

test("individual texts to three numbers make three threads", async () => {
  const { browser } = app;
  const NUMBERS = ["(202) 555-0171", "202.555.0182", "+1 202 555 0193"];
  const SHOWN = ["(202) 555-0171", "(202) 555-0182", "(202) 555-0193"];
  const TEXT = `Open house moved to 3pm ${Date.now()}`;
  try {
    await browser.$('[data-testid="thread-list"]').waitForExist({ timeout: 10_000 });
    await browser.$('[data-testid="new-conversation"]').click();
    await browser.$('[data-testid="new-conversation-dialog"]').waitForExist({ timeout: 5_000 });
    await (await browser.$('[data-testid="new-numbers"]')).setValue(NUMBERS.join(", "));
    await browser.$('input[type="radio"][value="individual"]').click();
    assert.match(await text(await browser.$('[data-testid="mode-explain"]')), /own copy/);
    await (await browser.$('[data-testid="new-text"]')).setValue(TEXT);
    await browser.$('[data-testid="new-send"]').click();
    await browser.$('[data-testid="new-conversation-dialog"]').waitForExist({ reverse: true, timeout: 10_000 });

    let rows = [];
    await browser.waitUntil(
      async () => {
        rows = await browser.execute(() =>
          Array.from(document.querySelectorAll('[data-testid="thread-row"]')).map((r) => ({
            kind: r.getAttribute("data-kind"),
            title: r.querySelector('[data-testid="thread-title"]')?.textContent ?? "",
            preview: r.querySelector('[data-testid="thread-preview"]')?.textContent ?? "",
          })),
        );
        return SHOWN.every((n) =>
          rows.some((r) => r.kind === "direct" && r.title === n && r.preview.includes(TEXT)),
        );
      },
      { timeout: 20_000, timeoutMsg: () => `three threads did not appear: ${JSON.stringify(rows)}` },
    );
    // Each number has its own thread: the only row naming all three is the broadcast's
    // record (what was sent to whom), marked as individual texts, never a group.
    const shared = rows.filter((r) => SHOWN.filter((n) => r.title.includes(n)).length > 1);
    assert.deepEqual(
      shared.map((r) => r.kind),
      ["broadcast"],
      `rows naming several of the numbers: ${JSON.stringify(shared)}`,
    );
    assert.equal(await browser.$('[data-testid="thread-row"][data-kind="broadcast"] [data-testid="broadcast-marker"]').isExisting(), true);
  } finally {
    await shoot("messenger-broadcast");
  }
});

test("settings: the first run explains the demo, a profile is saved and its connection tested", async () => {
  const { browser } = app;
  try {
    // No conversation open: the pane explains the demo provider (first run).
    await browser.execute(() => document.activeElement?.blur());
    await browser.$('[data-testid="open-settings"]').click();
    await browser.$('[data-testid="settings"]').waitForExist({ timeout: 5_000 });
    assert.match(await text(await browser.$('[data-testid="settings-active"]')), /demo provider/);
    // A profile whose endpoint nothing answers: saved (not made active), then tested.
    await (await browser.$('[data-testid="profile-name"]')).setValue("office");
    await (await browser.$('[data-testid="profile-endpoint"]')).setValue("http://127.0.0.1:9/mm7");
    await (await browser.$('[data-testid="profile-vasp"]')).setValue("key-123");
    await (await browser.$('[data-testid="profile-sender"]')).setValue("12025550100");
    await browser.execute(() => {
      const box = Array.from(document.querySelectorAll('[data-testid="profile-form"] input[type="checkbox"]'))[0];
      if (box.checked) box.click();
    });
    await browser.$('[data-testid="profile-save"]').click();
    await browser.$('[data-testid="settings-saved"]').waitForExist({ timeout: 10_000 });
    const row = await browser.$('[data-testid="profile-row"]');
    assert.match(await text(row), /office/);
    await row.$('[data-testid="test-connection"]').click();
    const result = await browser.$('[data-testid="connection-result"]');
    await result.waitForExist({ timeout: 20_000 });
    assert.equal(await result.getAttribute("data-kind"), "unreachable");
    assert.match(await text(result), /Cannot reach the endpoint/);
    // Still on the demo until a restart.
    assert.match(await text(await browser.$('[data-testid="settings-active"]')), /demo provider/);
  } finally {
    await shoot("messenger-settings");
  }
});
