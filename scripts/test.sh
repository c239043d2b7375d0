#!/usr/bin/env bash
# Every test ZabScope has, in order; stops at the first failing stage (non-zero exit).
#   1. native: the engine's tests (cargo test --release)
#   2. wasm:   tests/web.rs in headless Chromium (wasm-bindgen-test)
#   3. build:  trunk build --release (the page, with wasm-opt)
#   4. e2e:    tests/browser/e2e.test.mjs and a11y.test.mjs (axe-core, the keyboard) against
#              dist/ in Chromium (playwright-core)
# Then prints the gzip size of the page's wasm + js + css. Screenshots go to test-artifacts/.
#   scripts/test.sh              everything (what CI runs)
#   scripts/test.sh wasm e2e     only some stages: native, wasm, e2e (e2e includes the build)
set -euo pipefail
cd "$(dirname "$0")/.."

STAGES="${*:-native wasm e2e}"
for s in $STAGES; do
  case "$s" in native|wasm|e2e) ;; *) echo "unknown stage '$s' (stages: native wasm e2e)" >&2; exit 2;; esac
done
want() { [[ " $STAGES " == *" $1 "* ]]; }

stage() { printf '\n\033[1;34m==> [%s] %s\033[0m\n' "$1" "$2"; }
trap 'rc=$?; [ $rc -eq 0 ] || printf "\n\033[1;31mFAILED in stage: %s (exit %s)\033[0m\n" "${STAGE:-setup}" "$rc"' EXIT

STAGE=setup; stage "$STAGE" "tools (scripts/setup.sh browser)"
scripts/setup.sh browser

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"

if want native; then
  STAGE=native; stage "$STAGE" "cargo test --release"
  cargo test --release
fi

if want wasm; then
  STAGE=wasm; stage "$STAGE" "cargo test --target wasm32-unknown-unknown --test web (headless Chromium)"
  cargo test --target wasm32-unknown-unknown --test web
fi

if ! want e2e; then STAGE=done; printf '\n\033[1;32mstages passed: %s\033[0m\n' "$STAGES"; exit 0; fi

STAGE=build; stage "$STAGE" "trunk build --release"
trunk build --release

STAGE=e2e; stage "$STAGE" "node --test tests/browser/e2e.test.mjs tests/browser/a11y.test.mjs"
mkdir -p test-artifacts
# One file at a time: two Chromiums at once on two cores would skew the timed tests.
node --test --test-concurrency=1 tests/browser/e2e.test.mjs tests/browser/a11y.test.mjs

STAGE=size; stage "$STAGE" "gzip -9 size of dist/ (wasm + js + css)"
total=0
for f in dist/*.wasm dist/*.js dist/*.css; do
  [ -e "$f" ] || continue
  raw=$(wc -c <"$f"); gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
  printf '  %-48s %8d bytes  %7d gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf '  %-48s %8s        %7d gzip (%d KiB)\n' "total" "" "$total" $(((total + 1023) / 1024))

STAGE=done; printf '\n\033[1;32mstages passed: %s\033[0m\n' "$STAGES"
