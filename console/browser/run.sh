#!/usr/bin/env bash
# The console's browser tests as CI runs them: Debian's Chromium (installed
# with apt when missing; Playwright never downloads a browser), the locked
# npm packages, the type check and formatting of the tests, then the
# Playwright suite against a fresh server built from this checkout. The
# screenshots go to a temporary folder (PATS_SCREENSHOT_DIR to keep them
# elsewhere), so the committed docs/screenshots stay as they are. Exits
# non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PATH="$PATH:/usr/local/go/bin"
chromium=${PATS_CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
  echo "installing Debian's chromium"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # The fonts keep the screenshots' text the same from machine to machine.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-liberation fonts-dejavu-core
fi
"$chromium" --version 2>/dev/null | grep -i chromium || true

npm ci --no-audit --no-fund
npm run typecheck
npm run format:check

if [ -z "${PATS_SCREENSHOT_DIR:-}" ]; then
  PATS_SCREENSHOT_DIR=$(mktemp -d)
  trap 'rm -rf "$PATS_SCREENSHOT_DIR"' EXIT
fi
export PATS_SCREENSHOT_DIR
npx playwright test "$@"
