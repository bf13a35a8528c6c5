# Shared by the infra scripts (source it): pid files, detached launches, readiness waits, stops and
# locks for one local service. The sourcing script defines `say` and `die`.

# svc_pid PIDFILE PATTERN: print the pid recorded in PIDFILE when that process still runs and its
# command line matches the extended regex PATTERN (a recycled pid does not count).
svc_pid() {
  [ -f "$1" ] || return 1
  local pid
  pid="$(cat "$1")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq -e "$2" || return 1
  printf '%s' "$pid"
}

# svc_port_open PORT: whether something accepts connections on 127.0.0.1:PORT.
svc_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# svc_launch PIDFILE LOGFILE COMMAND...: start COMMAND detached (its own session, no stdin, output
# to LOGFILE, the previous log kept as LOGFILE.previous) and record its pid. fd 9, the caller's
# lock, is closed so the service does not hold the lock for its lifetime.
svc_launch() {
  local pidfile="$1" logfile="$2"
  shift 2
  if [ -f "$logfile" ]; then mv -f "$logfile" "$logfile.previous"; fi
  setsid nohup "$@" >"$logfile" 2>&1 </dev/null 9>&- &
  local pid=$! tries=0
  echo "$pid" >"$pidfile"
  # Until the background subshell has exec'd COMMAND, /proc/PID shows this script's command line,
  # and a readiness check that matches the service's command line would think it died. On a
  # loaded machine that window is long enough to be seen: wait for the exec (at most 5 s).
  while [ "$tries" -lt 100 ] && [ -r "/proc/$pid/cmdline" ] &&
    ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$1"; do
    sleep 0.05
    tries=$((tries + 1))
  done
}

# svc_wait_ready WHAT TIMEOUT LOGFILE ALIVE READY: poll READY (a command) until it succeeds; fail
# with the log's tail when ALIVE fails (the process died) or TIMEOUT seconds pass.
svc_wait_ready() {
  local what="$1" timeout="$2" logfile="$3" alive="$4" ready="$5" began=$SECONDS
  while ! "$ready"; do
    if ! "$alive"; then
      tail -n 40 "$logfile" >&2 || true
      die "$what exited during startup (log: $logfile)"
    fi
    if [ $((SECONDS - began)) -ge "$timeout" ]; then
      tail -n 40 "$logfile" >&2 || true
      die "$what did not serve within ${timeout}s (log: $logfile)"
    fi
    sleep 0.5
  done
  say "$what serves after $((SECONDS - began))s"
}

# svc_wait_gone PID SECONDS: wait until PID exits; fail after SECONDS.
svc_wait_gone() {
  local pid="$1" limit="$2" began=$SECONDS
  while [ -e "/proc/$pid" ]; do
    if [ $((SECONDS - began)) -ge "$limit" ]; then return 1; fi
    sleep 0.2
  done
}

# svc_stop WHAT PIDFILE PATTERN TIMEOUT: SIGTERM, then SIGKILL after TIMEOUT seconds.
svc_stop() {
  local what="$1" pidfile="$2" pattern="$3" timeout="$4" pid
  if ! pid="$(svc_pid "$pidfile" "$pattern")"; then
    say "$what does not run"
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid"
  if ! svc_wait_gone "$pid" "$timeout"; then
    say "$what did not stop within ${timeout}s; killing pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    svc_wait_gone "$pid" 10 || die "pid $pid does not exit"
  fi
  rm -f "$pidfile"
  say "stopped $what"
}

# svc_lock LOCKFILE: hold an exclusive lock (fd 9) for the rest of the script, so concurrent
# callers (CI, tests, benchmarks) do not race a start or a stop.
svc_lock() {
  mkdir -p "$(dirname "$1")"
  exec 9>"$1"
  flock 9
}
