// What each member of a running local cluster costs, idle, under load and under subscription churn
// (docs/scaling.md). Started by bench/scaling/run.sh, which starts the members and holds the bench lock:
//
//   node --experimental-websocket bench/scaling/measure.mjs CONFIG.json > RESULT.json
//
// CONFIG: {"n":3, "members":[{"http":19520,"pid":123,"hz":25220,"bus":25320}, ...],
//          "idle_s":15, "load":{"channels":10,"per_member":2,"rate":100,"duration_s":10},
//          "churn":{"channels":100,"rounds":6,"held_channels":1000,"held_s":15,"settle_s":1}}
//
// Counters per member, read at the start and the end of each window: CPU seconds (/proc/PID/stat utime+stime),
// RSS and threads (/proc/PID/status), heap used (/metrics), and the member's TCP connections from `ss -tinp`
// split by what the other end is: a Hazelcast member port ("hz"), an event-bus port ("bus"), a client of its
// HTTP port ("client"). Bytes are tcp_info's bytes_sent/bytes_received summed over the member's hz and bus
// sockets: what it exchanged with the other members. Talks to 127.0.0.1 only; every wait is bounded.
// TRACE_S=2 in the environment logs every idle window's rates each 2 s (to see the 5-s sweep's bursts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const members = config.members;
const N = members.length;
const HZ = new Set(members.map((m) => m.hz));
const BUS = new Set(members.map((m) => m.bus));
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const log = (...a) => console.error(`[measure n=${N}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- counters

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status) || [0, 0])[1]);
  return { cpu_s: (Number(f[11]) + Number(f[12])) / TICK, rss_mb: kb('VmRSS') / 1024, threads: kb('Threads') };
}

/** Every established TCP socket of the members' processes, with its counters. */
function sockets() {
  const out = execFileSync('ss', ['-tinpH', 'state', 'established'], { maxBuffer: 64 << 20 }).toString();
  const lines = out.split('\n');
  const list = [];
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i];
    if (!head || /^\s/.test(head)) continue;
    const info = i + 1 < lines.length && /^\s/.test(lines[i + 1]) ? lines[i + 1] : '';
    const ports = /\S+:(\d+)\s+\S+:(\d+)/.exec(head);
    if (!ports) continue;
    for (const p of head.matchAll(/pid=(\d+)/g)) {
      list.push({
        pid: Number(p[1]), lp: Number(ports[1]), pp: Number(ports[2]),
        sent: Number((/bytes_sent:(\d+)/.exec(info) || [0, 0])[1]),
        recv: Number((/bytes_received:(\d+)/.exec(info) || [0, 0])[1]),
      });
    }
  }
  return list;
}

function classify(m, s) {
  if (s.lp === m.hz) return ['hz', 'in'];
  if (HZ.has(s.pp)) return ['hz', 'out'];
  if (s.lp === m.bus) return ['bus', 'in'];
  if (BUS.has(s.pp)) return ['bus', 'out'];
  if (s.lp === m.http) return ['client', 'in'];
  return ['other', 'out'];
}

async function heapUsed(m) {
  try {
    const text = await (await fetch(`http://127.0.0.1:${m.http}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    let sum = 0;
    for (const l of text.split('\n')) {
      if (l.startsWith('jvm_memory_used_bytes{') && l.includes('area="heap"')) sum += Number(l.slice(l.lastIndexOf(' ') + 1));
    }
    return sum / 1048576;
  } catch {
    return null;
  }
}

/** Heap after a full GC (jcmd): live objects only. Outside every measured window (it costs the member CPU). */
function heapAfterGc(m) {
  try {
    execFileSync('jcmd', [String(m.pid), 'GC.run'], { timeout: 30000 });
    const info = execFileSync('jcmd', [String(m.pid), 'GC.heap_info'], { timeout: 30000 }).toString();
    const used = /used (\d+)K/.exec(info);
    return used ? Number(used[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Channels the members' stores hold (herald_channels: owned entries as of each member's last 5-s sweep). */
async function channelsHeld() {
  let sum = 0;
  for (const m of members) {
    const text = await (await fetch(`http://127.0.0.1:${m.http}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const line = text.split('\n').find((l) => l.startsWith('herald_channels '));
    sum += line ? Number(line.split(' ')[1]) : 0;
  }
  return sum;
}

/** Waits (at most `seconds`) until the cluster holds no channel but the members' canary channels. */
async function channelsGone(seconds) {
  const until = Date.now() + seconds * 1000;
  let held = await channelsHeld();
  while (held > N && Date.now() < until) {
    await sleep(1000);
    held = await channelsHeld();
  }
  return held;
}

async function sample() {
  const socks = sockets();
  const t = performance.now();
  const heaps = await Promise.all(members.map(heapUsed));
  return members.map((m, i) => {
    const conns = { hz_in: 0, hz_out: 0, bus_in: 0, bus_out: 0, client_in: 0, other_out: 0 };
    const bytes = {};
    for (const s of socks.filter((x) => x.pid === m.pid)) {
      const [kind, dir] = classify(m, s);
      conns[`${kind}_${dir}`]++;
      bytes[`${s.lp}:${s.pp}`] = { kind, sent: s.sent, recv: s.recv };
    }
    return { t, ...procStat(m.pid), heap_mb: heaps[i], conns, bytes };
  });
}

/** What each member spent between two samples, less `baseline` (per-second idle rates) times the window. */
function delta(a, b, baseline) {
  const secs = (b[0].t - a[0].t) / 1000;
  const per = members.map((m, i) => {
    const d = { cpu_s: b[i].cpu_s - a[i].cpu_s, hz_sent: 0, hz_recv: 0, bus_sent: 0, bus_recv: 0 };
    for (const [key, s] of Object.entries(b[i].bytes)) {
      if (s.kind !== 'hz' && s.kind !== 'bus') continue;
      const before = a[i].bytes[key] || { sent: 0, recv: 0 };
      d[`${s.kind}_sent`] += s.sent - before.sent;
      d[`${s.kind}_recv`] += s.recv - before.recv;
    }
    if (baseline) {
      for (const k of ['cpu_s', 'hz_sent', 'hz_recv', 'bus_sent', 'bus_recv']) d[k] -= baseline[i][k] * secs;
    }
    return d;
  });
  const total = (k) => per.reduce((s, d) => s + d[k], 0);
  return { secs, per, cpu_s: total('cpu_s'), hz_bytes: total('hz_sent'), bus_bytes: total('bus_sent') };
}

// ---------------------------------------------------------------- clients

function open(m, onText) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${m.http}/ws`);
    const timer = setTimeout(() => reject(new Error(`connect to ${m.http} timed out`)), 15000);
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      if (e.data.startsWith('{"type":"connected"')) {
        clearTimeout(timer);
        resolve(ws);
      }
      onText(e.data);
    };
    ws.onerror = () => reject(new Error(`websocket to ${m.http} failed`));
  });
}

/** Sends one request frame per channel on `ws`; resolves with how many replies were errors, once all came. */
const errorSamples = [];
/**
 * Sends one request frame per channel on `ws`, at most `window` unanswered at a time (a storm of thousands at once
 * would only measure the 10-s broker timeout); resolves with how many replies were errors, once all came.
 */
function requests(ws, type, channels, pending, timeoutMs, window = 16) {
  return new Promise((resolve, reject) => {
    let left = channels.length;
    let next = 0;
    let errors = 0;
    const timer = setTimeout(() => reject(new Error(`${left} ${type} replies missing`)), timeoutMs);
    const send = () => {
      const channel = channels[next++];
      const id = pending.next++;
      pending.map.set(id, (text) => {
        if (text.startsWith('{"type":"error"')) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(text);
        }
        if (--left === 0) {
          clearTimeout(timer);
          resolve(errors);
        } else if (next < channels.length) {
          send();
        }
      });
      ws.send(JSON.stringify({ type, id, channel }));
    };
    while (next < Math.min(window, channels.length)) send();
  });
}

function replies(pending) {
  return (text) => {
    const id = /"id":(\d+)/.exec(text);
    if (id && (text.startsWith('{"type":"subscribed"') || text.startsWith('{"type":"unsubscribed"')
      || text.startsWith('{"type":"error"'))) {
      const f = pending.map.get(Number(id[1]));
      if (f) {
        pending.map.delete(Number(id[1]));
        f(text);
      }
    }
  };
}

async function publish(m, channel, i) {
  const body = JSON.stringify({ channel, data: { t: Date.now(), i, pad: 'x'.repeat(60) } });
  const r = await fetch(`http://127.0.0.1:${m.http}/api/publish`, {
    method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10000),
  });
  await r.arrayBuffer();
  return r.status === 200;
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : null);

// ---------------------------------------------------------------- phases

async function idle(seconds, gc = true) {
  const a = await sample();
  if (process.env.TRACE_S) {
    let prev = a;
    for (let t = 0; t < seconds; t += Number(process.env.TRACE_S)) {
      await sleep(Number(process.env.TRACE_S) * 1000);
      const now = await sample();
      const d = delta(prev, now);
      log(`trace +${t}s hz ${(d.hz_bytes / d.secs).toFixed(0)} B/s bus ${(d.bus_bytes / d.secs).toFixed(0)} B/s cpu ${(100 * d.cpu_s / d.secs).toFixed(1)} %`);
      prev = now;
    }
  } else {
    await sleep(seconds * 1000);
  }
  const b = await sample();
  const d = delta(a, b);
  const heapGc = gc ? members.map(heapAfterGc) : [];
  return {
    window_s: d.secs,
    baseline: d.per.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v / d.secs]))),
    cluster: { cpu_pct: (100 * d.cpu_s) / d.secs, hz_bytes_s: d.hz_bytes / d.secs, bus_bytes_s: d.bus_bytes / d.secs },
    members: members.map((m, i) => ({
      http: m.http, cpu_pct: (100 * d.per[i].cpu_s) / d.secs,
      hz_sent_s: d.per[i].hz_sent / d.secs, hz_recv_s: d.per[i].hz_recv / d.secs,
      bus_sent_s: d.per[i].bus_sent / d.secs, bus_recv_s: d.per[i].bus_recv / d.secs,
      rss_mb: b[i].rss_mb, threads: b[i].threads, heap_mb: b[i].heap_mb, heap_after_gc_mb: heapGc[i], conns: b[i].conns,
    })),
  };
}

/**
 * `channels` channels with `perMember` subscribers each on every member (watchAll: every member watches every
 * channel, W = N) or all on one member (W = 1); `rate` publishes a second for `duration` seconds, each on the next
 * member in turn; then the counters per publish and per delivery.
 */
async function load({ channels, per_member: perMember, rate, duration_s: duration }, watchAll, baseline) {
  const prefix = `scale${N}-${Date.now()}-${watchAll ? 'all' : 'one'}:c`;
  const names = Array.from({ length: channels }, (_, c) => prefix + c);
  const subscribersOf = new Array(channels).fill(0);
  let delivered = 0;
  const latencies = [];
  const sockets = [];
  const opens = [];
  for (let c = 0; c < channels; c++) {
    const targets = watchAll ? members : [members[c % N]];
    for (const m of targets) {
      for (let k = 0; k < perMember; k++) {
        subscribersOf[c]++;
        const pending = { next: 1, map: new Map() };
        const onReply = replies(pending);
        opens.push(open(m, (text) => {
          if (text.startsWith('{"type":"message"')) {
            delivered++;
            const t = /"t":(\d+)/.exec(text);
            if (t) latencies.push(Date.now() - Number(t[1]));
          } else {
            onReply(text);
          }
        }).then(async (ws) => {
          sockets.push(ws);
          const errors = await requests(ws, 'subscribe', [names[c]], pending, 30000);
          if (errors) throw new Error(`subscribe to ${names[c]} refused`);
        }));
      }
    }
  }
  await Promise.all(opens);
  await sleep(1000);
  const a = await sample();
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let expected = 0;
  const inflight = [];
  const t0 = performance.now();
  while (performance.now() - t0 < duration * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; sent < due; sent++) {
      const c = sent % channels;
      const m = members[Math.floor(sent / channels) % N];
      inflight.push(publish(m, names[c], sent).then((good) => {
        if (good) {
          ok++;
          expected += subscribersOf[c];
        } else {
          failed++;
        }
      }, () => failed++));
    }
    await sleep(5);
  }
  await Promise.all(inflight);
  const drainUntil = Date.now() + 10000;
  while (delivered < expected && Date.now() < drainUntil) await sleep(50);
  const b = await sample();
  const d = delta(a, b, baseline);
  sockets.forEach((ws) => ws.close());
  latencies.sort((x, y) => x - y);
  await sleep(1500);
  return {
    watchers_per_channel: watchAll ? N : 1, channels, subscribers: subscribersOf.reduce((s, x) => s + x, 0),
    rate, duration_s: duration, published: ok, publish_failed: failed, expected, delivered,
    latency_p50_ms: pct(latencies, 0.5), latency_p99_ms: pct(latencies, 0.99), window_s: d.secs,
    cpu_ms_per_publish: (1000 * d.cpu_s) / ok, cpu_us_per_delivery: (1e6 * d.cpu_s) / delivered,
    hz_bytes_per_publish: d.hz_bytes / ok, bus_bytes_per_publish: d.bus_bytes / ok,
    members: d.per.map((x) => ({ cpu_pct: (100 * x.cpu_s) / d.secs, hz_sent_s: x.hz_sent / d.secs, bus_sent_s: x.bus_sent / d.secs })),
  };
}

/** `count` connections to each member, each to subscribe its slice of `names` (at most ws.max_subscriptions each). */
async function connectionSet(names, count) {
  const per = Math.ceil(names.length / count);
  const slices = Array.from({ length: count }, (_, j) => names.slice(j * per, (j + 1) * per)).filter((x) => x.length);
  return Promise.all(members.flatMap((m) => slices.map(async (slice) => {
    const pending = { next: 1, map: new Map() };
    const ws = await open(m, replies(pending));
    return { ws, slice, pending };
  })));
}

/**
 * Subscription churn, `rounds` times over the same `channels` channels, each subscribed on every member by two
 * connections: set A subscribes (the member's first subscriber of the channel: a watch, a presence add and a position
 * read), set B subscribes (already watched and positioned on the node's one gateway loop: a presence add only), B
 * unsubscribes (presence removes), A unsubscribes (presence removes and unwatches). The steps' counters are added up
 * over the rounds, net of the background of the channels themselves: the store's 5-s sweep costs the members in
 * proportion to the square of the channels they hold (docs/scaling.md), measured once while set A holds them. Few
 * channels and many rounds keep that background small beside the steps.
 * Then `held_channels` channels subscribed on every member and held for `held_s`: what holding channels costs.
 */
async function churn({ channels, rounds, held_channels: heldChannels, held_s: held, settle_s: settle }, baseline, warmUp = false) {
  const ops = channels * N;
  const steps = {};
  const raw = [];
  const step = async (name, set, type, watchChanges) => {
    const a = await sample();
    const t0 = performance.now();
    const errors = (await Promise.all(set.map((c) => requests(c.ws, type, c.slice, c.pending, 180000))))
      .reduce((s, e) => s + e, 0);
    const replied = performance.now() - t0;
    await sleep(settle * 1000);
    raw.push({ name, a, b: await sample(), replied, errors, watchChanges });
  };
  const names = Array.from({ length: channels }, (_, c) => `churn${N}-${Date.now()}:c${c}`);
  let background = baseline;
  for (let r = 0; r < rounds; r++) {
    const A = await connectionSet(names, 1);
    const B = await connectionSet(names, 1);
    await sleep(500);
    await step('subscribe_watch', A, 'subscribe', ops);
    if (r === 0 && !warmUp) {
      await sleep(5000);
      background = (await idle(10, false)).baseline;
    }
    await step('subscribe_presence_only', B, 'subscribe', 0);
    await step('unsubscribe_presence_only', B, 'unsubscribe', 0);
    await step('unsubscribe_unwatch', A, 'unsubscribe', ops);
    [...A, ...B].forEach((c) => c.ws.close());
    log(`churn round ${r + 1}/${rounds}`);
  }
  for (const { name, a, b, replied, errors, watchChanges } of raw) {
    const d = delta(a, b, background);
    const s = steps[name] || (steps[name] = { ops: 0, errors: 0, watch_changes: 0, replies_ms: 0, window_s: 0, cpu_s: 0, hz: 0, bus: 0 });
    s.ops += ops;
    s.errors += errors;
    s.watch_changes += watchChanges;
    s.replies_ms += replied;
    s.window_s += d.secs;
    s.cpu_s += d.cpu_s;
    s.hz += d.hz_bytes;
    s.bus += d.bus_bytes;
  }
  const result = {};
  for (const [name, s] of Object.entries(steps)) {
    result[name] = {
      ops: s.ops, errors: s.errors, watch_changes: s.watch_changes, replies_ms: s.replies_ms, ops_per_s: (1000 * s.ops) / s.replies_ms,
      window_s: s.window_s, cpu_us_per_op: (1e6 * s.cpu_s) / s.ops, hz_bytes_per_op: s.hz / s.ops, bus_bytes_per_op: s.bus / s.ops,
    };
    log(name, JSON.stringify(result[name]));
  }
  if (warmUp || !heldChannels) {
    return result;
  }
  await channelsGone(30);
  const heldNames = Array.from({ length: heldChannels }, (_, c) => `held${N}-${Date.now()}:c${c}`);
  const H = await connectionSet(heldNames, Math.ceil(heldChannels / 1000));
  const t0 = performance.now();
  const errors = (await Promise.all(H.map((c) => requests(c.ws, 'subscribe', c.slice, c.pending, 300000)))).reduce((s, e) => s + e, 0);
  const subscribedMs = performance.now() - t0;
  await sleep(6000); // every member's sweep has seen them
  const heldIdle = await idle(held);
  const idleTotal = (k) => baseline.reduce((s, x) => s + x[k], 0);
  result.held = {
    channels: heldChannels, subscriptions: heldChannels * N, subscribe_errors: errors, subscribed_in_ms: subscribedMs,
    window_s: heldIdle.window_s, cluster: heldIdle.cluster,
    extra_over_idle: {
      cpu_pct: heldIdle.cluster.cpu_pct - 100 * idleTotal('cpu_s'),
      hz_bytes_s: heldIdle.cluster.hz_bytes_s - idleTotal('hz_sent'),
      bus_bytes_s: heldIdle.cluster.bus_bytes_s - idleTotal('bus_sent'),
    },
    heap_after_gc_mb: heldIdle.members.map((m) => m.heap_after_gc_mb),
    rss_mb: heldIdle.members.map((m) => m.rss_mb),
  };
  log('held', JSON.stringify(result.held));
  H.forEach((c) => c.ws.close());
  return result;
}

// ---------------------------------------------------------------- main

const result = { n: N, started: new Date().toISOString() };
// Warm-up: the same paths once, unmeasured, so that the JIT compiles them before any window (the first subscribes
// of a fresh member cost several times what later ones do).
const zero = members.map(() => ({ cpu_s: 0, hz_sent: 0, hz_recv: 0, bus_sent: 0, bus_recv: 0 }));
if (config.load) {
  await load({ ...config.load, duration_s: Math.min(4, config.load.duration_s) }, true, zero);
}
if (config.churn) {
  await churn({ ...config.churn, channels: Math.min(100, config.churn.channels), rounds: 1, settle_s: 0 }, zero, true);
}
// Short history TTL (run.sh): the warm-up's channels leave the store, so the idle window sees the members alone.
result.channels_before_idle = await channelsGone(45);
await sleep(2000);
log('warmed up; idle', config.idle_s, 's');
result.idle = await idle(config.idle_s);
const baseline = result.idle.baseline;
delete result.idle.baseline;
log('idle', JSON.stringify(result.idle.cluster));
if (config.load) {
  result.load_all = await load(config.load, true, baseline);
  log('load W=N', JSON.stringify(result.load_all));
  if (N > 1) {
    await channelsGone(30);
    result.load_one = await load(config.load, false, baseline);
    log('load W=1', JSON.stringify(result.load_one));
  }
  await channelsGone(30);
}
if (config.churn) {
  result.churn = await churn(config.churn, baseline);
}
result.errors = errorSamples;
result.finished = new Date().toISOString();
console.log(JSON.stringify(result, null, 1));
process.exit(0);
