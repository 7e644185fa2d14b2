// Compliance in the real app, on the demo provider: Tom Becker (a buyer in the listing
// group) texts "Stop." partway through the demo story. The app then shows his opted-out
// badge, the ledger entry in the Compliance view, exactly one confirmation sent to him alone
// in his direct thread, and a blocked send: his direct thread's composer refuses with the
// reason, and the group's composer says he will be skipped.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, screenshotDir, screenshotScreen, startApp } from "./harness.mjs";

const TOM = "+12025550166";
const CONFIRMATION = /You have been unsubscribed/;

let app;
// "Export CSV…" writes here: GROUPLINE_SAVE_AS_DIR stands in for the native save dialog.
const saveDir = mkdtempSync(join(tmpdir(), "groupline-e2e-save-as-"));
before(async () => {
  app = await startApp({ env: { GROUPLINE_SAVE_AS_DIR: saveDir } });
});
after(async () => {
  await app?.stop();
  rmSync(saveDir, { recursive: true, force: true });
});

/** Clicks the thread row whose title `match`es; answers false if there is none yet. */
async function openThread(browser, match) {
  return browser.execute((source) => {
    const re = new RegExp(source);
    for (const row of document.querySelectorAll('[data-testid="thread-row"]')) {
      const title = row.querySelector('[data-testid="thread-title"]')?.textContent.trim() ?? "";
      if (re.test(title)) {
        row.querySelector("button").click();
        return true;
      }
    }
    return false;
  }, match.source);
}

async function shot(name) {
  const dir = screenshotDir();
  await app.browser.pause(300);
  await app.browser.saveScreenshot(join(dir, `compliance-${name}.png`));
  screenshotScreen(app.display, join(dir, `compliance-${name}-screen.png`));
}

test("Tom texts Stop.: badge, ledger entry, one confirmation, blocked send", async () => {
  const { browser } = app;
  const byTestId = (id) => browser.$(`[data-testid="${id}"]`);
  const text = async (id) => (await (await byTestId(id)).getProperty("textContent")).trim();

  await (await byTestId("demo-badge")).waitForExist({ timeout: 30_000 });

  // The badge: the listing group's row is marked once Tom's "Stop." is in.
  await browser.waitUntil(
    async () =>
      browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid="thread-row"]')).some(
          (row) =>
            /Tom Becker/.test(row.querySelector('[data-testid="thread-title"]')?.textContent ?? "") &&
            /Priya/.test(row.querySelector('[data-testid="thread-title"]')?.textContent ?? "") &&
            row.querySelector('[data-testid="opted-out"]') !== null,
        ),
      ),
    { timeout: 45_000, timeoutMsg: "the listing group never showed Tom's opted-out badge" },
  );

  try {
    // The group: Tom's badge in the header, and the composer says he will be skipped
    // (and offers a conversation without him) before anything is sent.
    assert.ok(await openThread(browser, /Tom Becker.*Priya|Priya.*Tom Becker/), "the listing group is listed");
    await (await byTestId("participant-opted-out")).waitForExist({ timeout: 10_000 });
    assert.match(await text("participants"), /Tom Becker[^]*Opted out/);
    const skipped = await byTestId("preflight-skipped");
    await skipped.waitForExist({ timeout: 10_000, timeoutMsg: "the group's composer never said who is skipped" });
    assert.match(await text("preflight-skipped"), /Tom Becker has opted out \(texted STOP\) and will be skipped/);
    assert.ok(await (await byTestId("start-without")).isExisting(), "a conversation without Tom is offered");
    // Only Priya is left besides Tom: what starts is a one-to-one conversation, and says so.
    assert.equal(await text("start-without"), "Start a new conversation with Priya Natarajan");
    assert.equal(await (await byTestId("preflight-blocked")).isExisting(), false, "the group can still be texted");
    await shot("group");

    // A group without Tom: a linked successor thread with the others opens, and its
    // composer has nobody to skip.
    await (await byTestId("start-without")).click();
    await browser.waitUntil(async () => (await text("conversation-title")) === "Priya Natarajan", {
      timeout: 10_000,
      timeoutMsg: "the conversation without Tom never opened",
    });
    assert.doesNotMatch(await text("participants"), /Tom Becker/);
    await browser.pause(500);
    assert.equal(await (await byTestId("preflight-skipped")).isExisting(), false, "nobody is skipped any more");

    // Tom's direct thread: exactly one outgoing message, the confirmation, sent to him alone.
    await browser.waitUntil(async () => openThread(browser, /^Tom Becker$/), {
      timeout: 20_000,
      timeoutMsg: "Tom's direct thread (where the confirmation goes) never appeared",
    });
    await browser.waitUntil(
      async () =>
        browser.execute(
          () =>
            Array.from(document.querySelectorAll('[data-testid="message"].out')).filter((m) =>
              /You have been unsubscribed/.test(m.querySelector('[data-testid="message-body"]')?.textContent ?? ""),
            ).length,
        ).then((n) => n >= 1),
      { timeout: 20_000, timeoutMsg: "the confirmation never showed in Tom's direct thread" },
    );
    // Give a second confirmation, if there were one, time to arrive before counting.
    await browser.pause(1500);
    const outgoing = await browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid="message"].out')).map(
        (m) => m.querySelector('[data-testid="message-body"]')?.textContent ?? "",
      ),
    );
    assert.equal(outgoing.length, 1, `one message to Tom, the confirmation: ${JSON.stringify(outgoing)}`);
    assert.match(outgoing[0], CONFIRMATION);
    assert.match(await text("conversation-title"), /^Tom Becker$/);

    // A blocked send: the reason is shown and Send stays disabled with text typed.
    await (await byTestId("preflight-blocked")).waitForExist({
      timeout: 10_000,
      timeoutMsg: "Tom's composer never said why it cannot send",
    });
    assert.match(await text("preflight-blocked"), /opted out/i);
    const input = await byTestId("composer-input");
    await input.click();
    await input.setValue("Are you still interested in 14 Elm St?");
    const send = await byTestId("composer-send");
    assert.equal(await send.isEnabled(), false, "Send is disabled for someone who opted out");
    await browser.keys("Enter");
    await browser.pause(500);
    const after = await browser.execute(
      () => document.querySelectorAll('[data-testid="message"].out').length,
    );
    assert.equal(after, 1, "Enter sent nothing either");
    await shot("direct-blocked");

    // The ledger: Tom's opt-out with his message as evidence, and the confirmation.
    await (await byTestId("open-compliance")).click();
    await (await byTestId("compliance-view")).waitForExist({ timeout: 10_000 });
    const filter = await byTestId("filter-text");
    await filter.setValue("Becker");
    await browser.waitUntil(
      async () =>
        browser.execute(
          (tom) => {
            const rows = Array.from(document.querySelectorAll('[data-testid="ledger-row"]'));
            return (
              rows.length > 0 &&
              rows.every((r) => r.getAttribute("data-number") === tom) &&
              rows.some(
                (r) =>
                  r.getAttribute("data-kind") === "opt_out" &&
                  /Stop\./.test(r.querySelector('[data-testid="ledger-evidence"]')?.textContent ?? ""),
              ) &&
              rows.filter((r) => r.getAttribute("data-kind") === "confirmation_sent").length === 1
            );
          },
          TOM,
        ),
      { timeout: 15_000, timeoutMsg: "the ledger never showed Tom's opt-out and its one confirmation" },
    );
    await shot("ledger");

    // Only opt-outs: Tom's is there, and no opt-in or confirmation rows.
    await filter.clearValue();
    await (await byTestId("filter-kind")).selectByAttribute("value", "opt_out");
    await browser.waitUntil(
      async () =>
        browser.execute((tom) => {
          const rows = Array.from(document.querySelectorAll('[data-testid="ledger-row"]'));
          return (
            rows.length >= 1 &&
            rows.every((r) => r.getAttribute("data-kind") === "opt_out") &&
            rows.some((r) => r.getAttribute("data-number") === tom)
          );
        }, TOM),
      { timeout: 10_000, timeoutMsg: "the kind filter did not narrow the ledger to opt-outs" },
    );

    // The contact list badges Tom, and his contact page shows his consent history.
    await (await byTestId("open-contacts")).click();
    await (await byTestId("contacts-dialog")).waitForExist({ timeout: 10_000 });
    await browser.waitUntil(
      async () =>
        browser.execute(() => {
          for (const row of document.querySelectorAll('[data-testid="contact-row"]')) {
            if (/Tom Becker/.test(row.textContent) && row.querySelector('[data-testid="consent-badge"]')) {
              row.click();
              return true;
            }
          }
          return false;
        }),
      { timeout: 10_000, timeoutMsg: "Tom's contact row never carried the opted-out badge" },
    );
    await browser.waitUntil(
      async () =>
        browser.execute(() =>
          Array.from(document.querySelectorAll('[data-testid="consent-history-event"]')).some(
            (e) => e.getAttribute("data-kind") === "opt_out" && /Stop\./.test(e.textContent),
          ),
        ),
      { timeout: 10_000, timeoutMsg: "Tom's contact page never showed his opt-out" },
    );
    await shot("contact");
    await browser.keys("Escape");

    // "Export CSV…" writes the ledger where the user chose, named for the time, and says
    // where; the file is what the CLI exports of the same ledger.
    await (await byTestId("export-csv")).click();
    await (await byTestId("compliance-notice")).waitForExist({ timeout: 10_000 });
    const notice = await text("compliance-notice");
    const saved = notice.match(/^Saved (\d+) entries to (.*)$/);
    assert.ok(saved, notice);
    const [, count, path] = saved;
    assert.match(path, new RegExp(`^${saveDir}/consent-ledger-\\d{8}T[^/]*\\.csv$`));
    const csv = readFileSync(path, "utf8");
    const cliCopy = join(saveDir, "cli.csv");
    execFileSync(CLI, ["consent", "export", cliCopy, "--data-dir", app.dataDir], { stdio: "ignore" });
    assert.equal(csv, readFileSync(cliCopy, "utf8"), "the saved ledger is the whole ledger");
    assert.ok(Number(count) >= 2, `the opt-out and its confirmation at least: ${notice}`);
    assert.ok(csv.includes(TOM), "Tom's opt-out is in the export");
  } finally {
    await shot("final");
  }
});
