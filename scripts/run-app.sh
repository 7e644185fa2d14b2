#!/usr/bin/env bash
# Launches the built desktop app. On a machine with no display (a server, a container) it
# starts a virtual one with Xvfb first and says so, so the command still works there.
set -euo pipefail
app="$1"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  export DISPLAY=":$n"
  echo "run: no display found; the window is on the virtual display $DISPLAY (e.g. import -display $DISPLAY -window root shot.png)"
fi
exec "$app"
