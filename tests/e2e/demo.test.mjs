// On first launch the app runs the embedded demo provider: its group thread appears with
// the cast's names, opens with messages and an image thumbnail, and a reply typed in the
// composer goes out over real MM7 to the simulator and reaches a sent or delivered state.
// "Save as…" of a photo and of a file card writes the stored bytes where the user chose
// (GROUPLINE_SAVE_AS_DIR stands in for the native dialog, which a test cannot click).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { screenshotDir, screenshotScreen, startApp, storedMedia } from "./harness.mjs";

let app;
const saveDir = mkdtempSync(join(tmpdir(), "groupline-e2e-save-as-"));
before(async () => {
  app = await startApp({ env: { GROUPLINE_SAVE_AS_DIR: saveDir } });
});
after(async () => {
  await app?.stop();
  rmSync(saveDir, { recursive: true, force: true });
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

/** The saved file's bytes, checked to be exactly a stored media file's (content-addressed). */
function savedCopyOfStored(dataDir, path) {
  const bytes = readFileSync(path);
  const sha = createHash("sha256").update(bytes).digest("hex");
  const stored = storedMedia(dataDir, sha);
  assert.ok(stored, `${path} is not a byte-for-byte copy of any stored media file`);
  assert.deepEqual(bytes, readFileSync(stored));
  return { bytes, sha };
}

test("Save as… writes a photo and a file card's file where the user chose", async () => {
  const { browser, dataDir } = app;
  const text = async (el) => (await el.getProperty("textContent")).trim();

  // The claim thread is open (the test above); its first photo, full size.
  await browser.execute(() => document.querySelector('[data-testid="message-image"]').closest("button").click());
  const image = await browser.$('[data-testid="lightbox-image"]');
  await image.waitForExist({ timeout: 10_000 });
  const sha = (await image.getAttribute("src")).split("/").pop();
  const name = await image.getAttribute("alt");
  const save = await browser.$('[data-testid="lightbox-save"]');
  assert.equal(await text(save), "Save as…");
  await save.click();
  const note = await browser.$('[data-testid="lightbox-note"]');
  await note.waitForExist({ timeout: 10_000, timeoutMsg: "the lightbox never said where it saved" });
  assert.equal(await text(note), `Saved to ${join(saveDir, name)}`);
  assert.equal(savedCopyOfStored(dataDir, join(saveDir, name)).sha, sha, "the photo shown is the one saved");
  await browser.keys("Escape");

  // The tow service's card: a file card (scrolled to, the list renders only what is near).
  const card = "Ricks Towing.vcf";
  await browser.waitUntil(
    async () =>
      browser.execute((card) => {
        for (const c of document.querySelectorAll('[data-testid="file-card"]')) {
          if (c.textContent.includes(card)) {
            c.querySelector('[data-testid="file-save"]').click();
            return true;
          }
        }
        document.querySelector('[data-testid="message-list"]').scrollBy(0, -300);
        return false;
      }, card),
    { timeout: 30_000, timeoutMsg: `no file card for ${card}` },
  );
  const cardNote = await browser.$('[data-testid="file-save-note"]');
  await cardNote.waitForExist({ timeout: 10_000, timeoutMsg: "the file card never said where it saved" });
  assert.equal(await text(cardNote), `Saved to ${join(saveDir, card)}`);
  const { bytes } = savedCopyOfStored(dataDir, join(saveDir, card));
  assert.match(bytes.toString("utf8"), /^BEGIN:VCARD\r\n/);
  await browser.saveScreenshot(join(screenshotDir(), "demo-save-as.png"));
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
