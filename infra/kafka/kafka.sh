#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) on 127.0.0.1,
# assembled from Maven Central jars: no Docker, no tarball from a mirror.
#
#   infra/kafka/kafka.sh start       fetch the jars once, format storage once, start, wait until it serves
#   infra/kafka/kafka.sh stop        controlled shutdown (SIGTERM, SIGKILL after KAFKA_STOP_TIMEOUT s)
#   infra/kafka/kafka.sh kill        SIGKILL, as a crash would (for failure tests); data stays
#   infra/kafka/kafka.sh status      exit 0 when the broker serves, 3 when it does not
#   infra/kafka/kafka.sh fetch       only download the jars
#   infra/kafka/kafka.sh reset       stop and delete this version's data
#   infra/kafka/kafka.sh logs        print the path of the broker's log file
#   infra/kafka/kafka.sh data-dir    print the broker's log.dirs (topic partitions live there)
#   infra/kafka/kafka.sh classpath   print the classpath of the jars
#   infra/kafka/kafka.sh dump-log SEGMENT.log   Kafka's DumpLogSegments (batch codecs, offsets)
#   infra/kafka/kafka.sh run-class CLASS [ARGS...]   run a Kafka tool, e.g.
#       org.apache.kafka.tools.ProducerPerformance, org.apache.kafka.tools.TopicCommand
#
# Environment (all optional):
#   KAFKA_VERSION          3.9.2; any 3.x or 4.x release on Maven Central (4.x: see docs/kafka.md)
#   KAFKA_PORT             9092 (client listener); KAFKA_CONTROLLER_PORT 9093
#   KAFKA_HEAP             768m (-Xms and -Xmx of the broker)
#   KAFKA_START_TIMEOUT    120 (seconds to wait until the broker serves)
#   KAFKA_STOP_TIMEOUT     30
#   TRIBUTARY_INFRA_CACHE  <repo>/.infra-cache (git-ignored); jars, data, pid and log live here
#   JAVA                   java (Java 17 or newer)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${KAFKA_VERSION:-3.9.2}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-768m}"
start_timeout="${KAFKA_START_TIMEOUT:-120}"
stop_timeout="${KAFKA_STOP_TIMEOUT:-30}"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}"
java="${JAVA:-java}"

home="$cache/kafka-$version"
libs="$home/libs"
data="$home/data-$port"
run="$cache/run"
pidfile="$run/kafka-$port.pid"
logfile="$run/kafka-$port.log"
major="${version%%.*}"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
# shellcheck source=../lib/service.sh
. "$here/../lib/service.sh"

# Logging flags: `log_opts` for the broker (INFO to its log), `log_opts -tools` for tools (WARN).
log_opts() {
  if [ "$major" -ge 4 ]; then
    printf '%s' "-Dlog4j2.configurationFile=$here/log4j2${1:-}.properties"
  else
    printf '%s' "-Dlog4j.configuration=file:$here/log4j${1:-}.properties"
  fi
}

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || die "mvn (Maven 3.x) is needed to fetch Kafka $version from Maven Central"
  local profile=kafka3
  if [ "$major" -ge 4 ]; then profile=kafka4; fi
  say "fetching Kafka $version jars from Maven Central into $libs"
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" "-P$profile" "-Dkafka.version=$version" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime "-DoutputDirectory=$libs" >&2
  [ -f "$libs/kafka_2.13-$version.jar" ] || die "Maven did not deliver kafka_2.13-$version.jar"
  touch "$libs/.complete"
}

# The pid of the broker this script started on this port, if it still runs.
broker_pid() { svc_pid "$pidfile" 'kafka\.Kafka '; }
broker_alive() { broker_pid >/dev/null; }

serving() {
  broker_alive && [ -f "$logfile" ] && grep -q 'Kafka Server started' "$logfile" && svc_port_open "$port"
}

format_storage() {
  if [ -f "$data/kraft-logs/meta.properties" ]; then return 0; fi
  mkdir -p "$data"
  sed -e "s#@DATA_DIR@#$data#g" -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" \
    "$here/server.properties.in" >"$data/server.properties"
  # A cluster id is 16 random bytes in unpadded base64url; making it here saves a JVM start. As
  # Kafka's own Uuid.randomUuid does, draw again when it starts with `-`, which the storage tool's
  # argument parser would take for an option (1 format in 64 failed so).
  local cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-22)"
  done
  say "formatting storage in $data (cluster $cluster_id)"
  "$java" -Xmx256m -cp "$libs/*" "$(log_opts -tools)" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$data/server.properties" --ignore-formatted >&2
}

start() {
  fetch
  mkdir -p "$run"
  if serving; then
    say "Kafka already serves on 127.0.0.1:$port (pid $(broker_pid))"
    return 0
  fi
  if broker_alive; then
    say "a broker process exists but does not serve yet; waiting for it"
  else
    if svc_port_open "$port"; then die "127.0.0.1:$port is taken by another process"; fi
    format_storage
    svc_launch "$pidfile" "$logfile" "$java" "-Xms$heap" "-Xmx$heap" -server -XX:+UseG1GC \
      -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      -XX:MaxInlineLevel=15 -Djava.awt.headless=true "-Dkafka.logs.dir=$run" "$(log_opts)" \
      -cp "$libs/*" kafka.Kafka "$data/server.properties"
    say "started Kafka $version (pid $(cat "$pidfile")), waiting until it serves on 127.0.0.1:$port"
  fi
  svc_wait_ready "Kafka $version on 127.0.0.1:$port" "$start_timeout" "$logfile" broker_alive serving
}

stop() { svc_stop "Kafka on port $port" "$pidfile" 'kafka\.Kafka ' "$stop_timeout"; }

crash() {
  local pid
  pid="$(broker_pid)" || die "no broker runs on port $port"
  kill -KILL "$pid"
  svc_wait_gone "$pid" 10 || die "pid $pid does not exit"
  say "killed Kafka on port $port (pid $pid) with SIGKILL"
}

locked() {
  svc_lock "$run/kafka-$port.lock"
  "$@"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
start) locked start ;;
stop) locked stop ;;
kill) locked crash ;;
status)
  if serving; then
    say "Kafka serves on 127.0.0.1:$port (pid $(broker_pid))"
  else
    say "Kafka does not serve on 127.0.0.1:$port"
    exit 3
  fi
  ;;
fetch) fetch ;;
reset)
  locked stop
  rm -rf "$data"
  say "deleted $data"
  ;;
logs) printf '%s\n' "$logfile" ;;
data-dir) printf '%s\n' "$data/kraft-logs" ;;
classpath) printf '%s\n' "$libs/*" ;;
dump-log)
  # Kafka's log dumper moved from core (kafka.tools) to the tools module in 4.x.
  fetch
  class=kafka.tools.DumpLogSegments
  if grep -qa 'org/apache/kafka/tools/DumpLogSegments.class' "$libs/kafka-tools-$version.jar"; then
    class=org.apache.kafka.tools.DumpLogSegments
  fi
  exec "$java" -Xmx256m -cp "$libs/*" "$(log_opts -tools)" "$class" --files "$@"
  ;;
run-class)
  fetch
  [ $# -ge 1 ] || die "run-class needs a class name"
  exec "$java" "-Xmx${KAFKA_TOOL_HEAP:-512m}" -cp "$libs/*" "$(log_opts -tools)" "$@"
  ;;
*)
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
