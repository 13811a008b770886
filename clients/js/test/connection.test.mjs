// The SDK against a real node (no auth): states, subscriptions, requests and errors, recovery across a cut or dead
// network, the server's close codes, and a fuzz of random cuts under publishing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { Herald, HeraldError } from '../dist/index.js';
import {
  WebSocket, apiPost, once, publish, range, record, seeded, startNode, startProxy, until,
} from './support.mjs';

/** Reconnects fast: the tests cut connections on purpose. */
const FAST = { WebSocket, minReconnectDelayMs: 20, maxReconnectDelayMs: 200, requestTimeoutMs: 5_000 };

let node;
let channelCount = 0;
const freshChannel = () => `sdk:c${++channelCount}-${Date.now().toString(36)}`;

before(async () => {
  // Subscribers of the `sdk` namespace hear who joins and leaves.
  node = await startNode({ HERALD_NAMESPACES: JSON.stringify({ sdk: { join_leave: true } }) });
});

after(async () => {
  await node?.stop();
});

/** A connected client (and its closing, registered with the test). */
async function connected(t, url, options = {}) {
  const herald = new Herald(url, { ...FAST, ...options });
  t.after(() => herald.close());
  const up = once(herald, 'connected');
  herald.connect();
  await up;
  return herald;
}

/** A client behind a cuttable proxy, subscribed to a fresh channel, its events recorded. */
async function subscribedThroughProxy(t) {
  const proxy = await startProxy(node.port);
  t.after(() => proxy.close());
  const herald = await connected(t, proxy.url);
  const channel = freshChannel();
  const sub = herald.subscribe(channel);
  const log = record(herald, sub);
  await once(sub, 'subscribed');
  return { proxy, herald, channel, sub, log };
}

describe('connection', () => {
  test('goes connecting, connected, closed, and says which node it reached', async (t) => {
    const herald = new Herald(node.ws, FAST);
    const log = record(herald);
    assert.equal(herald.state, 'disconnected');
    const frame = once(herald, 'connected');
    herald.connect();
    const c = await frame;
    assert.equal(typeof c.client, 'string');
    assert.equal(typeof c.node, 'string');
    assert.equal(herald.state, 'connected');
    herald.close();
    assert.deepEqual(log.states, ['connecting', 'connected', 'closed']);
    await assert.rejects(herald.publish('sdk:x', 1), (e) => e instanceof HeraldError && e.code === 'closed');
  });

  test('after close() nothing keeps a Node process alive: no timer, no socket', async () => {
    // Subscribed, a request answered, then closed: the process must end by itself, long before any timeout.
    const script = `
      import { Herald } from '${new URL('../dist/index.js', import.meta.url)}';
      import WebSocket from 'ws';
      const h = new Herald(${JSON.stringify(node.ws)}, { WebSocket, pingIntervalMs: 60_000, requestTimeoutMs: 60_000 });
      const sub = h.subscribe('sdk:exit');
      await new Promise((resolve) => { sub.on('subscribed', resolve); h.connect(); });
      await h.history('sdk:exit');
      h.close();`;
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: 'inherit' });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 10_000, `the process took ${Date.now() - started} ms to end`);
  });

  test('without a global WebSocket and none passed, the constructor says what to do', () => {
    if (globalThis.WebSocket) {
      return; // Node 22+ has one
    }
    assert.throws(() => new Herald(node.ws), /pass one/);
  });
});

describe('subscriptions and requests', () => {
  test('a subscription gets subscribed, then every message in order; publish, history and presence answer', async (t) => {
    const herald = await connected(t, node.ws);
    const channel = freshChannel();
    const sub = herald.subscribe(channel);
    const log = record(herald, sub);
    await once(sub, 'subscribed');
    assert.equal(sub.state, 'subscribed');

    const first = await herald.publish(channel, { n: 1 });
    assert.equal(first.offset, 1);
    for (const n of [2, 3]) {
      await publish(node, channel, { n });
    }
    await until(sub, 'message', () => log.offsets.length === 3);
    assert.deepEqual(log.offsets, [1, 2, 3]);
    assert.deepEqual(log.data, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(sub.position, { epoch: first.epoch, offset: 3 });

    const page = await herald.history(channel, { limit: 2 });
    assert.deepEqual(page.messages.map((m) => m.offset), [2, 3]);
    assert.equal(page.truncated, false);
    const clients = await herald.presence(channel);
    assert.equal(clients.length, 1);

    sub.unsubscribe();
    assert.equal(sub.state, 'unsubscribed');
    await herald.publish(channel, { n: 4 }); // answered after the unsubscribe: nothing more may arrive
    assert.equal(log.offsets.length, 3);
    assert.equal(herald.subscription(channel), undefined);
  });

  test('join and leave reach the other subscribers of the channel', async (t) => {
    const watcher = await connected(t, node.ws);
    const channel = freshChannel();
    const sub = watcher.subscribe(channel);
    await once(sub, 'subscribed');
    const other = new Herald(node.ws, FAST);
    t.after(() => other.close());
    const otherUp = once(other, 'connected');
    other.connect();
    const { client } = await otherUp;
    const joined = once(sub, 'join', (e) => e.client === client);
    const otherSub = other.subscribe(channel);
    const join = await joined;
    assert.deepEqual(join, { type: 'join', channel, client, user: null });
    const left = once(sub, 'leave', (e) => e.client === client);
    otherSub.unsubscribe();
    await left;
  });

  test('a refused request rejects with the server code; a refused subscribe ends the subscription', async (t) => {
    const herald = await connected(t, node.ws);
    await assert.rejects(herald.publish('not a channel!', 1),
      (e) => e instanceof HeraldError && e.code === 'invalid_channel');
    const sub = herald.subscribe('not a channel!');
    const ended = once(sub, 'unsubscribed');
    const error = await once(sub, 'error');
    assert.equal(error.code, 'invalid_channel');
    assert.deepEqual(await ended, { channel: 'not a channel!', reason: 'invalid_channel' });
    assert.throws(() => { herald.subscribe('sdk:twice'); herald.subscribe('sdk:twice'); },
      (e) => e.code === 'already_subscribed');
  });

  test('a request with no answer fails with timeout', async (t) => {
    const proxy = await startProxy(node.port);
    t.after(() => proxy.close());
    proxy.stall();
    const herald = new Herald(proxy.url, { ...FAST, requestTimeoutMs: 300, connectTimeoutMs: 5_000 });
    t.after(() => herald.close());
    herald.connect();
    await assert.rejects(herald.history('sdk:any'), (e) => e instanceof HeraldError && e.code === 'timeout');
  });
});

describe('recovery', () => {
  test('after a cut network it resubscribes from its position: what was missed comes once, in order', async (t) => {
    const { proxy, herald, channel, sub, log } = await subscribedThroughProxy(t);
    for (const n of range(1, 5)) {
      await publish(node, channel, n);
    }
    await until(sub, 'message', () => log.offsets.length === 5);

    proxy.stall(); // reconnects hang until resume()
    const down = once(herald, 'disconnected');
    proxy.cut();
    await down;
    for (const n of range(6, 20)) {
      await publish(node, channel, n);
    }
    const resubscribed = once(sub, 'subscribed');
    proxy.resume();
    const again = await resubscribed;
    assert.equal(again.recovered, true);
    await until(sub, 'message', () => log.offsets.length === 20);
    assert.deepEqual(log.offsets, range(1, 20));
    assert.deepEqual(log.data, range(1, 20));
    // disconnected, then connecting/disconnected while the proxy stalls the attempts, then connected.
    assert.equal(log.states[0], 'disconnected', log.states.join(','));
    assert.equal(log.states[1], 'connecting', log.states.join(','));
    assert.equal(log.states.at(-1), 'connected', log.states.join(','));
    assert.equal(log.states.filter((s) => s === 'connected').length, 1, log.states.join(','));
  });

  test('a dead network (nothing arrives, no FIN) is noticed by its pings within the pong timeout', async (t) => {
    const proxy = await startProxy(node.port);
    t.after(() => proxy.close());
    const herald = await connected(t, proxy.url, { pingIntervalMs: 200, pongTimeoutMs: 400 });
    const started = Date.now();
    proxy.stall();
    const down = await once(herald, 'disconnected', () => true, 5_000);
    assert.equal(down.code, 4000);
    assert.match(down.reason, /ping/);
    assert.ok(Date.now() - started < 2_000, `noticed after ${Date.now() - started} ms`);
    const up = once(herald, 'connected');
    proxy.resume();
    await up;
  });

  test('a position history no longer holds: recovery_failed, then delivery from the latest offset', async (t) => {
    const herald = await connected(t, node.ws);
    const channel = freshChannel();
    for (const n of range(1, 3)) {
      await publish(node, channel, n);
    }
    const sub = herald.subscribe(channel, { since: { epoch: 'gone', offset: 2 } });
    const log = record(herald, sub);
    const failing = once(sub, 'recovery_failed');
    const subscribing = once(sub, 'subscribed');
    assert.equal((await failing).code, 'recovery_failed');
    const subscribed = await subscribing;
    assert.notEqual(subscribed.recovered, true);
    assert.equal(sub.position.offset, 3);
    await publish(node, channel, 4);
    await until(sub, 'message', () => log.offsets.length === 1);
    assert.deepEqual(log.offsets, [4]);
  });

  test('fuzz: random cuts while publishing, every offset once and in order', async (t) => {
    const seed = Number(process.env.HERALD_FUZZ_SEED ?? Date.now() % 100_000);
    t.diagnostic(`seed ${seed} (HERALD_FUZZ_SEED=${seed} replays it)`);
    const random = seeded(seed);
    const { proxy, channel, sub, log } = await subscribedThroughProxy(t);
    const total = 400;
    let cuts = 0;
    for (const n of range(1, total)) {
      await publish(node, channel, n);
      if (random() < 0.03) {
        proxy.cut();
        cuts++;
      }
    }
    await until(sub, 'message', () => log.offsets.length >= total, 20_000, `all ${total} messages`);
    assert.ok(cuts > 0, 'the seed made no cut');
    assert.deepEqual(log.offsets, range(1, total), `seed ${seed}, ${cuts} cuts`);
    assert.ok(log.disconnects.length >= 1, `seed ${seed}: no disconnect seen`);
  });
});

describe('close codes', () => {
  test('4012 (disconnected by the backend) closes for good: no reconnect', async (t) => {
    const herald = new Herald(node.ws, FAST);
    t.after(() => herald.close());
    const up = once(herald, 'connected');
    herald.connect();
    const { client } = await up;
    const down = once(herald, 'disconnected');
    const answer = await apiPost(node, '/api/disconnect', { client });
    assert.equal(answer.status, 200);
    const event = await down;
    assert.equal(event.code, 4012);
    assert.equal(event.reconnectInMs, null);
    assert.equal(herald.state, 'closed');
  });

  test('4009 (too many connections) waits at least busyReconnectDelayMs before trying again', async (t) => {
    const full = await startNode({ HERALD_WS_MAX_CONNECTIONS: '1' });
    t.after(() => full.stop());
    await connected(t, full.ws);
    const second = new Herald(full.ws, { ...FAST, busyReconnectDelayMs: 700 });
    t.after(() => second.close());
    const down = once(second, 'disconnected');
    second.connect();
    const event = await down;
    assert.equal(event.code, 4009);
    assert.ok(event.reconnectInMs >= 700, `reconnect in ${event.reconnectInMs} ms`);
    assert.equal(second.state, 'disconnected');
  });

  test('1001 (the node drains) reconnects at once, to the next URL', async (t) => {
    const draining = await startNode();
    t.after(() => draining.stop());
    const herald = await connected(t, [draining.ws, node.ws]);
    const first = herald.state;
    const down = once(herald, 'disconnected');
    const up = once(herald, 'connected', () => true, 20_000);
    const stopping = draining.stop();
    const event = await down;
    assert.equal(first, 'connected');
    assert.equal(event.code, 1001);
    assert.equal(event.reconnectInMs, 0);
    await up;
    await stopping;
  });
});
