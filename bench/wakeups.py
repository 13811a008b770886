#!/usr/bin/env python3
"""Reads a text dump of the kernel's sched_wakeup and sched_switch events (ftrace with record-tgid; bench/wakeups.sh
writes one) and says how long woken threads waited for a CPU, and what held the CPUs while the slow ones waited.

  bench/wakeups.py TRACE [--from S] [--to S] [--slow-us US]

--from/--to: seconds since the first event (a measured stretch only); --slow-us: what counts as a slow wake-up
(default 1000). Threads are grouped by name without pool numbers (the kernel keeps 15 characters of Java's names;
every Hazelcast thread is 'hazelcast'), CPU time also by process id.
"""
import argparse
import bisect
import collections
import re

LINE = re.compile(r'^\s*.{1,16}?-\d+\s+\(\s*([\d-]+)\)\s+\[(\d+)\]\s+\S+\s+([\d.]+):\s+(sched_wakeup|sched_switch):\s+(.*)$')
SWITCH = re.compile(r'prev_comm=(.*?) prev_pid=\d+ .*?==> next_comm=(.*?) next_pid=(\d+)')
WAKEUP = re.compile(r'comm=(.*?) pid=(\d+) prio=\d+ target_cpu=(\d+)')


def group(name):
    if name.startswith('swapper'):
        return 'idle'
    if name.startswith('hz.'):
        return 'hazelcast'
    return re.sub(r'[#-]?\d+$', '', name)


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('trace')
    ap.add_argument('--from', dest='start', type=float, default=0.0)
    ap.add_argument('--to', dest='end', type=float, default=float('inf'))
    ap.add_argument('--slow-us', type=float, default=1000.0)
    ap.add_argument('--rows', type=int, default=10, help='lines per table')
    args = ap.parse_args()

    first = None
    running = {}                                # cpu -> (thread name, since)
    slices = collections.defaultdict(list)      # cpu -> [(start, end, group)]
    cpu_time = collections.Counter()            # (group, pid) -> seconds
    woken = {}                                  # tid -> (time, group, group running on its CPU, another CPU idle)
    waits = collections.defaultdict(list)       # group -> [seconds from wake-up to running]
    slow = []                                   # (woken at, ran at)
    slow_states = collections.Counter()
    for line in open(args.trace, errors='replace'):
        m = LINE.match(line)
        if not m:
            continue
        pid, cpu, event, rest = m.group(1), int(m.group(2)), m.group(4), m.group(5)
        t = float(m.group(3))
        first = t if first is None else first
        if not args.start <= t - first <= args.end:
            continue
        if event == 'sched_wakeup':
            w = WAKEUP.search(rest)
            if w:
                target = int(w.group(3))
                other_idle = any(c != target and group(n) == 'idle' for c, (n, _) in running.items())
                woken[w.group(2)] = (t, group(w.group(1)), group(running.get(target, ('?', t))[0]), other_idle)
            continue
        s = SWITCH.search(rest)
        if not s:
            continue
        if cpu in running:                      # the line's pid is the leaving thread's process
            since = running[cpu][1]
            slices[cpu].append((since, t, group(s.group(1))))
            cpu_time[(group(s.group(1)), pid)] += t - since
        running[cpu] = (s.group(2), t)
        wake = woken.pop(s.group(3), None)
        if wake:
            waits[wake[1]].append(t - wake[0])
            if t - wake[0] > args.slow_us / 1e6:
                slow.append((wake[0], t))
                slow_states[(wake[2], 'another CPU idle' if wake[3] else 'no CPU idle')] += 1

    span = max(t for sl in slices.values() for _, t, _ in sl) - min(sl[0][0] for sl in slices.values())
    print(f'{span:.1f} s of trace on {len(slices)} CPUs')
    print('\nfrom wake-up to running, by thread: wake-ups, then P50 / P99 / P99.9 / max in us')
    for name, v in sorted(waits.items(), key=lambda kv: -len(kv[1]))[:16]:
        v.sort()
        print(f'  {name:22s} {len(v):8d} {percentile(v, .5) * 1e6:7.0f} {percentile(v, .99) * 1e6:7.0f}'
              f' {percentile(v, .999) * 1e6:7.0f} {v[-1] * 1e6:7.0f}')

    print(f'\n{len(slow)} of {sum(map(len, waits.values()))} wake-ups waited over {args.slow_us:.0f} us;'
          ' their CPU was running, and was another CPU idle:')
    for (holder, other), n in slow_states.most_common(args.rows):
        print(f'  {n:6d}  {holder:22s} {other}')

    held = collections.Counter()
    for cpu, sl in slices.items():
        starts = [s for s, _, _ in sl]
        for woke, ran in slow:
            i = max(0, bisect.bisect_right(starts, woke) - 1)
            while i < len(sl) and sl[i][0] < ran:
                held[sl[i][2]] += max(0.0, min(sl[i][1], ran) - max(sl[i][0], woke))
                i += 1
    total = sum(held.values()) or 1
    print('\nwhat ran on the CPUs while they waited (share of that CPU time):')
    for name, sec in held.most_common(args.rows):
        print(f'  {name:22s} {100 * sec / total:5.1f} %')

    print('\nCPU time by thread and process (% of one CPU over the stretch):')
    for (name, pid), sec in cpu_time.most_common(24):
        if name != 'idle':
            print(f'  {name:22s} {pid:>8s} {100 * sec / span:6.1f}')


if __name__ == '__main__':
    main()
