// Times POST /api/publish batches: node batch-publish.mjs URL CHANNELS MESSAGES_PER_BATCH BATCHES
// Each batch spreads its messages over CHANNELS channels (fresh ones per run); 10 warm-up batches first.
// Prints messages per second and the batch latency's p50/p90. Used for docs/performance.md (publish batches).
const [url, channels, perBatch, batches] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5]];
const run = Math.random().toString(36).slice(2, 8);
const body = JSON.stringify({ messages: Array.from({ length: perBatch }, (_, i) => ({ channel: `bb:${run}:${i % channels}`, data: { i } })) });
for (let w = 0; w < 10; w++) await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(r => r.text());
const lat = [];
const t0 = performance.now();
for (let b = 0; b < batches; b++) {
  const s = performance.now();
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const j = await r.json();
  if (!j.results || j.results.some(x => x.error)) throw new Error(JSON.stringify(j).slice(0, 300));
  lat.push(performance.now() - s);
}
lat.sort((a, b) => a - b);
console.log(`${batches} batches of ${perBatch} over ${channels} channels: ${(batches * perBatch / ((performance.now() - t0) / 1000)).toFixed(0)} msg/s, batch p50 ${lat[lat.length >> 1].toFixed(1)} ms p90 ${lat[Math.floor(lat.length * 0.9)].toFixed(1)} ms`);
