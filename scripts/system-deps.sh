#!/usr/bin/env bash
# System packages the test suite needs that PyPI does not carry: the PostgreSQL server binaries, for the
# centre's store tests (tests/pgserver.py starts a throwaway server from them). Idempotent: apt-get runs only
# when a package is missing. Without root and apt, it says so and the PostgreSQL tests are skipped.
set -euo pipefail

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || command -v initdb > /dev/null; }

if have_postgres; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  SUDO=""
elif command -v sudo > /dev/null && sudo -n true 2> /dev/null && command -v apt-get > /dev/null; then
  SUDO="sudo -n"
else
  echo "system-deps: PostgreSQL binaries missing and apt-get is not usable here: the postgres tests will be skipped" >&2
  exit 0
fi
echo "system-deps: installing postgresql (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql > /dev/null
# the package may start a cluster of its own on port 5432; the tests start their own on a free port
if have_postgres; then
  echo "system-deps: postgresql installed" >&2
else
  echo "system-deps: postgresql did not install: the postgres tests will be skipped" >&2
fi
