#!/usr/bin/env bash
# npm run bench: every benchmark, each printing its figures beside a
# baseline measured in the same run. Pass names to run only some
# (e.g. `npm run bench -- parse crypto`). BENCH_PROFILE=linux dials like
# pptp-linux + pppd instead of Windows 10.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test  # the benches use the tests' rigs (FreeRADIUS, PostgreSQL, namespaces)
npm run --silent build
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "clients dial with the ${BENCH_PROFILE:-windows10} profile (BENCH_PROFILE=windows10|linux)"
for f in dist/bench/*.bench.js; do
  name=$(basename "$f" .bench.js)
  if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  echo "== bench: $name"
  node --openssl-legacy-provider --expose-gc "$f" | tee -a "$log" || status=1
  echo
done
echo "== summary (the table at the top of bench/RESULTS.md), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
node dist/bench/summary.js "$log"
exit $status
