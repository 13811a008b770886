#!/usr/bin/env bash
# Runs a command with the kernel recording every thread wake-up and context switch (ftrace's sched_wakeup and
# sched_switch), saves the trace, and prints bench/wakeups.py's report of it: how long woken threads waited for a CPU
# and what held the CPUs meanwhile. Needs root (it mounts tracefs if it is not mounted); the recording costs little
# CPU (a ring buffer of 256 MB per CPU, read after the command ends).
#   bench/wakeups.sh /tmp/hop-trace.txt bench/hop.sh --warmup 40
#   bench/wakeups.py /tmp/hop-trace.txt --from 140 --to 228       # the same report for a stretch of it
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: bench/wakeups.sh TRACE-FILE COMMAND [ARG...]" >&2; exit 2; }
out="$1"; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tracing=/sys/kernel/tracing
[ "$(id -u)" = 0 ] || { echo "wakeups: needs root (ftrace)" >&2; exit 1; }
[ -e "$tracing/trace" ] || mount -t tracefs nodev "$tracing"

restore() {
  echo 0 > "$tracing/tracing_on"
  echo > "$tracing/set_event"
  echo > "$tracing/trace"
  echo 1408 > "$tracing/buffer_size_kb"   # the kernel's default
}
trap restore EXIT
echo 0 > "$tracing/tracing_on"
echo > "$tracing/trace"
echo 262144 > "$tracing/buffer_size_kb"
echo 1 > "$tracing/options/record-tgid"
echo 'sched:sched_switch sched:sched_wakeup' > "$tracing/set_event"
echo 1 > "$tracing/tracing_on"
status=0
"$@" || status=$?
echo 0 > "$tracing/tracing_on"
cat "$tracing/trace" > "$out"
echo "wakeups: $(grep -vc '^#' "$out") events in $out; the command exited with $status" >&2
python3 "$root/bench/wakeups.py" "$out"
exit "$status"
