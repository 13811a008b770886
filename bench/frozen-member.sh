#!/usr/bin/env bash
# What a frozen member costs the others: starts 3 members from the node's jar on loopback (HTTP 19101-19103,
# Hazelcast from 25101), SIGSTOPs the third for 25 s, prints the CPU the other two used meanwhile (per process and
# their busiest threads, from /proc), then resumes and stops all three (by their process ids).
#   bench/frozen-member.sh                    # node/target/herald.jar
#   bench/frozen-member.sh /tmp/other.jar     # another build, to compare
# docs/cluster.md ("A frozen member") has what it showed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:-$root/node/target/herald.jar}"
[ -f "$jar" ] || { echo "frozen-member: $jar is missing; build it: mvn -B -q -pl node -am package -DskipTests" >&2; exit 1; }
logs="$(mktemp -d)"
name="frozen-$$"
pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all INT TERM EXIT

for i in 0 1 2; do
  port=$((19101 + i))
  java -Xmx256m -jar "$jar" --cluster --port "$port" --host 127.0.0.1 \
    --set cluster.name="$name" --set cluster.port=25101 > "$logs/member-$port.log" 2>&1 &
  pids+=($!)
  for ((t = 0; t < 120; t++)); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "frozen-member: member $port not ready ($logs)" >&2; exit 1; }
done

kill -STOP "${pids[2]}"
echo "frozen-member: member ${pids[2]} stopped; measuring ${pids[0]} and ${pids[1]} for 25 s (logs in $logs)" >&2
python3 - "${pids[0]}" "${pids[1]}" <<'PY'
import os, sys, time
tick = os.sysconf('SC_CLK_TCK')
def threads(pid):
    seen = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            stat = open(f'/proc/{pid}/task/{tid}/stat').read()
            name = open(f'/proc/{pid}/task/{tid}/comm').read().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2:].split()
        seen[(tid, name)] = int(fields[11]) + int(fields[12])
    return seen
before = {p: threads(p) for p in sys.argv[1:]}
time.sleep(25)
for p in sys.argv[1:]:
    after = threads(p)
    used = sorted(((t - before[p].get(k, 0), k[1]) for k, t in after.items()), reverse=True)
    total = sum(u for u, _ in used)
    print(f'member {p}: {100 * total / tick / 25:.0f} % of a core; busiest threads: '
          + ', '.join(f'{n} {100 * u / tick / 25:.0f} %' for u, n in used[:3]))
PY
