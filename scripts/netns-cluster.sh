#!/usr/bin/env bash
# A test network of Herald members in network namespaces, and the faults the cluster tests inject into it
# (node/src/test/.../cluster/ClusterFaultsIT through NamespaceCluster; docs/development.md, "Network fault tests").
# Needs root, iproute2 (ip, tc) and iptables (the nftables backend is fine); `delay` also python3 (standard library).
#
# One run RUN (1-9 of [a-z0-9]) owns exactly these names, and no command touches any other:
#   bridge    hf<RUN>             in the root namespace, 10.213.<S>.254/24
#   members   hf<RUN>-n<i>        namespaces, i = 1..N (N <= 9), each with lo up and one veth end hf<RUN>-m<i> at
#                                 10.213.<S>.<i>/24; the other end, hf<RUN>-h<i>, is a port of the bridge
#   forward   one iptables FORWARD rule in the root namespace, commented "herald-netns hf<RUN>", accepting traffic
#             from the bridge to the bridge: with br_netfilter loaded and net.bridge.bridge-nf-call-iptables=1,
#             bridged frames traverse the root namespace's FORWARD chain, whose policy may be DROP (Docker sets it)
#   faults    the chains HF-IN, HF-OUT and HF-LOSS of each member namespace's filter table, HF-DELAY of its mangle
#             table, and its interface's root qdisc
#   delayers  for a member given `delay`, one scripts/nfqueue-delay.py process in its namespace, its pid in
#             /run/herald-netns-<RUN>-<i>-delay.pid and its output in /run/herald-netns-<RUN>-<i>-delay.log
# S is derived from RUN (or given to up) and read back from the bridge's address by every other command. The members
# have no default route: they reach each other and the root namespace's bridge address, nothing else.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: netns-cluster.sh COMMAND ...   (as root)
  check                          exit 0 if this machine can run it; otherwise say why, exit 1
  up RUN N [S]                   bridge hfRUN (10.213.S.254/24) and N member namespaces hfRUN-n1.. (10.213.S.i)
  down RUN                       kill what runs in that run's namespaces, delete exactly its namespaces, veths, bridge
                                 and FORWARD rule (idempotent)
  list                           the runs present (one RUN a line)
  addr RUN i                     member i's address (i = 0: the bridge's)
  partition RUN "1 2" "3 4 5"    each side drops (INPUT and OUTPUT) the other side's addresses only
  drop-from RUN i j              member i drops what it receives from member j (asymmetric)
  heal RUN                       remove every partition and drop-from rule of the run
  netem RUN i "SPEC"             tc netem SPEC (e.g. "delay 20ms 5ms loss 5%") on member i's interface (its egress);
                                 exit 3 where the kernel has no netem qdisc
  loss RUN i PERCENT             member i drops PERCENT % of what it sends, at random (iptables statistic: any kernel)
  delay RUN i MS JITTER_MS       what member i receives waits MS +- JITTER_MS ms (uniform) in a user-space delayer
                                 (iptables NFQUEUE, scripts/nfqueue-delay.py: no netem needed), so every round trip
                                 through member i takes MS longer; exit 3 where python3 or NFQUEUE is missing
  netem-clear RUN i              remove netem, loss and delay (stops the delayer)
  signal RUN i PID SIG           kill -SIG PID, only if PID lives in member i's namespace (STOP, CONT, KILL...)
  exec RUN i CMD...              run CMD in member i's namespace
EOF
}

die() {
  echo "netns-cluster: $*" >&2
  exit 1
}

PREFIX=10.213
LOCK=/run/herald-netns-cluster.lock
DELAYER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nfqueue-delay.py"

valid_run() {
  [[ "$1" =~ ^[a-z0-9]{1,9}$ ]] || die "RUN must be 1-9 characters of [a-z0-9]: '$1'"
}

valid_member() {
  [[ "$2" =~ ^[1-9]$ ]] || die "member must be 1-9: '$2'"
  [ -e "/run/netns/hf$1-n$2" ] || die "no member $2 in run $1 (no namespace hf$1-n$2)"
}

bridge() { echo "hf$1"; }
ns() { echo "hf$1-n$2"; }
member_if() { echo "hf$1-m$2"; }
host_if() { echo "hf$1-h$2"; }
delay_pid_file() { echo "/run/herald-netns-$1-$2-delay.pid"; }
delay_log() { echo "/run/herald-netns-$1-$2-delay.log"; }

# The run's third octet, from its bridge's address.
subnet_of() {
  local s
  s=$(ip -4 -o addr show dev "$(bridge "$1")" 2>/dev/null | sed -nE "s#.* ${PREFIX//./\\.}\.([0-9]+)\.254/24 .*#\1#p")
  [ -n "$s" ] || die "run $1 is not up (no bridge $(bridge "$1") with ${PREFIX}.S.254/24)"
  echo "$s"
}

addr() {
  local s
  s=$(subnet_of "$1")
  echo "${PREFIX}.${s}.$2"
}

# Whether anything in the root namespace already uses 10.213.S.0/24 (another run, or the host).
subnet_taken() {
  ip -4 -o addr show | grep -qE " ${PREFIX//./\\.}\.$1\.[0-9]+/" && return 0
  [ -n "$(ip -4 route show "${PREFIX}.$1.0/24")" ] && return 0
  return 1
}

forward_rule() {
  local b
  b=$(bridge "$1")
  echo "FORWARD -i $b -o $b -m comment --comment herald-netns-$b -j ACCEPT"
}

cmd_check() {
  [ "$(id -u)" = 0 ] || die "not root (network namespaces, veths and iptables need root)"
  local tool
  for tool in ip iptables tc; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on the PATH (Debian: apt-get install -y iproute2 iptables)"
  done
  local probe="hfprobe-$$"
  ip netns add "$probe" 2>/dev/null || die "ip netns add fails here (a container without CAP_SYS_ADMIN, or no /run/netns?)"
  local ok=1 delay
  ip netns exec "$probe" iptables -w 5 -S INPUT >/dev/null 2>&1 || ok=0
  # How delay can be injected here (only said: the tests fall back to loss alone without either).
  if ip netns exec "$probe" tc qdisc add dev lo root netem delay 1ms >/dev/null 2>&1; then
    delay="tc netem"
  elif ! command -v python3 >/dev/null 2>&1; then
    delay="none (no netem qdisc, and no python3 for the NFQUEUE delayer; Debian: apt-get install -y python3)"
  elif ! ip netns exec "$probe" iptables -w 5 -t mangle -A PREROUTING -i lo -j NFQUEUE --queue-num 0 --queue-bypass \
      >/dev/null 2>&1; then
    delay="none (no netem qdisc, and iptables has no NFQUEUE target)"
  else
    delay="NFQUEUE user-space delayer (scripts/nfqueue-delay.py; this kernel has no netem qdisc)"
  fi
  ip netns del "$probe"
  [ "$ok" = 1 ] || die "iptables does not work inside a network namespace here"
  echo "netns-cluster: usable; delay: $delay"
}

cmd_up() {
  [ $# -ge 2 ] && [ $# -le 3 ] || { usage >&2; exit 2; }
  local run=$1 n=$2 s=${3:-}
  valid_run "$run"
  [[ "$n" =~ ^[1-9]$ ]] || die "N must be 1-9: '$n'"
  exec 9>"$LOCK"
  flock -w 30 9 || die "another up holds $LOCK"
  ip link show "$(bridge "$run")" >/dev/null 2>&1 && die "run $run exists (bridge $(bridge "$run")): down it first"
  if [ -n "$s" ]; then
    [[ "$s" =~ ^[0-9]+$ ]] && [ "$s" -ge 1 ] && [ "$s" -le 250 ] || die "S must be 1-250: '$s'"
    subnet_taken "$s" && die "${PREFIX}.$s.0/24 is in use on this machine"
  else
    s=$(( $(printf '%s' "$run" | cksum | cut -d' ' -f1) % 250 + 1 ))
    local tries=0
    while subnet_taken "$s"; do
      tries=$((tries + 1))
      [ "$tries" -lt 250 ] || die "no free ${PREFIX}.S.0/24 for run $run"
      s=$(( s % 250 + 1 ))
    done
  fi
  trap 'echo "netns-cluster: up $run failed; removing what it made" >&2; cmd_down "$run"' ERR
  local b
  b=$(bridge "$run")
  ip link add "$b" type bridge
  ip addr add "${PREFIX}.$s.254/24" dev "$b"
  ip link set "$b" up
  local i
  for ((i = 1; i <= n; i++)); do
    local nsn
    nsn=$(ns "$run" "$i")
    ip netns add "$nsn"
    ip -n "$nsn" link set lo up
    ip link add "$(host_if "$run" "$i")" type veth peer name "$(member_if "$run" "$i")" netns "$nsn"
    ip link set "$(host_if "$run" "$i")" master "$b"
    ip link set "$(host_if "$run" "$i")" up
    ip -n "$nsn" addr add "${PREFIX}.$s.$i/24" dev "$(member_if "$run" "$i")"
    ip -n "$nsn" link set "$(member_if "$run" "$i")" up
  done
  # Bridged frames pass the root namespace's FORWARD chain when br_netfilter says so: accept this bridge's own.
  if [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 0)" = 1 ]; then
    # shellcheck disable=SC2046
    iptables -w 10 -I $(forward_rule "$run")
  fi
  trap - ERR
  echo "run $run: bridge $b ${PREFIX}.$s.254/24, members ${PREFIX}.$s.1-$n"
}

cmd_down() {
  [ $# -eq 1 ] || { usage >&2; exit 2; }
  local run=$1
  valid_run "$run"
  local nsn pid
  for nsn in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^hf${run}-n[1-9]$" || true); do
    # What still runs in the run's namespaces was started there by the run's harness (a test JVM that died first)
    # or by `delay` (the delayers).
    for pid in $(ip netns pids "$nsn" 2>/dev/null || true); do
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$nsn" || true   # takes the member's veth end, and so the pair, with it
  done
  local link
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^hf${run}-h[1-9]$" || true); do
    ip link del "$link" 2>/dev/null || true
  done
  if ip link show "$(bridge "$run")" type bridge >/dev/null 2>&1; then
    ip link del "$(bridge "$run")"
  fi
  rm -f "/run/herald-netns-${run}-"[1-9]"-delay.pid" "/run/herald-netns-${run}-"[1-9]"-delay.log"
  local tries=0
  # shellcheck disable=SC2046
  while [ "$tries" -lt 10 ] && iptables -w 10 -C $(forward_rule "$run") 2>/dev/null; do
    # shellcheck disable=SC2046
    iptables -w 10 -D $(forward_rule "$run")
    tries=$((tries + 1))
  done
}

cmd_list() {
  {
    ip netns list 2>/dev/null | awk '{print $1}' | sed -nE 's/^hf([a-z0-9]{1,9})-n[1-9]$/\1/p'
    ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | sed -nE 's/^hf([a-z0-9]{1,9})$/\1/p'
  } | sort -u
}

# The table of a fault chain: HF-DELAY is in mangle (its PREROUTING, so that the filter table's drops apply as usual).
chain_table() { case "$1" in HF-DELAY) echo mangle ;; *) echo filter ;; esac; }

# Runs iptables in member i's namespace on its fault chain CHAIN (HF-IN hooked into INPUT, HF-OUT and HF-LOSS into
# OUTPUT, HF-DELAY into mangle's PREROUTING), created on first use: member_iptables RUN i CHAIN arguments-after-it...
member_iptables() {
  local nsn chain=$3 hook table
  nsn=$(ns "$1" "$2")
  table=$(chain_table "$chain")
  shift 3
  case "$chain" in HF-IN) hook=INPUT ;; HF-DELAY) hook=PREROUTING ;; *) hook=OUTPUT ;; esac
  if ! ip netns exec "$nsn" iptables -w 10 -t "$table" -S "$chain" >/dev/null 2>&1; then
    ip netns exec "$nsn" iptables -w 10 -t "$table" -N "$chain"
    ip netns exec "$nsn" iptables -w 10 -t "$table" -I "$hook" -j "$chain"
  fi
  ip netns exec "$nsn" iptables -w 10 -t "$table" -A "$chain" "$@"
}

# Flushes member i's fault chains among CHAINS... that exist.
member_flush() {
  local nsn chain table
  nsn=$(ns "$1" "$2")
  shift 2
  for chain in "$@"; do
    table=$(chain_table "$chain")
    if ip netns exec "$nsn" iptables -w 10 -t "$table" -S "$chain" >/dev/null 2>&1; then
      ip netns exec "$nsn" iptables -w 10 -t "$table" -F "$chain"
    fi
  done
}

cmd_partition() {
  [ $# -eq 3 ] || { usage >&2; exit 2; }
  local run=$1 a b
  valid_run "$run"
  for a in $2; do valid_member "$run" "$a"; done
  for b in $3; do valid_member "$run" "$b"; done
  for a in $2; do
    for b in $3; do
      [ "$a" != "$b" ] || die "member $a is on both sides"
      member_iptables "$run" "$a" HF-IN -s "$(addr "$run" "$b")" -j DROP
      member_iptables "$run" "$a" HF-OUT -d "$(addr "$run" "$b")" -j DROP
      member_iptables "$run" "$b" HF-IN -s "$(addr "$run" "$a")" -j DROP
      member_iptables "$run" "$b" HF-OUT -d "$(addr "$run" "$a")" -j DROP
    done
  done
}

cmd_drop_from() {
  [ $# -eq 3 ] || { usage >&2; exit 2; }
  local run=$1
  valid_run "$run"
  valid_member "$run" "$2"
  valid_member "$run" "$3"
  member_iptables "$run" "$2" HF-IN -s "$(addr "$run" "$3")" -j DROP
}

cmd_heal() {
  [ $# -eq 1 ] || { usage >&2; exit 2; }
  local run=$1 nsn
  valid_run "$run"
  for nsn in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^hf${run}-n[1-9]$" || true); do
    member_flush "$run" "${nsn##*-n}" HF-IN HF-OUT
  done
}

cmd_netem() {
  [ $# -eq 3 ] || { usage >&2; exit 2; }
  valid_run "$1"
  valid_member "$1" "$2"
  local out
  # shellcheck disable=SC2086
  if ! out=$(ip netns exec "$(ns "$1" "$2")" tc qdisc replace dev "$(member_if "$1" "$2")" root netem $3 2>&1); then
    if [[ "$out" == *"qdisc kind is unknown"* ]]; then
      echo "netns-cluster: this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM); 'loss' (iptables) and 'delay'" \
        "(NFQUEUE) do it instead" >&2
      exit 3
    fi
    die "tc netem $3 on member $2: $out"
  fi
}

cmd_loss() {
  [ $# -eq 3 ] || { usage >&2; exit 2; }
  valid_run "$1"
  valid_member "$1" "$2"
  [[ "$3" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "PERCENT must be a number: '$3'"
  member_iptables "$1" "$2" HF-LOSS -m statistic --mode random --probability "$(awk -v p="$3" 'BEGIN { printf "%.4f", p / 100 }')" -j DROP
}

# Whether PID is member i's delayer: alive (not a zombie), running nfqueue-delay.py, in the member's namespace.
is_delayer() {
  local pid=$3
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "nfqueue-delay.py --queue $2 " || return 1
  [ "$(ip netns identify "$pid" 2>/dev/null)" = "$(ns "$1" "$2")" ]
}

# Stops member i's delayer, if it runs: SIGTERM (it accepts what it holds, unbinds, prints a count), SIGKILL after 5 s.
stop_delayer() {
  local pidf pid tries=0
  pidf=$(delay_pid_file "$1" "$2")
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  if is_delayer "$1" "$2" "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    while is_delayer "$1" "$2" "$pid" && [ "$tries" -lt 50 ]; do
      sleep 0.1
      tries=$((tries + 1))
    done
    if is_delayer "$1" "$2" "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    tail -n 1 "$(delay_log "$1" "$2")" 2>/dev/null || true
  fi
  rm -f "$pidf" "$(delay_log "$1" "$2")"
}

# The delay is on the member's ingress, not its egress as netem's: a packet held on egress still belongs to its
# socket, and TCP small queues then let a connection have only about two packets below it at a time, so that each
# connection is throttled to 2 packets per delay (measured: 190 KB/s at 30 ms, against 38 MB/s on ingress). Received
# packets belong to no socket. Round trips through the member take MS longer either way.
cmd_delay() {
  [ $# -eq 4 ] || { usage >&2; exit 2; }
  local run=$1 i=$2 ms=$3 jitter=$4
  valid_run "$run"
  valid_member "$run" "$i"
  [[ "$ms" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "MS must be a number: '$ms'"
  [[ "$jitter" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "JITTER_MS must be a number: '$jitter'"
  if ! command -v python3 >/dev/null 2>&1; then
    echo "netns-cluster: no python3 on the PATH for the NFQUEUE delayer (Debian: apt-get install -y python3)" >&2
    exit 3
  fi
  local nsn pidf log pid tries=0
  nsn=$(ns "$run" "$i")
  pidf=$(delay_pid_file "$run" "$i")
  log=$(delay_log "$run" "$i")
  member_flush "$run" "$i" HF-DELAY
  stop_delayer "$run" "$i" >/dev/null
  # Queues are per namespace; member i's is number i only to be legible. ip netns exec execs, so $! is python's pid.
  ip netns exec "$nsn" python3 "$DELAYER" --queue "$i" --delay-ms "$ms" --jitter-ms "$jitter" </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$pidf"
  # It says so once the queue is bound and configured; failed if it died first (its output says why). Until then
  # the child may still be this shell's fork or ip, before it execs python in the namespace: only its exit counts.
  until grep -q "queue $i bound" "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] \
        || [ "$tries" -ge 100 ]; then
      local out
      out=$(cat "$log" 2>/dev/null || true)
      stop_delayer "$run" "$i" >/dev/null 2>&1 || true
      die "the delayer of member $i did not bind queue $i: $out"
    fi
    sleep 0.1
    tries=$((tries + 1))
  done
  # --queue-bypass: should the delayer be gone, packets pass instead of being dropped.
  if ! member_iptables "$run" "$i" HF-DELAY -i "$(member_if "$run" "$i")" -j NFQUEUE --queue-num "$i" \
      --queue-bypass; then
    stop_delayer "$run" "$i" >/dev/null
    echo "netns-cluster: iptables has no NFQUEUE target here: no delay" >&2
    exit 3
  fi
}

cmd_netem_clear() {
  [ $# -eq 2 ] || { usage >&2; exit 2; }
  valid_run "$1"
  valid_member "$1" "$2"
  ip netns exec "$(ns "$1" "$2")" tc qdisc del dev "$(member_if "$1" "$2")" root 2>/dev/null || true
  member_flush "$1" "$2" HF-LOSS HF-DELAY
  # After the rule is gone: the delayer accepts what it still holds as it stops.
  stop_delayer "$1" "$2"
}

cmd_signal() {
  [ $# -eq 4 ] || { usage >&2; exit 2; }
  valid_run "$1"
  valid_member "$1" "$2"
  [[ "$3" =~ ^[0-9]+$ ]] || die "PID must be a number: '$3'"
  [[ "$4" =~ ^[A-Z]+$ ]] || die "SIG must be a signal name such as STOP: '$4'"
  local where
  where=$(ip netns identify "$3" 2>/dev/null || true)
  [ "$where" = "$(ns "$1" "$2")" ] || die "process $3 is not in $(ns "$1" "$2") (it is in '${where}')"
  kill -s "$4" "$3"
}

cmd_exec() {
  [ $# -ge 3 ] || { usage >&2; exit 2; }
  valid_run "$1"
  valid_member "$1" "$2"
  local nsn
  nsn=$(ns "$1" "$2")
  shift 2
  exec ip netns exec "$nsn" "$@"
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
command=$1
shift
case "$command" in
  check) cmd_check ;;
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  list) cmd_list ;;
  addr)
    [ $# -eq 2 ] || { usage >&2; exit 2; }
    valid_run "$1"
    [ "$2" = 0 ] && echo "${PREFIX}.$(subnet_of "$1").254" || { valid_member "$1" "$2"; addr "$1" "$2"; }
    ;;
  partition) cmd_partition "$@" ;;
  drop-from) cmd_drop_from "$@" ;;
  heal) cmd_heal "$@" ;;
  netem) cmd_netem "$@" ;;
  netem-clear) cmd_netem_clear "$@" ;;
  loss) cmd_loss "$@" ;;
  delay) cmd_delay "$@" ;;
  signal) cmd_signal "$@" ;;
  exec) cmd_exec "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
