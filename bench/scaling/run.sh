#!/usr/bin/env bash
# Measures what each member of a Herald cluster costs the others, on 1, 3 and 5 members of this machine
# (docs/scaling.md has the model, the figures and the projection). For each size it starts the members with
# small heaps, then bench/scaling/measure.mjs measures (a) an idle window, (b) a fixed publish load with
# subscribers on every member, (c) subscription churn, and 1,000 channels held idle; then the members are stopped.
#
#   bench/scaling/run.sh                 # sizes 1 3 5; 10-12 minutes of measuring on 2 cores, plus waits for the lock
#   SIZES="1 3" IDLE_S=10 bench/scaling/run.sh
#   SIZES="3 5" LOAD_S=0 CHURN_ROUNDS=0 JAR=/elsewhere/herald.jar bench/scaling/run.sh   # idle and held channels only
#
# Needs the node jar (mvn -B -q -o -pl node -am package -DskipTests), Node 20+, ss, jcmd, flock, curl.
# Writes OUT (default bench/target/scaling): summary.tsv, a table on stdout, one JSON per size, the members' logs.
# Each size runs holding the lock /tmp/herald-bench.lock (other benchmarks of this machine take it too) and records
# the load average before it. Talks to 127.0.0.1 only: HTTP ports 19500-19599, Hazelcast 25200-25299, event bus
# 25300-25399. Stops exactly the processes it started (by PID), whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${SIZES:-"1 3 5"}
OUT=${OUT:-bench/target/scaling}
HEAP=${HEAP:-192m}
IDLE_S=${IDLE_S:-15}
LOAD_CHANNELS=${LOAD_CHANNELS:-10}
LOAD_PER_MEMBER=${LOAD_PER_MEMBER:-2}
LOAD_RATE=${LOAD_RATE:-100}
LOAD_S=${LOAD_S:-10}
CHURN_CHANNELS=${CHURN_CHANNELS:-100}
CHURN_ROUNDS=${CHURN_ROUNDS:-6}
HELD_CHANNELS=${HELD_CHANNELS:-1000}
HELD_S=${HELD_S:-15}
JAR=${JAR:-node/target/herald.jar}
LOCK=/tmp/herald-bench.lock

PIDS=()
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  PIDS=()
}

# One cluster size (the caller holds the lock): start the members one after another, measure, stop them.
one() {
  local n=$1 idx=$2
  local name="scale-$$-$n" hz0=$((25200 + 20 * idx)) bus0=$((25300 + 20 * idx)) http0=$((19500 + 20 * idx))
  local seeds="" i
  for ((i = 0; i < n; i++)); do seeds+="${seeds:+,}127.0.0.1:$((hz0 + i))"; done
  local members="" ready_ms=()
  echo "$(date -u +%FT%TZ) n=$n load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/n$n.uptime"
  for ((i = 0; i < n; i++)); do
    local http=$((http0 + i)) hz=$((hz0 + i)) bus=$((bus0 + i)) t0
    t0=$(date +%s%3N)
    java -Xmx"$HEAP" -jar "$JAR" --cluster --port "$http" --host 127.0.0.1 \
      --set cluster.name="$name" --set cluster.port="$hz" --set cluster.members="$seeds" --set cluster.bus_port="$bus" \
      --set gateway.instances=1 --set ws.request_rate=0 --set ws.new_channel_rate=0 \
      --set namespace.history_ttl_ms=5000 >"$OUT/n$n-member$i.log" 2>&1 9>&- &
    local pid=$!
    PIDS+=("$pid")
    disown "$pid" # cleanup reaps it; no "Killed" line from bash
    for _ in $(seq 1 240); do
      curl -fsS -o /dev/null "http://127.0.0.1:$http/health/ready" 2>/dev/null && break
      kill -0 "$pid" 2>/dev/null || { echo "member $i exited; see $OUT/n$n-member$i.log" >&2; exit 1; }
      sleep 0.25
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$http/health/ready" || { echo "member $i not ready in 60 s" >&2; exit 1; }
    ready_ms+=($(($(date +%s%3N) - t0)))
    members+="${members:+,}{\"http\":$http,\"pid\":$pid,\"hz\":$hz,\"bus\":$bus}"
  done
  # Every member sees all the others before anything is measured.
  for _ in $(seq 1 120); do
    local seen
    seen=$(curl -fsS "http://127.0.0.1:$http0/metrics" | awk '/^herald_cluster_members /{print int($2)}')
    [ "$seen" = "$n" ] && break
    sleep 0.5
  done
  sleep 3
  cat >"$OUT/n$n.config.json" <<EOF
{"n":$n,"members":[$members],"idle_s":$IDLE_S,
 "load":$([ "$LOAD_S" = 0 ] && echo null || echo "{\"channels\":$LOAD_CHANNELS,\"per_member\":$LOAD_PER_MEMBER,\"rate\":$LOAD_RATE,\"duration_s\":$LOAD_S}"),
 "churn":{"channels":$CHURN_CHANNELS,"rounds":$CHURN_ROUNDS,"held_channels":$HELD_CHANNELS,"held_s":$HELD_S,"settle_s":1}}
EOF
  # In the background, so that a signal reaches the trap at once (bash defers traps during a foreground command).
  timeout 420 node --experimental-websocket --no-warnings bench/scaling/measure.mjs "$OUT/n$n.config.json" \
    >"$OUT/n$n.json.tmp" 2>"$OUT/n$n.measure.log" 9>&- &
  PIDS+=($!)
  wait $! || { echo "measure.mjs failed; see $OUT/n$n.measure.log" >&2; exit 1; }
  node -e '
    const fs = require("fs");
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    r.load_average = fs.readFileSync(process.argv[2], "utf8").trim();
    r.ready_ms = process.argv.slice(3).map(Number);
    fs.writeFileSync(process.argv[1].replace(/\.tmp$/, ""), JSON.stringify(r, null, 1));' \
    "$OUT/n$n.json.tmp" "$OUT/n$n.uptime" "${ready_ms[@]}"
  rm -f "$OUT/n$n.json.tmp"
  cleanup
  echo "$(date -u +%FT%TZ) n=$n done" >&2
}

[ -f "$JAR" ] || { echo "no $JAR: mvn -B -q -o -pl node -am package -DskipTests" >&2; exit 1; }
for tool in node ss jcmd flock curl; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
mkdir -p "$OUT"
start=$(date +%s)
{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "node: $(node --version); jar: $JAR ($(git log -1 --format=%h) here); $(date -u +%FT%TZ)"
} | tee "$OUT/machine.txt"
# The lock is held on fd 9 for one size at a time (what `flock /tmp/herald-bench.lock CMD` takes), so another
# benchmark may run between two sizes but never during one; no child of this script inherits the fd.
exec 9>"$LOCK"
idx=0
for n in $SIZES; do
  flock -w 1200 9 || { echo "$LOCK busy for 20 minutes" >&2; exit 1; }
  one "$n" "$idx"
  flock -u 9
  idx=$((idx + 1))
done
node bench/scaling/summary.mjs "$OUT" $SIZES | tee "$OUT/summary.txt"
echo "took $(($(date +%s) - start)) s; results in $OUT" >&2
