#!/usr/bin/env bash
# npm run bench: every benchmark, each printing its figures beside a
# baseline measured in the same run. Pass names to run only some
# (e.g. `npm run bench -- parse crypto`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
status=0
for f in dist/bench/*.bench.js; do
  name=$(basename "$f" .bench.js)
  if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  echo "== bench: $name"
  node --openssl-legacy-provider --expose-gc "$f" || status=1
  echo
done
exit $status
