// The SDK against a node that requires tokens: a refused token is never retried without a new one from getToken,
// getToken replaces a refused or expired token, and a token is refreshed before it expires.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Herald } from '../dist/index.js';
import { WebSocket, once, sign, startNode, startProxy } from './support.mjs';

const SECRET = 'sdk-test-secret-of-at-least-thirty-two-bytes';
const FAST = { WebSocket, minReconnectDelayMs: 20, maxReconnectDelayMs: 200 };

let node;

before(async () => {
  node = await startNode({ HERALD_AUTH_HMAC_SECRET: SECRET, HERALD_AUTH_REQUIRED: 'true' });
});

after(async () => {
  await node?.stop();
});

const token = (user, seconds = 3600, secret = SECRET) =>
  sign(secret, { sub: user, exp: Math.floor(Date.now() / 1000) + seconds });

test('a valid token connects, and connected names its user', async (t) => {
  const herald = new Herald(node.ws, { ...FAST, token: token('alice') });
  t.after(() => herald.close());
  const up = once(herald, 'connected');
  herald.connect();
  assert.equal((await up).user, 'alice');
});

test('a refused token without getToken: closed, and never tried again', async (t) => {
  const proxy = await startProxy(node.port);
  t.after(() => proxy.close());
  const herald = new Herald(proxy.url, { ...FAST, token: token('mallory', 3600, 'another-secret-another-secret-another') });
  t.after(() => herald.close());
  const errors = [];
  herald.on('error', (e) => errors.push(e));
  const closed = once(herald, 'state', (s) => s === 'closed');
  const down = once(herald, 'disconnected');
  herald.connect();
  const event = await down;
  await closed;
  assert.equal(event.code, 4001);
  assert.equal(event.reason, 'invalid signature');
  assert.equal(event.reconnectInMs, null);
  assert.equal(errors[0]?.code, 'unauthorized');
  assert.equal(proxy.accepted, 1);
});

test('a refused token with getToken: a new token is asked for and connects', async (t) => {
  let calls = 0;
  const herald = new Herald(node.ws, {
    ...FAST,
    token: token('bob', 3600, 'another-secret-another-secret-another'),
    getToken: () => {
      calls++;
      return token('bob');
    },
  });
  t.after(() => herald.close());
  const downs = [];
  herald.on('disconnected', (d) => downs.push(d.code));
  const up = once(herald, 'connected');
  herald.connect();
  assert.equal((await up).user, 'bob');
  assert.deepEqual(downs, [4001]);
  assert.equal(calls, 1);
});

test('getToken returning the refused token again: closed rather than a retry loop', async (t) => {
  const refused = token('carol', 3600, 'another-secret-another-secret-another');
  const herald = new Herald(node.ws, { ...FAST, token: refused, getToken: () => refused });
  t.after(() => herald.close());
  const closed = once(herald, 'state', (s) => s === 'closed');
  herald.connect();
  await closed;
});

test('a token about to expire is refreshed on the open connection', async (t) => {
  let calls = 0;
  let asked;
  const refreshing = new Promise((resolve) => (asked = resolve));
  const herald = new Herald(node.ws, {
    ...FAST,
    token: token('dave', 3),
    tokenRefreshMarginMs: 2_000,
    getToken: () => {
      calls++;
      asked();
      return token('dave', 3600);
    },
  });
  t.after(() => herald.close());
  const downs = [];
  herald.on('disconnected', (d) => downs.push(d));
  const up = once(herald, 'connected');
  herald.connect();
  await up;
  await refreshing;
  // The first token expires 3 s after it was signed: without the refresh the node closes with 1008 then.
  const outcome = await once(herald, 'disconnected', () => true, 4_000).then(() => 'closed', () => 'stayed open');
  assert.equal(outcome, 'stayed open', JSON.stringify(downs));
  assert.equal(herald.state, 'connected');
  assert.equal(calls, 1);
  assert.equal((await herald.publish('sdk:after-refresh', 1)).offset >= 1, true);
});
