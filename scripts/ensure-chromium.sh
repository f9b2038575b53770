#!/usr/bin/env bash
# Sourced by scripts/test.sh and .ci/run: the browser tests (test/browser) drive Debian's Chromium
# at /usr/bin/chromium (or CHROMIUM_PATH) with playwright-core; nothing downloads a browser.
# ensure_chromium installs the Debian package when it is missing (root and apt-get needed).

ensure_chromium() {
  local path="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [[ -x "$path" ]]; then return 0; fi
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
    return 1
  fi
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "ensure-chromium: no $path and no way to install it: run 'apt-get install -y chromium' as root, or set CHROMIUM_PATH" >&2
    return 1
  fi
  echo "ensure-chromium: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >&2
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core </dev/null >&2
}
