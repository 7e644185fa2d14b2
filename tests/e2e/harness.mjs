// Starts what an end-to-end test needs around the real app: a display (Xvfb unless one is
// given), tauri-driver on free ports, a fresh data directory, and a WebdriverIO session whose
// keep-alive connection avoids the "connection reset" flakes seen with one-shot clients.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { deflateSync } from "node:zlib";
import { remote } from "webdriverio";

const REPO = resolve(import.meta.dirname, "../..");
export const TARGET_DIR = process.env.CARGO_TARGET_DIR ?? join(REPO, "target");

function required(name, path) {
  if (!existsSync(path)) throw new Error(`${name} not found at ${path}; run \`make test\``);
  return path;
}

export const APP = required(
  "the desktop app",
  process.env.GROUPLINE_APP ?? join(TARGET_DIR, "debug", "groupline-desktop"),
);
export const CLI = required(
  "the groupline CLI",
  process.env.GROUPLINE_CLI ?? join(TARGET_DIR, "debug", "groupline"),
);
const TAURI_DRIVER = process.env.TAURI_DRIVER ?? "tauri-driver";

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function freeDisplay() {
  for (let n = 99; n < 199; n++) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error("no free X display number between :99 and :198");
}

async function waitFor(what, check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function portOpen(port) {
  return new Promise((ok) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      ok(true);
    });
    socket.once("error", () => ok(false));
  });
}

/**
 * Starts everything; returns { browser, dataDir, display, stop }. `prepare(dataDir)` runs
 * before the app starts, to give it a data directory in some state; `env` adds to (and
 * wins over) the app's environment, e.g. a slower demo.
 */
export async function startApp({ prepare, env: extraEnv = {}, dataDir: given } = {}) {
  const children = [];
  // `dataDir`: an existing data directory (a benchmark's store), kept at the end.
  const dataDir = given ?? mkdtempSync(join(tmpdir(), "groupline-e2e-"));
  // The tests run at any hour; quiet hours (on by default) would hold a reply sent at
  // night until morning. An explicit data dir keeps its configuration in it.
  if (!existsSync(join(dataDir, "config.toml"))) {
    writeFileSync(join(dataDir, "config.toml"), "quiet_hours = false\n");
  }
  prepare?.(dataDir);
  // The webview keeps its storage (preferences such as "the first-run panel was seen")
  // per user, not per data directory: each run gets a user of its own, as on a new
  // machine, so no test sees what an earlier one clicked.
  const profile = mkdtempSync(join(tmpdir(), "groupline-e2e-profile-"));
  // The demo provider plays its story ten times faster and reports delivery in half a
  // second, so a test sees the whole demo in a few seconds.
  const env = {
    GROUPLINE_DEMO_TIME_SCALE: "0.1",
    GROUPLINE_DEMO_DLR_DELAY_MS: "500",
    // No keyring daemon under Xvfb: say so instead of probing for one.
    GROUPLINE_SECRETS: "file",
    ...process.env,
    XDG_DATA_HOME: join(profile, "data"),
    XDG_CACHE_HOME: join(profile, "cache"),
    XDG_CONFIG_HOME: join(profile, "config"),
    GROUPLINE_DATA_DIR: dataDir,
    RUST_LOG: "info",
    ...extraEnv,
  };

  let display = process.env.E2E_DISPLAY;
  if (!display) {
    const n = freeDisplay();
    display = `:${n}`;
    const xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], {
      stdio: "ignore",
    });
    children.push(xvfb);
    await waitFor("Xvfb", () => existsSync(`/tmp/.X11-unix/X${n}`), 10_000);
  }
  env.DISPLAY = display;

  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(TAURI_DRIVER, ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(driver);
  // tauri-driver listens at once but proxies to WebKitWebDriver, which it starts itself.
  await waitFor("tauri-driver", () => portOpen(port), 15_000);
  await waitFor("WebKitWebDriver", () => portOpen(nativePort), 15_000);

  // When the app was asked to start (a benchmark's cold start counts from here).
  const launchedAt = Date.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    connectionRetryCount: 2,
    capabilities: { "tauri:options": { application: APP } },
  });

  async function stop() {
    try {
      await browser.deleteSession();
    } catch {
      // The app may already be gone; the processes below are stopped either way.
    }
    for (const child of children.reverse()) child.kill("SIGTERM");
    // WebKit's processes may still be writing their caches as they exit (ENOTEMPTY, seen
    // for over a second): removal retries, and a leftover temporary directory is only
    // reported, never a failure of the test that just passed.
    const gone = { recursive: true, force: true, maxRetries: 20, retryDelay: 100 };
    for (const dir of given ? [profile] : [dataDir, profile]) {
      try {
        rmSync(dir, gone);
      } catch (e) {
        console.warn(`left ${dir} behind: ${e.message}`);
      }
    }
  }

  return { browser, dataDir, display, stop, launchedAt };
}

/** Waits until `check()` answers true (polling every 100 ms); throws after `timeoutMs`. */
export { waitFor };

/** A small valid PNG (a colour gradient), made here so no binary fixture is checked in. */
export function pngFixture(width = 64, height = 48) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = (y * 255) / height;
      row[3 + x * 3] = 160;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** What the engine reports for a data directory, through the CLI (a separate process). */
export function cliStatus(dataDir) {
  const out = execFileSync(CLI, ["status", "--data-dir", dataDir], { encoding: "utf8" });
  return JSON.parse(out);
}

/** The stored media file named `sha256` somewhere under a data directory, or null. */
export function storedMedia(dataDir, sha256) {
  const found = readdirSync(dataDir, { recursive: true, withFileTypes: true }).find(
    (e) => e.isFile() && e.name === sha256,
  );
  return found ? join(found.parentPath, found.name) : null;
}

/** Where screenshots go: beside the build, not in the source tree. */
export function screenshotDir() {
  const dir = join(TARGET_DIR, "e2e");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A picture of the whole virtual screen (the native window, not just the page). */
export function screenshotScreen(display, file) {
  try {
    execFileSync("import", ["-display", display, "-window", "root", file], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
