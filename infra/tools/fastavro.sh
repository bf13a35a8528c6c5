#!/usr/bin/env bash
# Prints the path of a Python interpreter that can `import fastavro`, the reference Avro reader the
# file-sink tests read files with. `npx` puts Node's own directory first on PATH, and there may be
# a python3 without fastavro, so the candidates are tried in turn; when none has it, a venv under
# the git-ignored cache gets the pinned fastavro from PyPI (once, about 10 s).
#
#   infra/tools/fastavro.sh python    print the interpreter's path (installing into the venv if needed)
#   infra/tools/fastavro.sh find      print it only if one already has fastavro; exit 3 if none
#
# Candidates, in order: $TRIBUTARY_PYTHON, python3 on PATH, /usr/bin/python3,
# /usr/local/bin/python3, ~/.pyenv/shims/python3, then <cache>/python/venv/bin/python.
#
# Environment (all optional):
#   TRIBUTARY_PYTHON       a python3 to try first
#   FASTAVRO_VERSION       1.13.1 (installed into the venv; an existing fastavro of any version is used)
#   TRIBUTARY_INFRA_CACHE  <repo>/.infra-cache (git-ignored); the venv lives in its python/venv
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${FASTAVRO_VERSION:-1.13.1}"
cache="${TRIBUTARY_INFRA_CACHE:-$repo/.infra-cache}"
venv="$cache/python/venv"

say() { printf 'fastavro.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

has_fastavro() { [ -n "$1" ] && "$1" -c 'import fastavro' >/dev/null 2>&1; }

find_python() {
  local candidate
  for candidate in "${TRIBUTARY_PYTHON:-}" "$(command -v python3 || true)" /usr/bin/python3 \
    /usr/local/bin/python3 "$HOME/.pyenv/shims/python3" "$venv/bin/python"; do
    if has_fastavro "$candidate"; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 3
}

# Any python3 that can make a venv with pip: the first candidate that runs.
base_python() {
  local candidate
  for candidate in "${TRIBUTARY_PYTHON:-}" "$(command -v python3 || true)" /usr/bin/python3 \
    /usr/local/bin/python3 "$HOME/.pyenv/shims/python3"; do
    if [ -n "$candidate" ] && "$candidate" -c 'import venv, ensurepip' >/dev/null 2>&1; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

install() {
  mkdir -p "$cache/python"
  # Tests in parallel workers may ask at once: one installs, the others wait for it.
  exec 9>"$cache/python/.lock"
  flock 9
  if has_fastavro "$venv/bin/python"; then return 0; fi
  local base
  base="$(base_python)" || die "no python3 with the venv and ensurepip modules (Debian: apt-get install python3-venv)"
  say "installing fastavro==$version from PyPI into $venv (with $base)"
  rm -rf "$venv"
  "$base" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "fastavro==$version" >&2
  has_fastavro "$venv/bin/python" || die "fastavro does not import after installing it into $venv"
}

case "${1:-}" in
  find) find_python ;;
  python)
    find_python && exit 0
    install
    printf '%s\n' "$venv/bin/python"
    ;;
  *) die "usage: $0 python|find" ;;
esac
