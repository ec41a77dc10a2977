#!/usr/bin/env bash
# System packages the test suite needs that PyPI does not carry: the PostgreSQL server binaries, for the
# centre's store tests (tests/pgserver.py starts a throwaway server from them); Debian's Chromium, for the
# console's browser tests (tests/console/test_browser.py drives /usr/bin/chromium with Playwright) and its
# translations (chromium-l10n: the browser's own controls — a file field's 选择文件 — in Chinese); a CJK font
# (fonts-wqy-microhei), which the console's screenshots and the screenshot tests' rendered chats draw Chinese
# with; the libraries OpenCV's wheel loads (libGL, GLib), which the OCR of the `ocr` extra imports.
# Idempotent: apt-get runs only when something is missing. Without root and apt, it says what is missing and
# the tests that need it are skipped or fail with a message.
set -euo pipefail

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || command -v initdb > /dev/null; }
have_chromium() { [ -x /usr/bin/chromium ]; }
have_chromium_zh() { [ -e /usr/lib/chromium/locales/zh-CN.pak ]; }
have_cjk_font() { [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; }
have_lib() { ldconfig -p 2> /dev/null | grep -q "$1"; }

missing=()
have_postgres || missing+=(postgresql)
have_chromium || missing+=(chromium)
have_chromium_zh || missing+=(chromium-l10n)
have_cjk_font || missing+=(fonts-wqy-microhei)
have_lib "libGL.so.1" || missing+=(libgl1)
have_lib "libgthread-2.0.so.0" || missing+=(libglib2.0-0)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  SUDO=""
elif command -v sudo > /dev/null && sudo -n true 2> /dev/null && command -v apt-get > /dev/null; then
  SUDO="sudo -n"
else
  echo "system-deps: ${missing[*]} missing and apt-get is not usable here: the tests that need them are skipped (PostgreSQL, the browser) or fail (the OCR needs libGL and GLib)" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
# the postgresql package may start a cluster of its own on port 5432; the tests start their own on a free port
have_postgres || echo "system-deps: postgresql did not install: the postgres tests will be skipped" >&2
have_chromium || echo "system-deps: chromium did not install: the browser tests will be skipped" >&2
have_chromium_zh || echo "system-deps: chromium-l10n did not install: the browser's own controls are in English" >&2
have_cjk_font || echo "system-deps: fonts-wqy-microhei did not install: Chinese is drawn as boxes" >&2
echo "system-deps: done" >&2
