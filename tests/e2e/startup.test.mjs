// The real app starts on a fresh store and shows what its backend reports.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliStatus, screenshotDir, screenshotScreen, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.stop();
});

test("the window opens on the app frame and the status bar shows the backend's status", async () => {
  const { browser, dataDir, display } = app;

  // The unread count joins the title as the demo's messages arrive.
  assert.match(await browser.getTitle(), /^(\(\d+\) )?Groupline$/);

  const schema = await browser.$('[data-testid="status-schema"]');
  await schema.waitForExist({ timeout: 20_000 });

  // Keep pictures of the page and of the whole screen first, so a failure below has them.
  // WebKit needs a moment to paint after the status arrives.
  await browser.pause(500);
  const dir = screenshotDir();
  await browser.saveScreenshot(join(dir, "startup.png"));
  screenshotScreen(display, join(dir, "startup-screen.png"));

  // What the running app's backend answers over IPC...
  const reported = await browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__
      .invoke("app_status")
      .then((s) => done({ ok: s }), (e) => done({ err: String(e?.message ?? e) }));
  });
  assert.ok(reported.ok, `app_status failed: ${reported.err}`);

  // ...is what the status bar shows...
  // textContent, not getText(): WebKitWebDriver reports an overflow-clipped element's
  // visible text as empty even when it is on screen.
  const text = async (id) =>
    (await browser.$(`[data-testid="${id}"]`).getProperty("textContent")).trim();
  const version = await text("status-version");
  const dataDirText = await text("status-data-dir");
  const schemaText = await text("status-schema");
  assert.equal(version, `Groupline ${reported.ok.version}`);
  assert.equal(schemaText, `Schema v${reported.ok.schema_version}`);
  assert.equal(dataDirText, `Data: ${reported.ok.data_dir}`);

  // ...and agrees with the engine run separately on the same data directory.
  assert.equal(reported.ok.data_dir, dataDir);
  const engine = cliStatus(dataDir);
  assert.equal(reported.ok.version, engine.version);
  assert.equal(reported.ok.schema_version, engine.schema_version);
  assert.ok(reported.ok.schema_version >= 1);

  // No conversation is open yet. On the demo the first run explains it first, once.
  const firstRun = await browser.$('[data-testid="first-run"]');
  await firstRun.waitForExist({ timeout: 10_000 });
  assert.match(await firstRun.getText(), /demo provider/);
  await browser.$('[data-testid="first-run-dismiss"]').click();
  assert.match(
    await browser.$('[data-testid="conversation-empty"]').getText(),
    /No conversation selected/,
  );

});
