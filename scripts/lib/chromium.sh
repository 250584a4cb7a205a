# shellcheck shell=bash
#
# Debian's Chromium for the browser tests (tests/Vouchers.Browser.Tests drive it through Playwright, which is told
# to use this binary and never downloads a browser of its own). Source this file, then:
#
#   source scripts/lib/chromium.sh
#   chromium_ensure     # installs chromium (and CJK fonts) with apt-get when missing and we are root
#
# Also exports PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1. Tunable: VOUCHERS_CHROMIUM (default /usr/bin/chromium), which the
# tests read too. Returns non-zero instead of exiting; the browser tests then fail with a message saying what is missing.

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
VOUCHERS_CHROMIUM="${VOUCHERS_CHROMIUM:-/usr/bin/chromium}"

_chromium_log() {
  printf '[chromium.sh] %s\n' "$*" >&2
}

chromium_ensure() {
  local packages=()
  [ -x "$VOUCHERS_CHROMIUM" ] || packages+=(chromium)
  # The page is Chinese first: without a CJK font its screenshots show boxes instead of characters.
  if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
    packages+=(fonts-noto-cjk)
  elif [ "${#packages[@]}" -gt 0 ]; then
    packages+=(fonts-noto-cjk)
  fi
  if [ "${#packages[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    _chromium_log "missing ${packages[*]} and not root: install them first (apt-get install chromium fonts-noto-cjk)"
    return 1
  fi
  _chromium_log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || return 1
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2 || return 1
  if [ ! -x "$VOUCHERS_CHROMIUM" ]; then
    _chromium_log "chromium installed but $VOUCHERS_CHROMIUM is still missing"
    return 1
  fi
}
