#!/usr/bin/env bash
# Installs whatever this machine lacks to build Groupline (and, with --test, to test it):
# Debian/Ubuntu system packages, the npm packages, and tauri-driver for the end-to-end test.
# Idempotent and quick when everything is present. Without root or passwordless sudo it
# prints the exact apt line to run and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
[ "${1:-}" = "--test" ] && mode=test

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# --- system packages (shared/SETUP.md) -------------------------------------------------
packages=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
          libsoup-3.0-dev build-essential pkg-config libssl-dev file)
if [ "$mode" = test ]; then
  packages+=(xvfb xauth webkit2gtk-driver imagemagick dbus-daemon) # dbus-daemon: the desktop-notification test runs its own bus
elif [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  packages+=(xvfb xauth) # no display: `make run` shows the window on a virtual one
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get; install their equivalents for your distribution"
  line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"
  else die "these system packages are missing; run this as root, then try again:
  sudo sh -c '$line'"
  fi
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- toolchains --------------------------------------------------------------------------
command -v cargo >/dev/null || die "Rust is missing: install it with rustup (https://rustup.rs), then try again"
command -v node >/dev/null || die "Node.js 20.19 or newer is missing: install it, then try again"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old: Groupline's UI needs 20.19 or newer"

# --- npm packages ------------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- test tools --------------------------------------------------------------------------
if [ "$mode" = test ]; then
  tools="${GROUPLINE_TOOLS:-$HOME/.cache/groupline/tools}"
  if ! command -v tauri-driver >/dev/null && [ ! -x "$tools/bin/tauri-driver" ]; then
    say "cargo install tauri-driver (once, ~1 min)"
    cargo install tauri-driver --locked --quiet --root "$tools"
  fi
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "cargo install cargo-nextest (once, a few minutes)"
    cargo install cargo-nextest --locked --quiet
  fi
fi
exit 0
