#!/bin/sh
# pytest-benchmark micro-suite of the spec's hot transitions (decode, dispatch, SET, GET).
# Not collected by the normal test run. Extra arguments go to pytest, e.g.
#   bench/micro.sh --benchmark-json=bench/results/micro.json
set -e
cd "$(dirname "$0")/.."
exec .venv/bin/pytest bench/test_micro.py --benchmark-only -p no:cacheprovider -q "$@"
