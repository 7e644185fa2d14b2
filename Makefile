# Groupline's two entry points: `make run` (set up, build, open the app) and `make test`
# (set up, then every check CI runs). Everything else here is a step of those two.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# Build output lives outside the clone so repeated runs (and CI on the same machine) are
# incremental; a machine without it simply builds from scratch.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/groupline/target
export PATH := $(HOME)/.cache/groupline/tools/bin:$(PATH)

# One feature set for every build of the workspace (clippy, tests, the app), so cargo
# compiles Tauri once and the app embeds the built UI (Tauri's custom-protocol feature).
CARGO_SCOPE := --workspace --all-features
APP := $(CARGO_TARGET_DIR)/debug/groupline-desktop

.PHONY: run test setup setup-test ui app fmt-check clippy rust-tests ui-check ui-tests e2e bindings bench

run: setup app
	scripts/run-app.sh $(APP)

test: setup-test fmt-check ui clippy rust-tests ui-check ui-tests e2e
	@echo "make test: every check passed"

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

ui:
	npm run build --workspace ui

# --tests as well: dev-dependencies change which features of shared crates get unified, so a
# bins-only build would compile Tauri and WebKit's bindings a second time (7 min cold).
app: ui
	cargo build $(CARGO_SCOPE) --bins --tests

fmt-check:
	cargo fmt --all --check

clippy: ui
	cargo clippy $(CARGO_SCOPE) --all-targets -- -D warnings

# Panics print their message and location without a backtrace, so a failure's cause stays
# in the part of the log CI shows; rerun one test with RUST_BACKTRACE=1 to get the frames.
rust-tests: export RUST_BACKTRACE := 0
rust-tests: ui
	cargo nextest run $(CARGO_SCOPE) --no-fail-fast
	cargo test $(CARGO_SCOPE) --doc

ui-check:
	npm run check --workspace ui

ui-tests:
	npm run test --workspace ui

e2e: app
	npm test --workspace tests/e2e

# Regenerates ui/src/lib/bindings.ts from the Rust IPC surface (src-tauri/src/ipc.rs).
bindings:
	UPDATE_BINDINGS=1 cargo test -p groupline-desktop --all-features --test bindings
