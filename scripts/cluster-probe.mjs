// Measures a running local cluster (./herald cluster 3) for docs/performance.md:
//
//   node scripts/cluster-probe.mjs memory   [ports=8080,8081,8082] [channels=2000] [messages=50] [size=100]
//   node scripts/cluster-probe.mjs failover [ports=8080,8081,8082] [kill=8082] [channels=100] [messages=20]
//
// memory:   heap after a full GC on every member (jcmd), before and after filling `channels` channels
//           with `messages` messages of about `size` bytes each; reports the cluster's bytes per channel
//           and per message (owner copy + backup copy, both counted).
// failover: fills channels, SIGKILLs the member on port `kill`, then measures from the kill until
//           (1) a survivor's /api/info no longer lists it, (2) every channel's full history is served
//           again, (3) every channel accepts a publish, continuing its offsets. Every loop is bounded.
import { execFileSync } from 'node:child_process';

const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(name + '='));
  return a ? a.slice(name.length + 1) : dflt;
};
const mode = process.argv[2];
const ports = arg('ports', '8080,8081,8082').split(',').map(Number);
const channels = +arg('channels', mode === 'memory' ? 2000 : 100);
const messages = +arg('messages', mode === 'memory' ? 50 : 20);
const size = +arg('size', 100);
const prefix = 'probe' + Date.now() + ':c';
const deadline = (seconds) => Date.now() + seconds * 1000;

async function publish(port, channel, i) {
  const body = JSON.stringify({ channel, data: { i, pad: 'x'.repeat(Math.max(0, size - 20)) } });
  const r = await fetch(`http://127.0.0.1:${port}/api/publish`, { method: 'POST', body });
  if (r.status !== 200) throw new Error(`publish ${r.status}`);
  return (await r.json()).offset;
}

/** Publishes `messages` to every channel, 64 requests in flight, spread over the ports. */
async function fill() {
  const jobs = [];
  for (let c = 0; c < channels; c++) for (let m = 1; m <= messages; m++) jobs.push([c, m]);
  let next = 0;
  const worker = async (w) => {
    while (next < jobs.length) {
      const [c, m] = jobs[next++];
      await publish(ports[(c + w) % ports.length], prefix + c, m);
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)));
  return Date.now() - t0;
}

function pidOf(port) {
  const line = execFileSync('jcmd', ['-l']).toString().split('\n').find((l) => l.includes(`--port ${port}`));
  if (!line) throw new Error(`no JVM with --port ${port} (jcmd -l)`);
  return line.split(' ')[0];
}

function heapAfterGc(pid) {
  execFileSync('jcmd', [pid, 'GC.run']);
  const info = execFileSync('jcmd', [pid, 'GC.heap_info']).toString();
  const used = /used (\d+)K/.exec(info);
  return +used[1] * 1024;
}

async function memory() {
  const pids = ports.map(pidOf);
  const before = pids.map(heapAfterGc);
  const ms = await fill();
  const after = pids.map(heapAfterGc);
  const grown = after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({
    mode, members: ports.length, channels, messages, size, fill_ms: ms,
    heap_before: before, heap_after: after,
    bytes_per_channel: Math.round(grown / channels), bytes_per_message: Math.round(grown / (channels * messages)),
  }));
}

async function historyComplete(port, c, latest) {
  const r = await fetch(`http://127.0.0.1:${port}/api/channels/${prefix + c}/history?limit=1000`);
  if (r.status !== 200) return false;
  const h = await r.json();
  return h.messages.length === latest && h.messages[latest - 1].offset === latest;
}

async function failover() {
  const kill = +arg('kill', ports[ports.length - 1]);
  const survivor = ports.find((p) => p !== kill);
  await fill();
  const pid = pidOf(kill);
  const t0 = Date.now();
  execFileSync('kill', ['-9', pid]);
  const result = { mode, members: ports.length, killed: kill, channels, messages };
  for (const end = deadline(60); Date.now() < end;) {
    const info = await (await fetch(`http://127.0.0.1:${survivor}/api/info`)).json();
    if (info.nodes.every((n) => !n.address.endsWith(':' + kill))) break;
  }
  result.info_forgets_ms = Date.now() - t0;
  const pending = new Set(Array.from({ length: channels }, (_, c) => c));
  for (const end = deadline(60); pending.size && Date.now() < end;) {
    for (const c of [...pending]) if (await historyComplete(survivor, c, messages).catch(() => false)) pending.delete(c);
  }
  result.history_served_ms = Date.now() - t0;
  result.history_missing = pending.size;
  const unpublished = new Set(Array.from({ length: channels }, (_, c) => c));
  let wrongOffset = 0;
  for (const end = deadline(60); unpublished.size && Date.now() < end;) {
    for (const c of [...unpublished]) {
      try {
        if ((await publish(survivor, prefix + c, messages + 1)) !== messages + 1) wrongOffset++;
        unpublished.delete(c);
      } catch { /* owner not settled yet: retried on the next pass */ }
    }
  }
  result.publish_resumed_ms = Date.now() - t0;
  result.not_resumed = unpublished.size;
  result.offsets_not_continued = wrongOffset;
  console.log(JSON.stringify(result));
}

if (mode === 'memory') await memory();
else if (mode === 'failover') await failover();
else { console.error('usage: node scripts/cluster-probe.mjs memory|failover [key=value ...]'); process.exit(2); }
