#!/usr/bin/env bash
# Runs Nchan (nginx + Debian's libnginx-mod-nchan) on 127.0.0.1 as the load tool's peer, with nginx.conf from
# this directory. Everything nginx writes (pid file, logs, temp files, the filled-in config) goes under DIR.
#
#   run-nchan.sh check                 exit 0 if nginx and the nchan module are installed, 3 if not
#   run-nchan.sh start PORT [DIR]      start nginx in the background (DIR defaults to a new temp directory),
#                                      wait until it answers (at most 10 s); prints "dir=DIR" and "pid=PID"
#   run-nchan.sh stop DIR              stop the nginx whose pid is in DIR/nginx.pid (at most 10 s, then SIGKILL)
#   run-nchan.sh run PORT [DIR]        run nginx in the foreground until Ctrl-C
#
# Environment: NGINX (nginx binary, default: the one on PATH or /usr/sbin/nginx), NCHAN_MODULE (the module's .so).
# Exit codes: 0 ok, 1 failure, 2 usage, 3 nginx or the nchan module not installed
# (Debian/Ubuntu: apt-get install -y nginx libnginx-mod-nchan).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
conf_template="$here/nginx.conf"

usage() {
  sed -n '5,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

find_nginx() {
  if [ -n "${NGINX:-}" ]; then
    nginx_bin="$NGINX"
  elif command -v nginx >/dev/null 2>&1; then
    nginx_bin="$(command -v nginx)"
  else
    nginx_bin=/usr/sbin/nginx
  fi
  if [ ! -x "$nginx_bin" ]; then
    echo "run-nchan: nginx is not installed (looked for '$nginx_bin'). On Debian/Ubuntu: apt-get install -y nginx libnginx-mod-nchan" >&2
    exit 3
  fi
  module=""
  for candidate in "${NCHAN_MODULE:-}" /usr/lib/nginx/modules/ngx_nchan_module.so \
      /usr/share/nginx/modules/ngx_nchan_module.so /usr/lib64/nginx/modules/ngx_nchan_module.so; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then
      module="$candidate"
      break
    fi
  done
  if [ -z "$module" ]; then
    echo "run-nchan: the nchan module (ngx_nchan_module.so) is not installed. On Debian/Ubuntu: apt-get install -y libnginx-mod-nchan" >&2
    exit 3
  fi
}

check_port() {
  case "$1" in
    ''|*[!0-9]*) echo "run-nchan: port must be a number, got '$1'" >&2; exit 2 ;;
  esac
  if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
    echo "run-nchan: port out of range: $1" >&2
    exit 2
  fi
}

# Creates DIR (or a temp directory) and writes DIR/nginx.conf for PORT; sets $dir.
prepare() {
  local port="$1"
  dir="${2:-}"
  if [ -z "$dir" ]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/herald-nchan.XXXXXX")"
  fi
  mkdir -p "$dir/logs" "$dir/temp"
  dir="$(cd "$dir" && pwd)"
  # nginx's workers run as 'nobody' when the master is root: they must be able to enter DIR.
  chmod 755 "$dir" "$dir/logs" "$dir/temp"
  sed -e "s|@PORT@|$port|g" -e "s|@NCHAN_MODULE@|$module|g" "$conf_template" >"$dir/nginx.conf"
  if ! "$nginx_bin" -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log"; then
    echo "run-nchan: nginx rejected $dir/nginx.conf (see the message above)" >&2
    exit 1
  fi
}

# True once GET /nchan_status on PORT answers 200.
answers() {
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /nchan_status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    IFS= read -r status <&3
    case "$status" in "HTTP/1."?" 200"*) exit 0 ;; *) exit 1 ;; esac
  ' _ "$1" 2>/dev/null
}

alive() {
  kill -0 "$1" 2>/dev/null
}

start() {
  [ $# -ge 1 ] || usage
  check_port "$1"
  find_nginx
  prepare "$1" "${2:-}"
  if ! "$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log"; then
    echo "run-nchan: nginx did not start; last lines of $dir/logs/error.log:" >&2
    tail -n 5 "$dir/logs/error.log" >&2 || true
    exit 1
  fi
  local deadline=$((SECONDS + 10)) pid=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    pid="$(cat "$dir/nginx.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && alive "$pid" && answers "$1"; then
      echo "run-nchan: Nchan listening on http://127.0.0.1:$1 (nginx master pid $pid, files in $dir)" >&2
      echo "dir=$dir"
      echo "pid=$pid"
      return 0
    fi
    sleep 0.1
  done
  echo "run-nchan: Nchan did not answer on 127.0.0.1:$1 within 10 s; last lines of $dir/logs/error.log:" >&2
  tail -n 5 "$dir/logs/error.log" >&2 || true
  [ -n "$pid" ] && stop_pid "$pid"
  exit 1
}

# Stops the nginx master PID and its workers: SIGTERM (nginx's fast shutdown), at most 10 s, then SIGKILL.
stop_pid() {
  local pid="$1" workers deadline
  workers="$(pgrep -P "$pid" 2>/dev/null || true)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 10))
  while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
  if alive "$pid"; then
    echo "run-nchan: nginx $pid still running after 10 s, killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  for w in $workers; do
    kill -KILL "$w" 2>/dev/null || true
  done
}

stop() {
  [ $# -eq 1 ] || usage
  local pid
  pid="$(cat "$1/nginx.pid" 2>/dev/null || true)"
  if [ -z "$pid" ] || ! alive "$pid"; then
    echo "run-nchan: no running nginx recorded in $1/nginx.pid" >&2
    return 0
  fi
  stop_pid "$pid"
  echo "run-nchan: stopped nginx $pid" >&2
}

run() {
  [ $# -ge 1 ] || usage
  check_port "$1"
  find_nginx
  prepare "$1" "${2:-}"
  echo "run-nchan: Nchan on http://127.0.0.1:$1 in the foreground (files in $dir); Ctrl-C stops it" >&2
  exec "$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g 'daemon off;'
}

case "${1:-}" in
  check) find_nginx; echo "run-nchan: $nginx_bin with $module" ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  run) shift; run "$@" ;;
  *) usage ;;
esac
