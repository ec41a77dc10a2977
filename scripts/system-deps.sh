#!/usr/bin/env bash
# System packages the test suite needs that PyPI does not carry: the PostgreSQL server binaries, for the
# centre's store tests (tests/pgserver.py starts a throwaway server from them); the CJK font the screenshot
# tests draw chats with (fonts-wqy-microhei); the libraries OpenCV's wheel loads (libGL, GLib), which the
# OCR of the `ocr` extra imports. Idempotent: apt-get runs only when something is missing. Without root and
# apt, it says so and the tests that need the missing part fail or are skipped with a message.
set -euo pipefail

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || command -v initdb > /dev/null; }
have_font() { compgen -G "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc" > /dev/null; }
have_lib() { ldconfig -p 2> /dev/null | grep -q "$1"; }

missing=()
have_postgres || missing+=(postgresql)
have_font || missing+=(fonts-wqy-microhei)
have_lib "libGL.so.1" || missing+=(libgl1)
have_lib "libgthread-2.0.so.0" || missing+=(libglib2.0-0)

if [ ${#missing[@]} = 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  SUDO=""
elif command -v sudo > /dev/null && sudo -n true 2> /dev/null && command -v apt-get > /dev/null; then
  SUDO="sudo -n"
else
  echo "system-deps: missing ${missing[*]} and apt-get is not usable here (PostgreSQL tests are skipped; the screenshot tests need the font and OpenCV's libraries)" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
# the postgresql package may start a cluster of its own on port 5432; the tests start their own on a free port
if have_postgres; then
  echo "system-deps: postgresql installed" >&2
else
  echo "system-deps: postgresql did not install: the postgres tests will be skipped" >&2
fi
