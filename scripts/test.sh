#!/usr/bin/env bash
# The whole test suite from a clean clone: installs what the tests need,
# builds, runs every test with node's test runner and prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
rm -rf dist && npm run --silent build
export NODE_OPTIONS="--openssl-legacy-provider ${NODE_OPTIONS:-}"
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --test --test-reporter=spec --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"
