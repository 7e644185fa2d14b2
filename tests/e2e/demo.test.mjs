// On first launch the app runs the embedded demo provider: its group thread appears with
// the cast's names, opens with messages and an image thumbnail, and a reply typed in the
// composer goes out over real MM7 to the simulator and reaches a sent or delivered state.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { screenshotDir, screenshotScreen, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.stop();
});

const REPLY = "Thanks all, the tow is booked <b>not bold</b>";

test("the demo's claim thread opens with its photos and a reply is delivered", async () => {
  const { browser, display } = app;
  const dir = screenshotDir();
  const text = async (el) => (await el.getProperty("textContent")).trim();

  try {
    await browser.$('[data-testid="demo-badge"]').waitForExist({ timeout: 30_000 });

    // The claim group: Dana (the driver), Sam (the adjuster), the tow service and family.
    let claim;
    await browser.waitUntil(
      async () => {
        for (const row of await browser.$$('[data-testid="thread-row"]')) {
          const title = await text(await row.$('[data-testid="thread-title"]'));
          if (title.includes("Dana Reyes") && title.includes("Sam Okafor")) {
            claim = row;
            return true;
          }
        }
        return false;
      },
      { timeout: 30_000, timeoutMsg: "the demo's claim thread never appeared" },
    );
    // Unread demo messages are counted in the window title until the thread is read.
    assert.match(await browser.getTitle(), /^\(\d+\) Groupline$/);
    await claim.$("button").click();

    await browser.$('[data-testid="conversation-title"]').waitForExist({ timeout: 10_000 });
    const people = await text(await browser.$('[data-testid="participants"]'));
    assert.match(people, /Dana Reyes/);
    assert.match(people, /Rick's Towing/);

    // The first photo arrives early in the story; wait until it has decoded through the
    // media protocol (naturalWidth > 0 means the glmedia: URL answered an image).
    await browser.waitUntil(
      async () =>
        browser.execute(() =>
          Array.from(document.querySelectorAll('[data-testid="message-image"]')).some(
            (img) => img.complete && img.naturalWidth > 0,
          ),
        ),
      { timeout: 30_000, timeoutMsg: "no image thumbnail loaded" },
    );
    // The story goes on arriving (live, from engine events) while the thread is open.
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid="message-body"]')).length >= 2,
      { timeout: 30_000, timeoutMsg: "the claim thread never showed a second message" },
    );

    // Reply from the composer: Enter sends.
    const input = await browser.$('[data-testid="composer-input"]');
    await input.click();
    await input.setValue(REPLY);
    await browser.keys("Enter");

    let state = "";
    await browser.waitUntil(
      async () => {
        const found = await browser.execute((reply) => {
          for (const m of document.querySelectorAll('[data-testid="message"]')) {
            const body = m.querySelector('[data-testid="message-body"]');
            // The first message to each person carries the opt-out footer on a new line.
            if (body && body.textContent.startsWith(reply)) {
              return { state: m.getAttribute("data-state"), html: body.innerHTML };
            }
          }
          return null;
        }, REPLY);
        if (!found) return false;
        // Text, not markup: the angle brackets are escaped in the DOM.
        assert.ok(!found.html.includes("<b>"), `the reply was rendered as HTML: ${found.html}`);
        state = found.state;
        return state === "delivered";
      },
      { timeout: 30_000, timeoutMsg: "the reply never reached delivered" },
    );
    assert.equal(await input.getValue(), "", "the composer clears after sending");
  } finally {
    await browser.pause(400);
    await browser.saveScreenshot(join(dir, "demo-thread.png"));
    screenshotScreen(display, join(dir, "demo-thread-screen.png"));
  }
});

test("the listing group marks the buyer who texted Stop as opted out", async () => {
  const { browser } = app;
  await browser.waitUntil(
    async () =>
      browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid="thread-row"]')).some(
          (row) =>
            row.querySelector('[data-testid="thread-title"]')?.textContent.includes("Tom Becker") &&
            row.querySelector('[data-testid="opted-out"]') !== null,
        ),
      ),
    { timeout: 30_000, timeoutMsg: "the listing group never showed an opted-out marker" },
  );
  await browser.saveScreenshot(join(screenshotDir(), "demo-opted-out.png"));
});
