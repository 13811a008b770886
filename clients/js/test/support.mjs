// What the SDK's tests need around it: a real Herald node (the jar the build made), a TCP proxy the test can cut
// and stall, HS256 tokens, HTTP publishing, and bounded waits for events.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export { WebSocket };

const here = path.dirname(fileURLToPath(import.meta.url));
export const HERALD_JAR = process.env.HERALD_JAR ?? path.resolve(here, '../../../node/target/herald.jar');

/** A free loopback port (the OS picks it; the node binds it a moment later). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `java -jar herald.jar --port P` with `env` added (HERALD_* settings) and waits for its ready line.
 * Returns { port, http, ws, stop() }; stop() sends SIGTERM (the node drains: 1001) and waits for the exit.
 */
export async function startNode(env = {}) {
  if (!existsSync(HERALD_JAR)) {
    throw new Error(`no node jar at ${HERALD_JAR}: build it first (mvn -pl node -am package -DskipTests) or set HERALD_JAR`);
  }
  const port = await freePort();
  // The suite's own HERALD_* variables are not node settings, and a node refuses unknown HERALD_* variables.
  const inherited = { ...process.env };
  delete inherited.HERALD_JAR;
  delete inherited.HERALD_FUZZ_SEED;
  const child = spawn('java', ['-Xms128m', '-Xmx256m', '-XX:+UseSerialGC', '-jar', HERALD_JAR, '--port', String(port)], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // The node prints "herald: node ID ready (...)" once it serves; that line, its exit or 60 s decide.
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node was not ready within 60 s:\n${output}`)), 60_000);
    const seen = (d) => {
      output += d;
      if (/herald: node \S+ ready/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the node exited (${code}) before it was ready:\n${output}`));
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const http = `http://127.0.0.1:${port}`;
  const node = {
    port,
    http,
    ws: `ws://127.0.0.1:${port}/ws`,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  try {
    await ready;
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}

/** POST /api/publish: resolves the message's offset. */
export async function publish(node, channel, data) {
  const res = await fetch(`${node.http}/api/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel, data }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`publish refused: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.offset;
}

export async function apiPost(node, route, body) {
  const res = await fetch(`${node.http}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** An HS256 JWT. */
export function sign(secret, claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * A TCP proxy in front of a node. cut() resets every connection through it; stall() keeps connections open but
 * carries nothing either way (a dead network: no FIN, no RST) and holds new ones the same; resume() lets
 * traffic flow again. `accepted` counts connections the proxy took.
 */
export async function startProxy(targetPort) {
  const pairs = new Set();
  let stalled = false;
  const proxy = {
    accepted: 0,
    url: '',
    cut() {
      for (const pair of pairs) {
        pair.client.resetAndDestroy();
        pair.upstream?.destroy();
      }
      pairs.clear();
    },
    stall() {
      stalled = true;
      for (const pair of pairs) {
        pair.client.pause();
        pair.upstream?.pause();
      }
    },
    resume() {
      stalled = false;
      for (const pair of pairs) {
        pair.connect();
      }
    },
    close() {
      proxy.cut();
      return new Promise((resolve) => server.close(resolve));
    },
  };
  const server = net.createServer((client) => {
    proxy.accepted++;
    client.setNoDelay(true);
    const pair = {
      client,
      upstream: null,
      connect() {
        if (pair.upstream) {
          pair.client.resume();
          pair.upstream.resume();
          return;
        }
        pair.upstream = net.connect(targetPort, '127.0.0.1');
        pair.upstream.setNoDelay(true);
        pair.client.pipe(pair.upstream);
        pair.upstream.pipe(pair.client);
        pair.upstream.on('error', () => pair.client.destroy());
        pair.upstream.on('close', () => pair.client.destroy());
      },
    };
    pairs.add(pair);
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (stalled) {
      client.pause();
    } else {
      pair.connect();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `ws://127.0.0.1:${server.address().port}/ws`;
  return proxy;
}

/** Resolves with the first `event` (of an SDK emitter) for which `test` holds; rejects after `timeoutMs`. */
export function once(emitter, event, test = () => true, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = emitter.on(event, (value) => {
      if (test(value)) {
        clearTimeout(timer);
        off();
        resolve(value);
      }
    });
  });
}

/** Resolves once `condition()` holds (checked on every event of `emitter`'s `event`, and now). */
export function until(emitter, event, condition, timeoutMs = 10_000, what = 'condition') {
  if (condition()) {
    return Promise.resolve();
  }
  return once(emitter, event, () => condition(), timeoutMs).catch(() => {
    throw new Error(`${what} not reached within ${timeoutMs} ms`);
  });
}

/** Records a client's states and a subscription's messages as they come. */
export function record(herald, subscription) {
  const log = { states: [], disconnects: [], offsets: [], data: [], subscribed: [], errors: [], recoveryFailed: [] };
  herald.on('state', (s) => log.states.push(s));
  herald.on('disconnected', (d) => log.disconnects.push(d));
  if (subscription) {
    subscription.on('message', (m) => {
      log.offsets.push(m.offset);
      log.data.push(m.data);
    });
    subscription.on('subscribed', (f) => log.subscribed.push(f));
    subscription.on('error', (e) => log.errors.push(e));
    subscription.on('recovery_failed', (e) => log.recoveryFailed.push(e));
  }
  return log;
}

/** 1, 2, ..., n. */
export const range = (from, to) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** A small seeded PRNG (mulberry32): a failing fuzz run can be replayed by its seed. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Debian's Chromium for the browser suites, or null after printing what was skipped (a failure instead where
 * HERALD_REQUIRE_BROWSER=1, as .ci/run sets). `launch()` starts it headless with puppeteer-core.
 */
export function chromium(suite) {
  const executablePath = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) {
    console.log(`${suite} skipped: no chromium (apt-get install chromium, or set CHROMIUM=path); .ci/run installs it`);
    if (process.env.HERALD_REQUIRE_BROWSER === '1') {
      throw new Error('HERALD_REQUIRE_BROWSER=1 and no chromium');
    }
    return null;
  }
  return {
    async launch() {
      const { default: puppeteer } = await import('puppeteer-core');
      return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    },
  };
}
