#!/usr/bin/env bash
# The cross-node leg alone, in one command: starts a 3-member cluster from the node's jar on loopback, runs the load
# tool's `hop` scenario (one subscriber on member B, a publisher on member A, one case per channel owner: A, B, C),
# prints its blocks, and stops the members it started (by their process ids).
#   bench/hop.sh                                  # 100 msg/s, 30 s measured per owner after 10 s of warm-up at 1,000 msg/s
#   bench/hop.sh --rate 200 --duration 60 --json /tmp/hop.json   # any option of `hop` (--help lists them)
# Environment: HOP_NODE_JAR (node/target/herald.jar), HOP_LOAD_JAR (load/target/herald-load.jar), HOP_PORT (first HTTP
# port, 19001: members on it and the next two), HOP_CLUSTER_PORT (first Hazelcast port, 25001), NODE_OPTS (the
# members' JVM flags, those of ./herald with a 512 MB heap), HOP_LOGS (where the members' logs go, a temporary dir).
# Build the jars first: mvn -B -q -pl node,load -am package -DskipTests
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${HOP_NODE_JAR:-$root/node/target/herald.jar}"
load_jar="${HOP_LOAD_JAR:-$root/load/target/herald-load.jar}"
first="${HOP_PORT:-19001}"
cluster_port="${HOP_CLUSTER_PORT:-25001}"
read -r -a node_opts <<< "${NODE_OPTS:--Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError}"
logs="${HOP_LOGS:-$(mktemp -d)}"
name="hop-$$"

for f in "$jar" "$load_jar"; do
  [ -f "$f" ] || { echo "hop: $f is missing; build it: mvn -B -q -pl node,load -am package -DskipTests" >&2; exit 1; }
done

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all INT TERM EXIT

urls=()
for ((i = 0; i < 3; i++)); do
  port=$((first + i))
  java "${node_opts[@]}" -jar "$jar" --cluster --port "$port" --host 127.0.0.1 \
    --set cluster.name="$name" --set cluster.port="$cluster_port" > "$logs/member-$port.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port")
  # One after another (members that start together may each form a cluster of their own), at most a minute each.
  for ((t = 0; t < 120; t++)); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "hop: member on port $port exited (log: $logs/member-$port.log)" >&2; exit 1; }
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "hop: member on port $port not ready" >&2; exit 1; }
done
echo "hop: members ${urls[*]} (pids ${pids[*]}, logs in $logs)" >&2

# A publishes, B subscribes; the channel is owned by A, then B, then C.
java -Xmx1g -Xmn512m -jar "$load_jar" hop --publish-url "${urls[0]}" --url "${urls[1]}" \
  --owners "${urls[0]},${urls[1]},${urls[2]}" "$@"
