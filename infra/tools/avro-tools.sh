#!/usr/bin/env bash
# Apache Avro's own command-line tools (Java), a strict reader of Avro container files that
# shares no code with avsc: the file-sink tests read every file recovery publishes with it.
#
#   infra/tools/avro-tools.sh fetch          download the jar once; print its path
#   infra/tools/avro-tools.sh jar            print the jar's path (fetches first if missing)
#   infra/tools/avro-tools.sh run TOOL ARGS  java -jar avro-tools.jar TOOL ARGS (tojson, getmeta, ...)
#
# Environment (all optional):
#   AVRO_TOOLS_VERSION     1.12.0 (org.apache.avro:avro-tools on Maven Central)
#   TRIBUTARY_INFRA_CACHE  <repo>/.infra-cache (git-ignored); the jar lives here
#   JAVA                   java (Java 11 or newer)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${AVRO_TOOLS_VERSION:-1.12.0}"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}"
java="${JAVA:-java}"
dir="$cache/avro-tools-$version"
jar="$dir/avro-tools-$version.jar"

say() { printf 'avro-tools.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

fetch() {
  if [ -f "$jar" ]; then return 0; fi
  command -v mvn >/dev/null || die "mvn (Maven 3.x) is needed to fetch avro-tools $version from Maven Central"
  mkdir -p "$dir"
  # Tests in parallel workers may ask at once: one downloads, the others wait for it.
  exec 9>"$dir/.lock"
  flock 9
  if [ -f "$jar" ]; then return 0; fi
  say "fetching org.apache.avro:avro-tools:$version from Maven Central into $dir"
  # The plain jar bundles its dependencies, so `java -jar` needs nothing else.
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    "-Dartifact=org.apache.avro:avro-tools:$version" "-DoutputDirectory=$dir.tmp" >&2
  [ -f "$dir.tmp/avro-tools-$version.jar" ] || die "Maven did not deliver avro-tools-$version.jar"
  mv "$dir.tmp/avro-tools-$version.jar" "$jar"
  rm -rf "$dir.tmp"
}

case "${1:-}" in
  fetch | jar)
    fetch
    printf '%s\n' "$jar"
    ;;
  run)
    shift
    fetch
    exec "$java" -jar "$jar" "$@"
    ;;
  *) die "usage: $0 fetch|jar|run TOOL [ARGS...]" ;;
esac
