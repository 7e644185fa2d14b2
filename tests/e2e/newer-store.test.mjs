// A database written by a newer Groupline is refused, and the window says so instead of
// crashing or touching the data.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { screenshotDir, startApp } from "./harness.mjs";

const FUTURE_VERSION = 999;

function sqlite(dbPath, statement) {
  return execFileSync(
    "python3",
    ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit(); print(r)", dbPath, statement],
    { encoding: "utf8" },
  ).trim();
}

let app;
let db;
before(async () => {
  app = await startApp({
    prepare: (dataDir) => {
      db = join(dataDir, "groupline.sqlite3");
      sqlite(db, `PRAGMA user_version = ${FUTURE_VERSION}`);
    },
  });
});
after(async () => {
  await app?.stop();
});

test("a store from a newer Groupline shows an upgrade message and stays untouched", async () => {
  const { browser } = app;
  const alert = await browser.$('[data-testid="status-error"]');
  await alert.waitForExist({ timeout: 20_000 });
  const message = (await alert.getProperty("textContent")).trim();
  assert.match(message, /newer than this Groupline supports/);
  assert.match(message, /upgrade Groupline/);

  // Both panes still render; the list says why it is empty.
  const listError = await browser.$('[data-testid="list-error"]');
  await listError.waitForExist({ timeout: 10_000 });
  assert.match((await listError.getProperty("textContent")).trim(), /newer than this Groupline/);
  assert.ok(await browser.$('[data-testid="conversation-empty"]').isExisting());
  await browser.saveScreenshot(join(screenshotDir(), "newer-store.png"));

  assert.equal(sqlite(db, "PRAGMA user_version"), `[(${FUTURE_VERSION},)]`);
  assert.equal(sqlite(db, "SELECT count(*) FROM sqlite_schema"), "[(0,)]");
});
