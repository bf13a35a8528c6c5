#!/usr/bin/env bash
# A real single-machine Apache Druid cluster on 127.0.0.1, assembled from Maven Central jars: no
# Docker, no tarball. ZooKeeper, a coordinator that is also the overlord, a broker, a historical
# and an indexer (tasks as threads), with heaps for a 2-core machine shared with other work.
#
#   infra/druid/druid.sh start     fetch and assemble once, start what is not running, wait until healthy
#   infra/druid/druid.sh stop      stop every service this script started (SIGTERM, then SIGKILL)
#   infra/druid/druid.sh status    exit 0 when every service is healthy, 3 when one is not
#   infra/druid/druid.sh fetch     only download and assemble (lib/, extensions/)
#   infra/druid/druid.sh reset     stop and delete the cluster's data (segments, metadata, ZooKeeper)
#   infra/druid/druid.sh logs      print the directory of the services' log files
#   infra/druid/druid.sh urls      print the service URLs (router-less: coordinator/overlord and broker)
#
# Environment (all optional):
#   DRUID_VERSION          33.0.0 (see docs/druid.md for why not newer)
#   DRUID_START_TIMEOUT    300 (seconds until every service is healthy; CI starts Druid beside a build)
#   DRUID_STOP_TIMEOUT     30
#   TRIBUTARY_INFRA_CACHE  <repo>/.infra-cache (git-ignored); jars, data, pids and logs live here
#   JAVA                   java (Java 17); JAVAC, JAR likewise
#
#   DRUID_ZK_PORT 12181, DRUID_DERBY_PORT 11527, DRUID_COORDINATOR_PORT 18081 (also the overlord),
#   DRUID_BROKER_PORT 18082, DRUID_HISTORICAL_PORT 18083, DRUID_INDEXER_PORT 18091: Druid's
#   usual ports plus 10000, all on 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${DRUID_VERSION:-33.0.0}"
start_timeout="${DRUID_START_TIMEOUT:-300}"
stop_timeout="${DRUID_STOP_TIMEOUT:-30}"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}"
java="${JAVA:-java}"
javac="${JAVAC:-javac}"
jar="${JAR:-jar}"
# Druid's usual ports plus 10000: 8081 and 2181 are often taken (a schema registry, a ZooKeeper).
zk_port="${DRUID_ZK_PORT:-12181}"
derby_port="${DRUID_DERBY_PORT:-11527}"
coordinator_port="${DRUID_COORDINATOR_PORT:-18081}"
broker_port="${DRUID_BROKER_PORT:-18082}"
historical_port="${DRUID_HISTORICAL_PORT:-18083}"
indexer_port="${DRUID_INDEXER_PORT:-18091}"

home="$cache/druid-$version"
run="$cache/run/druid"
conf="$here/conf"
dep_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
services=(zookeeper coordinator broker historical indexer)

say() { printf 'druid.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
# shellcheck source=../lib/service.sh
. "$here/../lib/service.sh"

port_of() {
  case "$1" in
  zookeeper) echo "$zk_port" ;;
  coordinator) echo "$coordinator_port" ;;
  broker) echo "$broker_port" ;;
  historical) echo "$historical_port" ;;
  indexer) echo "$indexer_port" ;;
  esac
}

copy_deps() { # pom output-dir [-Dprop=value...]
  local pom="$1" out="$2"
  shift 2
  rm -rf "$out"
  mkdir -p "$out"
  mvn -q -B -Dstyle.color=never -f "$pom" "-Ddruid.version=$version" "$@" "$dep_plugin:copy-dependencies" \
    -DincludeScope=runtime "-DoutputDirectory=$out" >&2
}

fetch() {
  if [ -f "$home/.complete" ]; then
    # A changed avro-extension/ is rebuilt; running services load it only when restarted.
    if [ "$(cat "$home/extensions/tributary-druid-avro/.source-hash" 2>/dev/null)" != "$(avro_extension_hash)" ]; then
      say "avro-extension/ changed: rebuilding tributary-druid-avro (restart running services to load it: druid.sh stop && druid.sh start)"
      build_avro_extension
    fi
    return 0
  fi
  command -v mvn >/dev/null || die "mvn (Maven 3.x) is needed to fetch Druid $version from Maven Central"
  local began=$SECONDS
  say "fetching Druid $version from Maven Central into $home"
  copy_deps "$here/lib.pom.xml" "$home/lib"
  [ -f "$home/lib/druid-services-$version.jar" ] || die "Maven did not deliver druid-services-$version.jar"
  local ext
  for ext in druid-kafka-indexing-service druid-datasketches; do
    copy_deps "$here/extension.pom.xml" "$home/extensions/$ext" "-Ddruid.extension=$ext"
  done
  build_avro_extension
  touch "$home/.complete"
  say "assembled Druid $version in $((SECONDS - began))s"
}

# Druid's own druid-avro-extensions is not served by Maven Central here (docs/druid.md), so the
# avro_stream input format comes from a small extension in this folder, compiled against lib/.
build_avro_extension() {
  local out="$home/extensions/tributary-druid-avro" classes
  copy_deps "$here/avro-extension/pom.xml" "$out"
  classes="$(mktemp -d)"
  find "$here/avro-extension/src/main/java" -name '*.java' >"$classes/sources.txt"
  "$javac" -nowarn -encoding UTF-8 --release 17 -d "$classes/out" -cp "$home/lib/*:$out/*" "@$classes/sources.txt" >&2
  cp -r "$here/avro-extension/src/main/resources/." "$classes/out/"
  "$jar" --create --file "$out/tributary-druid-avro.jar" -C "$classes/out" . >&2
  rm -rf "$classes"
  avro_extension_hash >"$out/.source-hash"
}

avro_extension_hash() { (cd "$here/avro-extension" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }

# The pid of a service this script started, if it still runs.
service_pid() { svc_pid "$run/$1.pid" "-Dtributary\.druid\.service=$1 "; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

healthy() {
  case "$1" in
  zookeeper) [ "$( (exec 3<>"/dev/tcp/127.0.0.1/$zk_port" && printf ruok >&3 && timeout 2 cat <&3) 2>/dev/null)" = imok ] ;;
  coordinator) http_ok "http://127.0.0.1:$coordinator_port/status/health" && http_ok "http://127.0.0.1:$coordinator_port/druid/indexer/v1/isLeader" ;;
  broker) http_ok "http://127.0.0.1:$broker_port/druid/broker/v1/readiness" ;;
  historical) http_ok "http://127.0.0.1:$historical_port/druid/historical/v1/readiness" ;;
  indexer) http_ok "http://127.0.0.1:$indexer_port/status/health" ;;
  esac
}

java_opts=(
  -server -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1
  -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Djava.io.tmpdir=var/tmp
  -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED
)

launch() {
  local name="$1" main heap direct=() classpath
  case "$name" in
  zookeeper) heap=128m ;;
  coordinator) heap=384m ;;
  broker) heap=512m direct=(-XX:MaxDirectMemorySize=256m) ;;
  historical) heap=384m direct=(-XX:MaxDirectMemorySize=256m) ;;
  indexer) heap=768m direct=(-XX:MaxDirectMemorySize=256m) ;;
  esac
  if [ "$name" = zookeeper ]; then
    classpath="$conf/_common:$home/lib/*"
    { cat "$conf/zk/zoo.cfg" && printf 'clientPort=%s\n' "$zk_port"; } >"$home/var/zoo.cfg"
    main=(org.apache.zookeeper.server.quorum.QuorumPeerMain "$home/var/zoo.cfg")
  else
    local dir="$name"
    [ "$name" = coordinator ] && dir=coordinator-overlord
    classpath="$conf/$dir:$conf/_common:$home/lib/*"
    main=(org.apache.druid.cli.Main server "$name")
  fi
  # Detached (svc_launch): the services outlive this script, get none of the caller's terminal
  # signals and do not inherit its lock.
  (
    cd "$home" || exit 1
    svc_launch "$run/$name.pid" "$run/$name.log" "$java" "-Dtributary.druid.service=$name" "-Xms$heap" "-Xmx$heap" \
      "${direct[@]}" "${java_opts[@]}" -Dderby.stream.error.file=var/druid/derby.log \
      "-Ddruid.extensions.directory=$home/extensions" "-Ddruid.zk.service.host=127.0.0.1:$zk_port" \
      "-Ddruid.metadata.storage.connector.port=$derby_port" \
      "-Ddruid.metadata.storage.connector.connectURI=jdbc:derby://127.0.0.1:$derby_port/var/druid/metadata.db;create=true" \
      "-Ddruid.plaintextPort=$(port_of "$name")" \
      -Dzookeeper.jmx.log4j.disable=true -Dzookeeper.admin.enableServer=false \
      -cp "$classpath" "${main[@]}"
  )
  say "started $name (pid $(cat "$run/$name.pid"), log $run/$name.log)"
}

wait_healthy() { # name deadline
  local name="$1" deadline="$2"
  while ! healthy "$name"; do
    if ! service_pid "$name" >/dev/null; then
      tail -n 30 "$run/$name.log" >&2 || true
      die "$name exited during startup (log: $run/$name.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$run/$name.log" >&2 || true
      die "$name was not healthy within ${start_timeout}s (log: $run/$name.log)"
    fi
    sleep 0.5
  done
}

start() {
  fetch
  mkdir -p "$run" "$home/var/tmp" "$home/var/druid" "$home/var/zk"
  local began=$SECONDS deadline=$((SECONDS + start_timeout)) name
  for name in "${services[@]}"; do
    if service_pid "$name" >/dev/null; then continue; fi
    if svc_port_open "$(port_of "$name")"; then die "127.0.0.1:$(port_of "$name") ($name) is taken by another process"; fi
    launch "$name"
    # ZooKeeper and the coordinator (which runs the Derby metadata store) come first: the other
    # services fail their start when those are absent.
    case "$name" in zookeeper | coordinator) wait_healthy "$name" "$deadline" ;; esac
  done
  for name in "${services[@]}"; do wait_healthy "$name" "$deadline"; done
  say "Druid $version is healthy after $((SECONDS - began))s (broker http://127.0.0.1:$broker_port, overlord http://127.0.0.1:$coordinator_port)"
}

stop() {
  local name pid pids=() names=()
  # Reverse order: the services that use ZooKeeper and Derby leave before those go away.
  for name in indexer historical broker coordinator zookeeper; do
    if pid="$(service_pid "$name")"; then
      kill -TERM "$pid"
      pids+=("$pid")
      names+=("$name")
      if [ "$name" = indexer ] || [ "$name" = coordinator ]; then svc_wait_gone "$pid" "$stop_timeout" || true; fi
    fi
  done
  local i
  for i in "${!pids[@]}"; do
    if ! svc_wait_gone "${pids[$i]}" "$stop_timeout"; then
      say "${names[$i]} did not stop within ${stop_timeout}s; killing pid ${pids[$i]}"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      svc_wait_gone "${pids[$i]}" 10 || die "pid ${pids[$i]} does not exit"
    fi
    rm -f "$run/${names[$i]}.pid"
  done
  if [ "${#pids[@]}" -eq 0 ]; then say "no Druid service runs"; else say "stopped ${names[*]}"; fi
}

status() {
  local name bad=0
  for name in "${services[@]}"; do
    if healthy "$name"; then
      say "$name healthy on 127.0.0.1:$(port_of "$name")"
    else
      say "$name NOT healthy on 127.0.0.1:$(port_of "$name")"
      bad=1
    fi
  done
  [ "$bad" -eq 0 ] || exit 3
}

# One script at a time, so concurrent callers (tests, CI, a user) do not race a start.
locked() {
  svc_lock "$run/druid.lock"
  "$@"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
start) locked start ;;
stop) locked stop ;;
status) status ;;
fetch) locked fetch ;;
reset)
  locked stop
  rm -rf "$home/var"
  say "deleted $home/var"
  ;;
logs) printf '%s\n' "$run" ;;
urls) printf 'overlord http://127.0.0.1:%s\nbroker http://127.0.0.1:%s\n' "$coordinator_port" "$broker_port" ;;
*)
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
