#!/usr/bin/env node
// A second, independent throughput client: N WebSocket subscribers on one channel, one HTTP publisher at a
// constant rate, end-to-end latency (receive time - data.t) over a measured window, and delivery counted per
// subscriber by data.i. It cross-checks the Java load tool's `throughput` scenario (load/) for Herald and Nchan.
//
//   node throughput.mjs --peer herald|nchan --url http://127.0.0.1:PORT [--subscribers 100] [--rate 100]
//        [--duration 20] [--warmup 5] [--channel NAME] [--stamp intended|sent]
//
// Prints one JSON line on stdout (progress goes to stderr). Exit 0: everything delivered once; 1: something
// missing or duplicated; 2: usage or setup failure (connect, subscribe); 3: the overall deadline passed.
//
// Only `ws` and Node's built-ins. Publisher and subscribers share this process, so one clock:
// performance.timeOrigin + performance.now(), in microseconds.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

// ---------------------------------------------------------------------------------------------- options

const USAGE = 'usage: node throughput.mjs --peer herald|nchan --url http://HOST:PORT [--subscribers 100] [--rate 100]'
  + ' [--duration 20] [--warmup 5] [--channel NAME] [--stamp intended|sent]';

function parseArgs(argv) {
  const o = { peer: null, url: null, subscribers: 100, rate: 100, duration: 20, warmup: 5, channel: null,
    stamp: 'intended' };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : null;
    if (name === null || !(name in o)) {
      fail(`unknown argument '${arg}'\n${USAGE}`);
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++k];
    if (value === undefined) {
      fail(`--${name} needs a value\n${USAGE}`);
    }
    o[name] = value;
  }
  if (o.peer !== 'herald' && o.peer !== 'nchan') fail(`--peer must be herald or nchan\n${USAGE}`);
  if (!o.url) fail(`--url is required\n${USAGE}`);
  if (o.stamp !== 'intended' && o.stamp !== 'sent') fail('--stamp must be intended or sent');
  for (const n of ['subscribers', 'rate', 'duration', 'warmup']) {
    o[n] = Number(o[n]);
    if (!Number.isFinite(o[n]) || o[n] < 0 || (n !== 'warmup' && o[n] <= 0)) fail(`--${n} must be a positive number`);
  }
  if (!Number.isInteger(o.subscribers)) fail('--subscribers must be an integer');
  let url;
  try {
    url = new URL(o.url);
  } catch {
    fail(`--url is not a URL: ${o.url}`);
  }
  if (url.protocol !== 'http:') fail('--url must be http://HOST:PORT');
  o.host = url.hostname;
  o.port = Number(url.port || 80);
  o.channel = o.channel || `node-throughput-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return o;
}

function fail(message, code = 2) {
  process.stderr.write(`throughput: ${message}\n`);
  process.exit(code);
}

function log(message) {
  process.stderr.write(`throughput: ${message}\n`);
}

const opt = parseArgs(process.argv.slice(2));

// ------------------------------------------------------------------------------------------- constants

const CONNECT_TIMEOUT_MS = 10_000; // WebSocket handshake
const SETUP_TIMEOUT_MS = 20_000; // every subscriber connected and subscribed
const MARKER_WAIT_MS = 500; // Nchan: each marker's wait for every subscriber (as the Java tool)
const MARKER_TRIES = 20;
const REQUEST_TIMEOUT_MS = 5_000; // one publish
const MAX_IN_FLIGHT = 64; // publishes sent and not yet answered; beyond, a due message is not sent
const DRAIN_TIMEOUT_MS = 10_000; // after the last publish's answer
const CLOSE_TIMEOUT_MS = 2_000;

const N = opt.subscribers;
const WARMUP_COUNT = Math.round(opt.warmup * opt.rate); // indexes 0 .. WARMUP_COUNT-1 are not measured
const MEASURED = Math.max(1, Math.round(opt.duration * opt.rate)); // indexes WARMUP_COUNT .. TOTAL-1
const TOTAL = WARMUP_COUNT + MEASURED;
const INTERVAL_MS = 1000 / opt.rate;

// A hard bound on the whole run, whatever happens.
const deadlineMs = SETUP_TIMEOUT_MS + MARKER_TRIES * (MARKER_WAIT_MS + REQUEST_TIMEOUT_MS)
  + (opt.warmup + opt.duration) * 1000 + REQUEST_TIMEOUT_MS + DRAIN_TIMEOUT_MS + 2 * CLOSE_TIMEOUT_MS + 10_000;
setTimeout(() => fail(`overall deadline (${Math.round(deadlineMs / 1000)} s) passed`, 3), deadlineMs).unref();

/** Wall-clock microseconds (fractional), one clock for publisher and subscribers. */
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `everyMs` until true or `timeoutMs`; resolves to its last value. */
async function waitFor(condition, timeoutMs, everyMs = 10) {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() >= end) return false;
    await sleep(everyMs);
  }
  return true;
}

// ------------------------------------------------------------------------------------------- recording

// One latency per first delivery of a measured message; slack for nothing (duplicates are counted, not recorded)
// but kept so that a bug can never write out of bounds.
const latencies = new Float64Array(N * MEASURED + 1024);
let latencyCount = 0;
let delivered = 0; // first deliveries of measured messages, all subscribers
let duplicates = 0;
let outOfOrder = 0;
let frameErrors = 0; // frames that are neither a measured/warm-up message nor a marker nor an expected control frame
let disconnects = 0;

class Subscriber {
  constructor(index) {
    this.index = index;
    this.seen = new Uint8Array(MEASURED);
    this.delivered = 0;
    this.highest = -1;
    this.confirmed = false; // Herald: "subscribed"; Nchan: the marker seen
    this.open = false;
    this.closing = false;
    this.ws = null;
  }

  connect() {
    const path = opt.peer === 'herald' ? '/ws' : `/sub/${encodeURIComponent(opt.channel)}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${opt.host}:${opt.port}${path}`, {
        handshakeTimeout: CONNECT_TIMEOUT_MS,
        perMessageDeflate: false, // neither peer is measured with compression (Herald never negotiates it)
      });
      this.ws = ws;
      ws.on('open', () => {
        this.open = true;
        if (opt.peer === 'herald') {
          ws.send(JSON.stringify({ type: 'subscribe', id: 1, channel: opt.channel }));
        }
        resolve();
      });
      ws.on('message', (data, isBinary) => this.onFrame(isBinary ? null : data.toString()));
      ws.on('error', (err) => {
        if (!this.open) reject(err);
      });
      ws.on('close', (code) => {
        if (!this.open) reject(new Error(`closed before open (${code})`));
        else if (!this.closing) {
          disconnects++;
          log(`subscriber ${this.index} disconnected (${code})`);
        }
        this.open = false;
      });
    });
  }

  onFrame(text) {
    const receivedMicros = nowMicros();
    let frame;
    try {
      frame = text === null ? null : JSON.parse(text);
    } catch {
      frame = null;
    }
    if (frame === null || typeof frame !== 'object') {
      frameErrors++;
      return;
    }
    let data;
    if (opt.peer === 'herald') {
      switch (frame.type) {
        case 'message': data = frame.data; break;
        case 'subscribed': this.confirmed = true; return;
        case 'connected': case 'pong': return;
        default: frameErrors++; log(`subscriber ${this.index}: ${text.slice(0, 200)}`); return;
      }
    } else {
      data = frame; // a Nchan frame is the published body as is
    }
    if (data === null || typeof data !== 'object') {
      frameErrors++;
      return;
    }
    if (!('t' in data)) {
      this.confirmed = true; // the marker (Nchan; Herald never gets one)
      return;
    }
    const i = data.i;
    if (typeof data.t !== 'number' || !Number.isInteger(i) || i < 0 || i >= TOTAL) {
      frameErrors++;
      return;
    }
    if (i < this.highest) outOfOrder++;
    else this.highest = i;
    if (i < WARMUP_COUNT) return;
    const k = i - WARMUP_COUNT;
    if (this.seen[k]) {
      duplicates++;
      return;
    }
    this.seen[k] = 1;
    this.delivered++;
    delivered++;
    if (latencyCount < latencies.length) latencies[latencyCount++] = receivedMicros - data.t;
  }

  close() {
    this.closing = true;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    });
  }
}

// ------------------------------------------------------------------------------------------- publishing

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); // one keep-alive connection

/** POSTs one message's data; resolves true when the peer accepted it, false otherwise (never rejects). */
function publish(dataJson) {
  const herald = opt.peer === 'herald';
  const body = herald ? `{"channel":${JSON.stringify(opt.channel)},"data":${dataJson}}` : dataJson;
  const path = herald ? '/api/publish' : `/pub?id=${encodeURIComponent(opt.channel)}`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok, why) => {
      if (settled) return;
      settled = true;
      if (!ok && publishFailures++ < 5) log(`publish failed: ${why}`);
      resolve(ok);
    };
    const req = http.request({
      host: opt.host, port: opt.port, method: 'POST', path, agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => done(false, e.message));
      res.on('end', () => {
        const answer = Buffer.concat(chunks).toString();
        if (herald) {
          let offset;
          try {
            offset = JSON.parse(answer).offset;
          } catch {
            offset = undefined;
          }
          done(res.statusCode === 200 && Number.isInteger(offset), `${res.statusCode} ${answer.slice(0, 200)}`);
        } else {
          done(res.statusCode === 201 || res.statusCode === 202, `${res.statusCode} ${answer.slice(0, 200)}`);
        }
      });
    });
    // Covers the wait for a socket too (requests queue on the agent's one connection).
    const timer = setTimeout(() => {
      req.destroy(new Error('timed out'));
      done(false, `no answer in ${REQUEST_TIMEOUT_MS} ms`);
    }, REQUEST_TIMEOUT_MS);
    req.on('error', (e) => done(false, e.message));
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}
let publishFailures = 0;

let inFlight = 0;
let published = 0; // measured messages the peer accepted
let publishErrors = 0; // measured messages refused or unanswered
let notSent = 0; // measured messages not sent: MAX_IN_FLIGHT already waiting
let warmupNotPublished = 0;
let measureStart = null; // { wallMs, cpu } when the first measured message was due

/**
 * Sends indexes 0 .. TOTAL-1, message k due at start + k/rate (an absolute schedule: a late tick sends everything
 * due at once and never shifts later messages). Resolves when all are sent and answered (or failed).
 */
function runPublisher() {
  return new Promise((resolve) => {
    const startMs = performance.now();
    let k = 0;
    const tick = () => {
      const now = performance.now();
      while (k < TOTAL && startMs + k * INTERVAL_MS <= now) {
        const dueMs = startMs + k * INTERVAL_MS;
        const measured = k >= WARMUP_COUNT;
        if (measured && measureStart === null) {
          measureStart = { wallMs: performance.now(), cpu: process.cpuUsage() };
        }
        if (inFlight >= MAX_IN_FLIGHT) {
          if (measured) notSent++;
          else warmupNotPublished++;
        } else {
          const t = Math.round(opt.stamp === 'intended' ? (performance.timeOrigin + dueMs) * 1000 : nowMicros());
          inFlight++;
          publish(`{"t":${t},"i":${k}}`).then((ok) => {
            inFlight--;
            if (measured) {
              if (ok) published++;
              else publishErrors++;
            } else if (!ok) {
              warmupNotPublished++;
            }
          });
        }
        k++;
      }
      if (k < TOTAL) {
        setTimeout(tick, Math.max(0, startMs + k * INTERVAL_MS - performance.now()));
      } else {
        // Every request times out after REQUEST_TIMEOUT_MS: this wait is bounded.
        waitFor(() => inFlight === 0, REQUEST_TIMEOUT_MS + 1000, 5).then(() => resolve());
      }
    };
    tick();
  });
}

/** Nchan: publishes a marker (data without t) until every subscriber has seen one, as the Java tool does. */
async function confirmWithMarkers(subscribers) {
  for (let attempt = 1; attempt <= MARKER_TRIES; attempt++) {
    const ok = await publish('{"marker":true}');
    if (!ok) {
      await sleep(MARKER_WAIT_MS);
      continue;
    }
    if (await waitFor(() => subscribers.every((s) => s.confirmed), MARKER_WAIT_MS)) {
      log(`all ${subscribers.length} subscribers saw marker ${attempt}`);
      return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------------------------------------- run

function percentile(sorted, n, p) {
  if (n === 0) return null;
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[rank];
}

const ms3 = (micros) => (micros === null ? null : Math.round(micros) / 1000);

async function closeAll(subscribers) {
  await Promise.all(subscribers.map((s) => s.close()));
  agent.destroy();
}

async function main() {
  const subscribers = Array.from({ length: N }, (_, k) => new Subscriber(k));
  log(`${opt.peer} at ${opt.host}:${opt.port}, channel ${opt.channel}: ${N} subscribers, ${opt.rate} msg/s,`
    + ` ${opt.warmup} s warm-up + ${opt.duration} s measured (${WARMUP_COUNT} + ${MEASURED} messages)`);

  // 1. Connect and subscribe, bounded.
  const setupStart = performance.now();
  const connected = await Promise.allSettled(subscribers.map((s) => s.connect()));
  const refused = connected.filter((r) => r.status === 'rejected');
  if (refused.length > 0) {
    await closeAll(subscribers);
    fail(`${refused.length} of ${N} subscribers could not connect: ${refused[0].reason?.message ?? refused[0].reason}`);
  }
  if (opt.peer === 'herald') {
    const left = SETUP_TIMEOUT_MS - (performance.now() - setupStart);
    if (!(await waitFor(() => subscribers.every((s) => s.confirmed), Math.max(0, left)))) {
      const n = subscribers.filter((s) => s.confirmed).length;
      await closeAll(subscribers);
      fail(`only ${n} of ${N} subscribers subscribed within ${SETUP_TIMEOUT_MS} ms`);
    }
  } else if (!(await confirmWithMarkers(subscribers))) {
    const n = subscribers.filter((s) => s.confirmed).length;
    await closeAll(subscribers);
    fail(`only ${n} of ${N} subscribers saw a marker after ${MARKER_TRIES} tries`);
  }
  log(`${N} subscribers ready in ${Math.round(performance.now() - setupStart)} ms`);

  // 2./3. Publish warm-up + measured messages on the absolute schedule.
  await runPublisher();

  // 4. Drain: every subscriber has every measured message, or DRAIN_TIMEOUT_MS.
  const expected = N * MEASURED;
  await waitFor(() => delivered >= expected, DRAIN_TIMEOUT_MS, 5);
  const endWallMs = performance.now();
  const cpu = measureStart ? process.cpuUsage(measureStart.cpu) : { user: 0, system: 0 };
  const windowMs = measureStart ? endWallMs - measureStart.wallMs : 0;
  const cpuMicros = cpu.user + cpu.system;

  const sorted = latencies.subarray(0, latencyCount).sort();
  const subscribersMissing = subscribers.filter((s) => s.delivered < MEASURED).length;
  const missing = expected - delivered;
  const result = {
    peer: opt.peer,
    subscribers: N,
    rate: opt.rate,
    published,
    expected,
    delivered,
    missing,
    duplicates,
    p50_ms: ms3(percentile(sorted, latencyCount, 50)),
    p95_ms: ms3(percentile(sorted, latencyCount, 95)),
    p99_ms: ms3(percentile(sorted, latencyCount, 99)),
    max_ms: ms3(latencyCount ? sorted[latencyCount - 1] : null),
    client_cpu_pct: windowMs > 0 ? Math.round((cpuMicros / (windowMs * 1000)) * 1000) / 10 : null,
    client_cpu_us_per_delivery: delivered > 0 ? Math.round((cpuMicros / delivered) * 10) / 10 : null,
    // What else a reader needs to trust the figures above.
    delivered_pct: Math.round((10000 * delivered) / expected) / 100,
    publish_errors: publishErrors,
    not_sent: notSent,
    out_of_order: outOfOrder,
    subscribers_missing: subscribersMissing,
    frame_errors: frameErrors,
    disconnects,
    measured_s: Math.round(windowMs) / 1000,
    stamp: opt.stamp,
    channel: opt.channel,
  };
  if (warmupNotPublished > 0) log(`${warmupNotPublished} warm-up messages were not published`);
  process.stdout.write(JSON.stringify(result) + '\n');

  await closeAll(subscribers);
  process.exit(missing > 0 || duplicates > 0 ? 1 : 0);
}

main().catch((e) => fail(`unexpected: ${e?.stack ?? e}`));
