#!/usr/bin/env bash
# schemathesis against /api/v1/openapi.json of a live gunicorn server on a freshly seeded database, once
# with a citizen's bearer token and once with a desk officer's: every operation, a bounded number of
# examples each (MAX_EXAMPLES), the whole run bounded in time (MAX_SECONDS per token); fails on any server
# error (check not_a_server_error) and on any traceback in the server's error log.
#
#   tests/api_fuzz/run_schemathesis.sh                       # embedded SQLite in a temporary folder
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mydb tests/api_fuzz/run_schemathesis.sh   # (emptied)
#
# Loopback only. PORT (default 6250), MAX_EXAMPLES (20), MAX_SECONDS (600), FUZZ_WORKERS (1), SEED (fixed).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
PORT=${PORT:-6250}
MAX_EXAMPLES=${MAX_EXAMPLES:-20}
MAX_SECONDS=${MAX_SECONDS:-600}
FUZZ_WORKERS=${FUZZ_WORKERS:-1}  # more than one: hypothesis may meet a Python 3.11 ast race
SEED=${SEED:-20261202}
BASE="http://127.0.0.1:${PORT}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dvc-fuzz.XXXXXX")
SERVER_PID=""

cleanup() {
  local code=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $code -eq 0 ]]; then rm -rf "$WORK"; else echo "kept for a look: $WORK (logs, reports, database)" >&2; fi
}
trap cleanup EXIT

export INSTANCE_PATH="$WORK/instance" PUBLIC_URL="$BASE" PORT
export FLASK_APP=portal
mkdir -p "$INSTANCE_PATH"
if [[ -n "${DATABASE_URL:-}" ]]; then
  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
fi

echo "-- seeding a fresh database (${DATABASE_URL:-SQLite in $INSTANCE_PATH})"
seed() { $BIN/flask "$@" >>"$WORK/seed.log" 2>&1 || { tail -40 "$WORK/seed.log" >&2; exit 1; }; }
seed db upgrade
seed services load
seed seed-demo
seed pki init-dev

echo "-- gunicorn on $BASE"
GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG="$WORK/access.log" GUNICORN_ERROR_LOG="$WORK/error.log" \
  $BIN/gunicorn -c gunicorn.conf.py 'portal:create_app()' &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$BASE/api/v1/openapi.json" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o "$WORK/openapi.json" "$BASE/api/v1/openapi.json"

token() {  # a bearer token for a demo account
  curl -fsS -X POST "$BASE/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"${DEMO_PASSWORD:-Demo@12345}\"}" |
    $BIN/python -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
CITIZEN_TOKEN=$(token citizen@demo.vn)
STAFF_TOKEN=$(token receiver.tam-hong@demo.vn)

status=0
for who in citizen staff; do
  if [[ $who == citizen ]]; then bearer=$CITIZEN_TOKEN; else bearer=$STAFF_TOKEN; fi
  echo "-- schemathesis as $who: at most $MAX_EXAMPLES examples per operation, at most ${MAX_SECONDS}s"
  timeout --signal=INT "$MAX_SECONDS" \
    $BIN/schemathesis run "$BASE/api/v1/openapi.json" --url "$BASE" \
      -H "Authorization: Bearer $bearer" \
      --checks not_a_server_error --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
      --phases examples,coverage,fuzzing --workers "$FUZZ_WORKERS" --request-timeout 60 \
      --generation-database none --no-color --report junit --report-dir "$WORK/report-$who" \
    || status=$?
  if [[ $status -ne 0 ]]; then
    echo "schemathesis as $who: exit $status" >&2
    break
  fi
done

if grep -q "Traceback" "$WORK/error.log"; then
  echo "-- server errors in the log:" >&2
  grep -B2 -A30 "Traceback" "$WORK/error.log" | head -200 >&2
  status=1
fi
total=$(wc -l <"$WORK/access.log")
server_errors=$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /^"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/) { print $(i + 3) } }' \
  "$WORK/access.log" | grep -c '^5' || true)
echo "-- $total requests, $server_errors answered 5xx"
[[ "$server_errors" -eq 0 ]] || status=1
exit $status
