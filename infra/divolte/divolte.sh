#!/usr/bin/env bash
# The real Divolte Collector (the reference server in ../shared/reference/divolte-server), built and
# run with its state under the repo's git-ignored .infra-cache: the oracle of the differential tests
# and the baseline of the Divolte benchmark. A wrapper: the build and the launch are the reference's
# own build.sh, run.sh and stop.sh.
#
#   infra/divolte/divolte.sh build          Maven build once (~2 min, ~90 MB of jars); then nothing
#   infra/divolte/divolte.sh start CONF     start on CONF (HOCON), wait until /ping answers
#   infra/divolte/divolte.sh stop           SIGTERM (Divolte flushes and publishes its Avro files)
#   infra/divolte/divolte.sh status         exit 0 when it answers /ping, 3 when it does not
#   infra/divolte/divolte.sh built          exit 0 when the build is complete, 3 when not
#   infra/divolte/divolte.sh log            print the path of the running instance's log
#   infra/divolte/divolte.sh shared         print the path of the reference server's folder
#
# Environment (all optional):
#   DIVOLTE_PORT            18390; the port CONF listens on (a CONF of your own reads it with
#                           `port = ${?DIVOLTE_PORT}`). Each port is its own instance (pid, log), so the
#                           tests and the benchmark can run one each.
#   DIVOLTE_HOST            127.0.0.1
#   DIVOLTE_OUT             <instance>/out; the Avro output (CONF reads it with ${?DIVOLTE_OUT})
#   DIVOLTE_JAVA_OPTS       -Xms128m -Xmx512m (the machine is shared with Kafka and Druid)
#   DIVOLTE_STOP_TIMEOUT    120; seconds between SIGTERM and SIGKILL (Divolte publishes its files)
#   TRIBUTARY_SHARED        <repo>/../shared; where reference/divolte-server is
#   TRIBUTARY_INFRA_CACHE   <repo>/.infra-cache (git-ignored); the build is in its divolte/lib
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))"
shared="${TRIBUTARY_SHARED:-$(dirname "$repo")/shared}"
reference="$shared/reference/divolte-server"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}/divolte"
host="${DIVOLTE_HOST:-127.0.0.1}"
port="${DIVOLTE_PORT:-18390}"
# One folder per port for the pid file and the log; the jars are shared through a symlink, which
# the reference's build.sh takes for its own finished build.
instance="$cache/run-$port"

say() { printf 'divolte.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

need_reference() {
  [ -x "$reference/run.sh" ] ||
    die "the reference Divolte is not at $reference (the repo's parent must hold shared/; set TRIBUTARY_SHARED)"
}

built() { [ -f "$cache/lib/.complete" ]; }

build() {
  need_reference
  mkdir -p "$cache"
  # Concurrent callers (CI in the background, a test, a benchmark) build once.
  exec 9>"$cache/.build.lock"
  flock 9
  if built; then
    say "built: $cache/lib"
    return 0
  fi
  DIVOLTE_CACHE="$cache" "$reference/build.sh" >&2
}

serving() { curl -fsS -o /dev/null --max-time 2 "http://$host:$port/ping" 2>/dev/null; }

start() {
  local conf="${1:-}"
  [ -n "$conf" ] || die "start needs a configuration file: divolte.sh start path/to/divolte-collector.conf"
  [ -f "$conf" ] || die "no configuration at $conf"
  build
  mkdir -p "$instance"
  ln -sfn ../lib "$instance/lib"
  exec 9>"$instance/.lock"
  flock 9
  if serving; then die "something already answers on http://$host:$port/ping (divolte.sh stop, or another DIVOLTE_PORT)"; fi
  # 9>&-: the JVM must not inherit (and hold for its lifetime) this script's lock.
  DIVOLTE_CACHE="$instance" DIVOLTE_OUT="${DIVOLTE_OUT:-$instance/out}" DIVOLTE_HOST="$host" \
    DIVOLTE_PORT="$port" DIVOLTE_JAVA_OPTS="${DIVOLTE_JAVA_OPTS:--Xms128m -Xmx512m}" \
    "$reference/run.sh" "$conf" >&2 9>&-
}

stop() {
  need_reference
  [ -d "$instance" ] || {
    say "not running on port $port"
    return 0
  }
  exec 9>"$instance/.lock"
  flock 9
  # The reference's stop.sh kills Divolte 30 s after SIGTERM. With many sinks on a loaded machine
  # its shutdown takes longer (measured: >30 s for 38 hdfs sinks at load 12 on 2 cores), and a kill
  # leaves .avro.partial files unpublished: give it DIVOLTE_STOP_TIMEOUT first.
  local pid
  if [ -f "$instance/divolte.pid" ]; then
    pid="$(cat "$instance/divolte.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      local waited=0
      while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$((${DIVOLTE_STOP_TIMEOUT:-120} * 2))" ]; do
        sleep 0.5
        waited=$((waited + 1))
      done
    fi
  fi
  DIVOLTE_CACHE="$instance" "$reference/stop.sh" >&2
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
build) build ;;
start) start "$@" ;;
stop) stop ;;
status)
  if serving; then
    say "Divolte answers on http://$host:$port/ (log $instance/divolte.log)"
  else
    say "Divolte does not answer on http://$host:$port/"
    exit 3
  fi
  ;;
built)
  if built; then printf '%s\n' "$cache/lib"; else
    say "not built: infra/divolte/divolte.sh build"
    exit 3
  fi
  ;;
log) printf '%s\n' "$instance/divolte.log" ;;
shared)
  need_reference
  printf '%s\n' "$reference"
  ;;
*)
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
  ;;
esac
