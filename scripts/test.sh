#!/usr/bin/env bash
# The one test command (README and .ci/run both call it): install everything the
# suite needs, then run it. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -U pip            # old pips silently drop extras (see docs/install.md)
python -m pip install -q -e '.[test]'
bash scripts/install-system-deps.sh
# Dependency audit: lists known vulnerabilities; says "skipped: no network" offline.
# STORYLINE_AUDIT_STRICT=1 makes findings fail the run.
python scripts/audit.py
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then               # pytest: no tests collected (e.g. a -k filter matched nothing)
  echo "no tests were collected; nothing failed" >&2
  exit 0
fi
exit "$status"
