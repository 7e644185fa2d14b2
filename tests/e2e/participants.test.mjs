// Changing a group's people and the composer's size meter, through the real app on the demo.
//
// MMS groups cannot change members: removing someone from the demo's claim group starts a
// new group linked to it, which opens, says which conversation it continues, and links back.
// Attaching a photo shows how big the message will be against the carriers' limit.
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
  app = await startApp();
});
after(async () => {
  await app?.stop();
  if (fixtures) rmSync(fixtures, { recursive: true, force: true });
});

const byTestId = (id) => app.browser.$(`[data-testid="${id}"]`);
const text = async (id) => (await (await byTestId(id)).getProperty("textContent")).trim();

async function shoot(name) {
  const dir = screenshotDir();
  await app.browser.pause(300);
  await app.browser.saveScreenshot(join(dir, `${name}.png`));
  screenshotScreen(app.display, join(dir, `${name}-screen.png`));
}

/** Clicks the list row whose title contains every one of `names` and none of `without`. */
async function openThreadWith(names, without = [], timeout = 30_000) {
  const { browser } = app;
  let id = null;
  await browser.waitUntil(
    async () => {
      id = await browser.execute(
        (names, without) => {
          for (const row of document.querySelectorAll('[data-testid="thread-row"]')) {
            const title = row.querySelector('[data-testid="thread-title"]')?.textContent ?? "";
            if (names.every((n) => title.includes(n)) && !without.some((n) => title.includes(n))) {
              row.querySelector("button").click();
              return Number(row.getAttribute("data-thread-id"));
            }
          }
          return null;
        },
        names,
        without,
      );
      return id !== null;
    },
    { timeout, timeoutMsg: `no thread with ${names.join(", ")}` },
  );
  await (await byTestId("conversation-title")).waitForExist({ timeout: 10_000 });
  return id;
}

test("removing someone from the claim group starts a linked group without them", async () => {
  const { browser } = app;
  try {
    const old = await openThreadWith(["Dana Reyes", "Sam Okafor", "Chris Reyes"]);
    const oldTitle = await text("conversation-title");
    await (await byTestId("edit-participants-open")).click();
    await (await byTestId("edit-participants")).waitForExist({ timeout: 5_000 });
    assert.match(await text("edit-participants-explain"), /MMS groups can't change members/);
    await (await browser.$('[data-testid="remove-person"][aria-label="Remove Chris Reyes"]')).click();
    await shoot("participants-dialog");
    await (await byTestId("edit-participants-start")).click();
    await (await byTestId("edit-participants")).waitForExist({ reverse: true, timeout: 10_000 });

    // The new group opens: Chris is not in it, and it says what it continues.
    await browser.waitUntil(
      async () => {
        const selected = await browser.$('[data-testid="thread-row"][aria-selected="true"]');
        return (await selected.isExisting()) && Number(await selected.getAttribute("data-thread-id")) !== old;
      },
      { timeout: 10_000, timeoutMsg: "the new group never opened" },
    );
    const people = await text("participants");
    assert.match(people, /Dana Reyes/);
    assert.match(people, /Sam Okafor/);
    assert.doesNotMatch(people, /Chris Reyes/);
    const link = await byTestId("predecessor-link");
    await link.waitForExist({ timeout: 10_000 });
    assert.equal(await text("predecessor-link"), `Continues ${oldTitle}`);
    await shoot("participants-successor");

    // The link goes back to the old group, which still has Chris.
    await link.click();
    await browser.waitUntil(
      async () =>
        Number(await (await browser.$('[data-testid="thread-row"][aria-selected="true"]')).getAttribute("data-thread-id")) ===
        old,
      { timeout: 10_000, timeoutMsg: "the link did not open the old group" },
    );
    assert.match(await text("participants"), /Chris Reyes/);
  } finally {
    await shoot("participants-end");
  }
});

test("attaching a photo shows the message's size against the carriers' limit", async () => {
  const { browser } = app;
  try {
    await openThreadWith(["Dana Reyes", "Sam Okafor", "Chris Reyes"]);
    const png = join(fixtures, "bumper.png");
    writeFileSync(png, pngFixture(640, 480));
    await (await byTestId("file-input")).addValue(png);
    const total = await byTestId("size-meter-total");
    await total.waitForExist({ timeout: 10_000, timeoutMsg: "the size meter never showed" });
    assert.match(await text("size-meter-total"), /^\d+(\.\d+)? (B|KB|MB) of \d+(\.\d+)? MB$/);
    assert.match(await text("size-meter-part"), /bumper\.png/);
    await shoot("participants-size-meter");
    // Removing the file hides the meter.
    await (await browser.$('button[aria-label="Remove bumper.png"]')).click();
    await (await byTestId("size-meter")).waitForExist({ reverse: true, timeout: 5_000 });
  } finally {
    await shoot("participants-size-meter-end");
  }
});
