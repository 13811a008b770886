// Rough fan-out probe until the load tool (load/) exists: S WebSocket subscribers on one channel,
// HTTP publishes at a constant rate R for D seconds, then per-delivery latency percentiles and
// delivery accounting (missing, duplicated, out of order). Subscribers are spread over P child
// processes so one Node thread is not the bottleneck.
//
//   node --experimental-websocket scripts/fanout-probe.mjs [url=http://127.0.0.1:8080] [subs=1000] [rate=200] [seconds=10] [procs=2] [proto=ws|graphql]
//
// proto=graphql subscribes over graphql-transport-ws at /graphql instead of /ws. Either way a marker
// message (offset 1) is published first and the run starts once every subscriber has it.
//
// Latency: the publisher puts its intended send time (epoch microseconds) in data.t, so a late
// send is counted as latency (no coordinated omission); a receiver compares with its own clock.
import { fork } from 'node:child_process';

const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(name + '='));
  return a ? a.slice(name.length + 1) : dflt;
};
const url = arg('url', 'http://127.0.0.1:8080');
const subs = +arg('subs', 1000), rate = +arg('rate', 200), seconds = +arg('seconds', 10), procs = +arg('procs', 2);
const proto = arg('proto', 'ws');
const channel = process.env.PROBE_CHANNEL || 'probe:' + Date.now();
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

if (process.argv.includes('--child')) {
  // A child: open its share of subscribers, record latencies, report when told.
  const n = +arg('n', 0);
  const lat = [];
  const last = new Array(n).fill(0);
  let missing = 0, dup = 0, reorder = 0, delivered = 0, ready = 0, subscribed = 0;
  const base = url.replace(/^http/, 'ws');
  const onMessage = (i, offset, t) => {
    if (offset === 1) { if (++ready === n) process.send({ ready: true }); last[i] = 1; return; } // the marker
    lat.push(nowMicros() - t);
    delivered++;
    if (offset === last[i] + 1) last[i] = offset;
    else if (offset <= last[i]) dup++;
    else { missing += offset - last[i] - 1; reorder++; last[i] = offset; }
  };
  for (let i = 0; i < n; i++) {
    if (proto === 'graphql') {
      const ws = new WebSocket(base + '/graphql', 'graphql-transport-ws');
      ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { messages(channel: "${channel}") { offset data } }` } }));
          if (++subscribed === n) process.send({ subscribed: true });
        } else if (f.type === 'next') {
          const m = f.payload.data.messages;
          onMessage(i, m.offset, m.data.t);
        }
      };
    } else {
      const ws = new WebSocket(base + '/ws');
      ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel }));
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === 'subscribed') { if (++subscribed === n) process.send({ subscribed: true }); }
        else if (f.type === 'message') onMessage(i, f.offset, f.data.t);
      };
    }
  }
  process.on('message', (m) => {
    if (m.report) {
      // Messages never received at the tail count as missing too.
      for (let i = 0; i < n; i++) missing += m.total + 1 - last[i] > 0 ? m.total + 1 - last[i] : 0;
      process.send({ lat, delivered, missing, dup, reorder });
      setTimeout(() => process.exit(0), 100);
    }
  });
} else {
  const per = Math.ceil(subs / procs);
  const children = [];
  for (let p = 0; p < procs; p++) {
    const n = Math.min(per, subs - p * per);
    if (n <= 0) break;
    children.push(fork(new URL(import.meta.url).pathname, ['--child', `n=${n}`, `url=${url}`, `proto=${proto}`],
      { execArgv: ['--experimental-websocket', '--no-warnings'], env: { ...process.env, PROBE_CHANNEL: channel } }));
  }
  const readyAll = Promise.all(children.map((c) => new Promise((r) => c.on('message', (m) => m.ready && r()))));
  await Promise.all(children.map((c) => new Promise((r) => c.on('message', (m) => m.subscribed && r()))));
  // The marker (offset 1): once every subscriber has it, every subscription is live.
  let marked = false;
  readyAll.then(() => { marked = true; });
  while (!marked) {
    await fetch(url + '/api/publish', { method: 'POST', body: JSON.stringify({ channel, data: { marker: true } }) });
    await Promise.race([readyAll, new Promise((r) => setTimeout(r, 2000))]);
    if (!marked) { console.error('not every subscriber got the marker in 2 s; giving up'); process.exit(1); }
  }
  console.log(`${subs} ${proto} subscribers ready on ${channel}; publishing ${rate} msg/s for ${seconds} s`);
  const total = rate * seconds;
  const start = nowMicros();
  const interval = 1e6 / rate;
  let sent = 0, errors = 0;
  const inflight = new Set();
  while (sent < total) {
    const intended = start + sent * interval;
    const wait = (intended - nowMicros()) / 1000;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = fetch(url + '/api/publish', { method: 'POST', body: JSON.stringify({ channel, data: { t: Math.round(intended) } }) })
      .then((r) => { if (r.status !== 200) errors++; return r.arrayBuffer(); }).catch(() => errors++);
    inflight.add(p); p.finally(() => inflight.delete(p));
    sent++;
  }
  await Promise.all(inflight);
  const elapsed = (nowMicros() - start) / 1e6;
  await new Promise((r) => setTimeout(r, 2000)); // let the last deliveries arrive
  const results = await Promise.all(children.map((c) => new Promise((r) => { c.on('message', (m) => m.lat && r(m)); c.send({ report: true, total }); })));
  const lat = new Float64Array(results.reduce((a, r) => a + r.lat.length, 0));
  let k = 0; for (const r of results) for (const v of r.lat) lat[k++] = v;
  lat.sort();
  const pct = (q) => (lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] / 1000).toFixed(2);
  const sum = (f) => results.reduce((a, r) => a + r[f], 0);
  const expected = total * subs;
  console.log(`published ${sent} in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)} msg/s), publish errors ${errors}`);
  console.log(`deliveries ${sum('delivered')} of ${expected} (${(100 * sum('delivered') / expected).toFixed(3)}%), ` +
    `${(sum('delivered') / elapsed).toFixed(0)}/s; missing ${sum('missing')}, duplicated ${sum('dup')}, out of order ${sum('reorder')}`);
  console.log(`latency ms: min ${pct(0)} p50 ${pct(0.5)} p95 ${pct(0.95)} p99 ${pct(0.99)} max ${pct(1)}`);
  process.exit(0);
}
