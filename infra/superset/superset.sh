#!/usr/bin/env bash
# Apache Superset on 127.0.0.1, the exploration UI over Tributary's Druid datasources: installed
# from PyPI into a venv under the git-ignored cache (every version pinned by constraints.txt), its
# metadata in SQLite there, an admin user, the Druid broker registered as the database "Druid"
# (Druid SQL through pydruid's SQLAlchemy dialect), served by gunicorn. No Docker.
#
#   infra/superset/superset.sh start     install once, set up once, start, wait until /health answers OK
#   infra/superset/superset.sh stop      stop it (SIGTERM, SIGKILL after SUPERSET_STOP_TIMEOUT s)
#   infra/superset/superset.sh status    exit 0 when /health answers OK, 3 when not
#   infra/superset/superset.sh install   only create the venv (pip, about 800 MB)
#   infra/superset/superset.sh reset     stop and delete the metadata (users, databases, dashboards)
#   infra/superset/superset.sh logs      print the path of the server's log file
#   infra/superset/superset.sh url       print the base URL
#   infra/superset/superset.sh superset ARGS...   the Superset CLI with this instance's config
#
# Environment (all optional):
#   SUPERSET_PORT            18088 (beside Druid's 18081-18091)
#   SUPERSET_ADMIN_USER      admin
#   SUPERSET_ADMIN_PASSWORD  admin (a local instance on 127.0.0.1; set on every setup, see below)
#   SUPERSET_WORKERS         1 gunicorn worker process ...
#   SUPERSET_THREADS         4 ... with this many threads (one worker: about 280 MB resident)
#   SUPERSET_START_TIMEOUT   180; SUPERSET_STOP_TIMEOUT 30 (seconds)
#   DRUID_BROKER_PORT        18082, as infra/druid/druid.sh; SUPERSET_DRUID_URI overrides the whole
#                            URI (default druid://127.0.0.1:18082/druid/v2/sql)
#   SUPERSET_PYTHON          python3 (3.10 or newer with venv; constraints.txt was made on 3.11)
#   TRIBUTARY_INFRA_CACHE    <repo>/.infra-cache (git-ignored); venv, metadata, pid and log live here
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# The version is not a variable: constraints.txt pins the set of packages tested with it.
version=6.1.0
port="${SUPERSET_PORT:-18088}"
admin_user="${SUPERSET_ADMIN_USER:-admin}"
admin_password="${SUPERSET_ADMIN_PASSWORD:-admin}"
workers="${SUPERSET_WORKERS:-1}"
threads="${SUPERSET_THREADS:-4}"
start_timeout="${SUPERSET_START_TIMEOUT:-180}"
stop_timeout="${SUPERSET_STOP_TIMEOUT:-30}"
druid_broker_port="${DRUID_BROKER_PORT:-18082}"
druid_uri="${SUPERSET_DRUID_URI:-druid://127.0.0.1:$druid_broker_port/druid/v2/sql}"
python="${SUPERSET_PYTHON:-python3}"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}"

home="$cache/superset-$version"
venv="$home/venv"
data="$home/var"
run="$cache/run"
pidfile="$run/superset-$port.pid"
logfile="$run/superset-$port.log"
setup_log="$run/superset-$port.setup.log"
url="http://127.0.0.1:$port"
# What `pip install -c constraints.txt` gets asked for. The last four are undeclared (or
# under-constrained) dependencies of the apache-superset wheel: see constraints.txt.
requirements=("apache-superset==$version" "pydruid[sqlalchemy]" rich cachetools flask-caching cachelib)

say() { printf 'superset.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
# shellcheck source=../lib/service.sh
. "$here/../lib/service.sh"

# Superset reads its configuration module from SUPERSET_CONFIG_PATH; the module reads the two
# TRIBUTARY_ paths. SUPERSET_HOME keeps Superset's other files out of ~/.superset.
export SUPERSET_CONFIG_PATH="$here/superset_config.py"
export SUPERSET_HOME="$data"
export TRIBUTARY_SUPERSET_DATA="$data"
export TRIBUTARY_SUPERSET_SECRET_KEY_FILE="$home/secret_key"

constraints_sum() { sha256sum "$here/constraints.txt" | cut -d' ' -f1; }

# The venv is complete when its marker names the constraints it was built from; other
# constraints rebuild it from scratch, so no package of an older set stays behind.
install() {
  if [ -f "$venv/.complete" ] && [ "$(cat "$venv/.complete")" = "$(constraints_sum)" ]; then return 0; fi
  command -v "$python" >/dev/null || die "$python is needed (3.10 or newer, with the venv module); set SUPERSET_PYTHON"
  "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null ||
    die "$python is not Python 3.10+ with venv and ensurepip (Debian: apt-get install python3-venv)"
  local began=$SECONDS
  say "installing Superset $version and pydruid from PyPI into $venv (pinned by constraints.txt; about 800 MB)"
  rm -rf "$venv"
  mkdir -p "$home"
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    -c "$here/constraints.txt" "${requirements[@]}" >&2
  "$venv/bin/python" -m pip check >/dev/null || { "$venv/bin/python" -m pip check >&2; die "the installed packages do not satisfy each other (pip check)"; }
  constraints_sum >"$venv/.complete"
  say "installed in $((SECONDS - began))s ($(du -sh "$venv" | cut -f1))"
}

secret_key() {
  if [ -s "$home/secret_key" ]; then return 0; fi
  mkdir -p "$home"
  (
    umask 077
    head -c 48 /dev/urandom | base64 | tr -d '\n' >"$home/secret_key.partial"
  )
  mv "$home/secret_key.partial" "$home/secret_key"
  say "generated a secret key in $home/secret_key"
}

# What the schema was last migrated with (`superset db upgrade` and `init`, 1-3 minutes on a
# loaded 2-core machine): only another Superset or configuration runs them again.
schema_stamp() { printf '%s\n%s\n' "$version" "$(sha256sum <"$here/superset_config.py")" | sha256sum | cut -d' ' -f1; }

# What the admin user and the Druid database were last set up with: another admin, password
# (kept only as a hash), Druid URI or setup.py runs setup.py again (about 20 s).
setup_stamp() {
  {
    printf '%s\n%s\n%s\n' "$(schema_stamp)" "$admin_user" "$druid_uri"
    printf '%s' "$admin_password" | sha256sum
    sha256sum <"$here/setup.py"
  } | sha256sum | cut -d' ' -f1
}

stamp_matches() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# Migrations, roles and permissions, then the admin user and the Druid database. Each part is
# idempotent and skipped when its stamp matches. Runs before the server starts, or beside a
# running one (SQLite takes one writer at a time), so a new password applies without a restart.
setup() {
  local schema stamp began=$SECONDS
  schema="$(schema_stamp)"
  stamp="$(setup_stamp)"
  if stamp_matches "$data/.setup" "$stamp"; then return 0; fi
  mkdir -p "$data" "$run"
  : >"$setup_log"
  if ! stamp_matches "$data/.schema" "$schema"; then
    say "migrating the metadata in $data/superset.db (superset db upgrade, init; log $setup_log)"
    local step
    for step in "db upgrade" "init"; do
      # shellcheck disable=SC2086 # the step is two words on purpose
      if ! "$venv/bin/superset" $step >>"$setup_log" 2>&1; then
        tail -n 30 "$setup_log" >&2
        die "superset $step failed (log: $setup_log)"
      fi
    done
    printf '%s\n' "$schema" >"$data/.schema"
  fi
  say "setting up the admin user and the Druid database (log $setup_log)"
  if ! SUPERSET_ADMIN_USER="$admin_user" SUPERSET_ADMIN_PASSWORD="$admin_password" TRIBUTARY_DRUID_URI="$druid_uri" \
    TRIBUTARY_DRUID_READY_URL="http://127.0.0.1:$druid_broker_port/druid/broker/v1/readiness" \
    "$venv/bin/python" "$here/setup.py" >>"$setup_log" 2>&1; then
    tail -n 30 "$setup_log" >&2
    die "creating the admin user or the Druid database failed (log: $setup_log)"
  fi
  grep '^setup.py: ' "$setup_log" | sed 's/^setup.py: /  /' >&2 || true
  printf '%s\n' "$stamp" >"$data/.setup"
  say "set up in $((SECONDS - began))s"
}

superset_pid() { svc_pid "$pidfile" 'gunicorn .*superset\.app:create_app'; }
superset_alive() { superset_pid >/dev/null; }
answers() { [ "$(curl -sf --max-time 3 "$url/health" 2>/dev/null)" = OK ]; }
serving() { superset_alive && answers; }

start() {
  install
  secret_key
  setup
  if serving; then
    say "Superset already serves at $url (pid $(superset_pid))"
    return 0
  fi
  if ! superset_alive; then
    if svc_port_open "$port"; then die "127.0.0.1:$port is taken by another process"; fi
    # gunicorn, as Superset's docs run it in production, with one worker of a few threads: the
    # Flask development server (`superset run`) was measured no lighter (one process of ~275 MB
    # against ~27 + 280 MB) and slower to serve (23 s against 12 s, same loaded machine). The
    # 120 s timeout lets a synchronous SQL Lab query run as long as Superset's own default.
    (
      cd "$data" || exit 1
      svc_launch "$pidfile" "$logfile" "$venv/bin/gunicorn" --bind "127.0.0.1:$port" \
        --workers "$workers" --worker-class gthread --threads "$threads" --timeout 120 --graceful-timeout 20 \
        --limit-request-line 0 --limit-request-field_size 0 'superset.app:create_app()'
    )
    say "started Superset $version (pid $(cat "$pidfile"), log $logfile), waiting for $url/health"
  fi
  svc_wait_ready "Superset $version at $url" "$start_timeout" "$logfile" superset_alive serving
  say "log in as $admin_user at $url/login/ ; the database \"Druid\" is $druid_uri"
}

stop() { svc_stop "Superset on port $port" "$pidfile" 'gunicorn .*superset\.app:create_app' "$stop_timeout"; }

reset() {
  stop
  rm -rf "$data"
  say "deleted $data"
}

# One script at a time per port, so concurrent callers (CI, tests, a user) do not race an
# install, a setup or a start.
locked() {
  svc_lock "$run/superset-$port.lock"
  "$@"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
start) locked start ;;
stop) locked stop ;;
status)
  if serving; then
    say "Superset serves at $url (pid $(superset_pid))"
  else
    say "Superset does not serve at $url"
    exit 3
  fi
  ;;
install) locked install ;;
reset) locked reset ;;
logs) printf '%s\n' "$logfile" ;;
url) printf '%s\n' "$url" ;;
superset)
  [ -x "$venv/bin/superset" ] || die "Superset is not installed: run $0 install"
  [ -s "$home/secret_key" ] || die "no secret key yet: run $0 start"
  mkdir -p "$data"
  exec "$venv/bin/superset" "$@"
  ;;
*)
  sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
