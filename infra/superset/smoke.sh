#!/usr/bin/env bash
# Checks a running infra/superset/superset.sh over its REST API, as a user's tools would: /health,
# the login page, a wrong password refused, the REST login, the database list holding the Druid
# database (by its fixed uuid, backend druid, the broker's URI) and, when Druid answers, a SQL Lab
# query through that database (`SELECT 1` answers 1, so Superset -> pydruid -> Druid SQL works).
#
#   infra/superset/smoke.sh                  the SQL Lab check runs when Druid's broker is ready
#   infra/superset/smoke.sh --require-druid  a broker that is not ready fails the check (CI)
#
# Exit 0 when every check passes, 1 on the first that fails (its answer is printed).
# Environment: SUPERSET_PORT, SUPERSET_ADMIN_USER, SUPERSET_ADMIN_PASSWORD, DRUID_BROKER_PORT and
# SUPERSET_DRUID_URI as for superset.sh.
set -euo pipefail

require_druid=0
case "${1:-}" in
--require-druid) require_druid=1 ;;
"") ;;
*)
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac

base="http://127.0.0.1:${SUPERSET_PORT:-18088}"
user="${SUPERSET_ADMIN_USER:-admin}"
password="${SUPERSET_ADMIN_PASSWORD:-admin}"
broker_port="${DRUID_BROKER_PORT:-18082}"
druid_uri="${SUPERSET_DRUID_URI:-druid://127.0.0.1:$broker_port/druid/v2/sql}"
# Fixed in setup.py, so import bundles can name the database.
druid_uuid=2f0dc0b4-6fe7-573d-8c92-47f34d76a146

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0

say() { printf 'smoke.sh: %s\n' "$*" >&2; }
fail() {
  say "FAIL: $1"
  if [ -s "$work/body" ]; then head -c 2000 "$work/body" >&2 && printf '\n' >&2; fi
  exit 1
}
ok() {
  passed=$((passed + 1))
  say "ok: $*"
}

# request METHOD PATH [CURL ARGS...]: the answer's body goes to $work/body, its status is printed.
# The cookie jar carries the session cookie that Superset ties the CSRF token to.
request() {
  local method="$1" path="$2"
  shift 2
  curl -sS -o "$work/body" -w '%{http_code}' --max-time 60 -b "$work/cookies" -c "$work/cookies" \
    -X "$method" "$@" "$base$path" || printf '000'
}

# json EXPRESSION: evaluate a Python expression over the last body, parsed as `body`.
json() { python3 -c "import json, sys; body = json.load(open(sys.argv[1])); print($1)" "$work/body"; }

login_body() {
  python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2], "provider": "db", "refresh": False}))' "$1" "$2"
}

status="$(request GET /health)"
if [ "$status" != 200 ] || [ "$(cat "$work/body")" != OK ]; then fail "GET /health answered $status"; fi
ok "GET /health answers OK"

status="$(request GET /login/)"
if [ "$status" != 200 ] || ! grep -qi '<html' "$work/body"; then fail "GET /login/ answered $status"; fi
ok "GET /login/ serves the login page"

status="$(request POST /api/v1/security/login -H 'Content-Type: application/json' --data "$(login_body "$user" "$password-wrong")")"
[ "$status" = 401 ] || fail "a wrong password was answered $status, not 401"
ok "a wrong password is refused (401)"

status="$(request POST /api/v1/security/login -H 'Content-Type: application/json' --data "$(login_body "$user" "$password")")"
[ "$status" = 200 ] || fail "POST /api/v1/security/login as $user answered $status"
token="$(json 'body["access_token"]')"
[ -n "$token" ] || fail "the login answer has no access_token"
ok "POST /api/v1/security/login as $user gives a token"
auth=(-H "Authorization: Bearer $token")

status="$(request GET '/api/v1/database/?q=(page_size:100)' "${auth[@]}")"
[ "$status" = 200 ] || fail "GET /api/v1/database/ answered $status"
database_id="$(json "next((d['id'] for d in body['result'] if d['uuid'] == '$druid_uuid' and d['backend'] == 'druid' and d['database_name'] == 'Druid'), '')")"
[ -n "$database_id" ] || fail "GET /api/v1/database/ lists no database Druid (uuid $druid_uuid, backend druid)"
ok "GET /api/v1/database/ lists the database Druid (id $database_id, backend druid)"

status="$(request GET "/api/v1/database/$database_id/connection" "${auth[@]}")"
[ "$status" = 200 ] || fail "GET /api/v1/database/$database_id/connection answered $status"
[ "$(json 'body["result"]["sqlalchemy_uri"]')" = "$druid_uri" ] || fail "the database Druid does not point at $druid_uri"
ok "the database Druid points at $druid_uri"

if ! curl -sf -o /dev/null --max-time 3 "http://127.0.0.1:$broker_port/druid/broker/v1/readiness"; then
  if [ "$require_druid" = 1 ]; then
    : >"$work/body"
    fail "Druid's broker is not ready at 127.0.0.1:$broker_port (start it: infra/druid/druid.sh start)"
  fi
  say "skipped: the SQL Lab query (Druid's broker is not ready at 127.0.0.1:$broker_port; infra/druid/druid.sh start)"
  say "$passed checks passed"
  exit 0
fi

# Superset's POST endpoints want a CSRF token bound to the session cookie, even with a bearer token.
status="$(request GET /api/v1/security/csrf_token/ "${auth[@]}")"
[ "$status" = 200 ] || fail "GET /api/v1/security/csrf_token/ answered $status"
csrf="$(json 'body["result"]')"

query="$(python3 -c 'import json, sys; print(json.dumps({"database_id": int(sys.argv[1]), "sql": "SELECT 1 AS answer", "runAsync": False}))' "$database_id")"
status="$(request POST /api/v1/sqllab/execute/ "${auth[@]}" -H "X-CSRFToken: $csrf" -H "Referer: $base/" \
  -H 'Content-Type: application/json' --data "$query")"
[ "$status" = 200 ] || fail "POST /api/v1/sqllab/execute/ answered $status"
if [ "$(json 'body["status"]')" != success ] || [ "$(json 'body["data"]')" != "[{'answer': 1}]" ]; then
  fail "SELECT 1 AS answer through the database Druid did not answer [{'answer': 1}]"
fi
ok "POST /api/v1/sqllab/execute/ runs SELECT 1 AS answer on Druid: [{'answer': 1}]"

say "$passed checks passed"
