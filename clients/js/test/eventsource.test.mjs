// GET /sse through real EventSource clients, each behind a proxy the test cuts: the `eventsource` package in Node and
// Chromium's own. One stream takes several channels; after a cut the client reconnects by itself with the stream's
// cursor as Last-Event-ID and must get every channel's messages exactly once and in order, those published while it
// was away included. A bad request is an HTTP error that the EventSource fails on, never an open stream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import { apiPost, chromium, once, range, startNode, startProxy, until } from './support.mjs';

/** Every test's own bound: two EventSource reconnects take 3 s each (the default retry; /sse sends no retry:). */
const TEST = { timeout: 60_000 };
/** A wait that spans one reconnect. */
const RECONNECT_MS = 15_000;

const browsers = chromium('eventsource browser tests');

let node;
let streams = 0;
/** Fresh channel names for one stream. */
const freshChannels = (n) => {
  const stream = `${++streams}-${Date.now().toString(36)}`;
  return range(1, n).map((k) => `sse:s${stream}-${k}`);
};

/** POST /api/publish: { channel, epoch, offset }. */
async function publish(channel, data) {
  const { status, body } = await apiPost(node, '/api/publish', { channel, data });
  assert.equal(status, 200, `publish refused: ${JSON.stringify(body)}`);
  return body;
}

/** Publishes { n } to every channel for each n in `ns`, interleaving the channels; checks each offset is n. */
async function publishRound(channels, ns) {
  for (const n of ns) {
    for (const channel of channels) {
      const { offset } = await publish(channel, { n });
      assert.equal(offset, n, `${channel}: publish ${n} got offset ${offset}`);
    }
  }
}

const streamPath = (channels) => `/sse?${channels.map((c) => `channel=${encodeURIComponent(c)}`).join('&')}`;

/** An EventSource as the emitter support.mjs's once/until take: on(type, listener) returns its removal. */
const emitter = (es) => ({
  on(type, listener) {
    es.addEventListener(type, listener);
    return () => es.removeEventListener(type, listener);
  },
});

/**
 * What a stream's events said, by kind. An `error` event is either the EventSource's own (no data: the connection
 * failed or dropped) or the server's `event: error` (a MessageEvent with the error frame as data).
 */
function record(es, channels) {
  const log = {
    opens: 0, connected: [], subscribed: [], messages: [], closes: [], transportErrors: [], serverErrors: [],
    offsets: Object.fromEntries(channels.map((c) => [c, []])),
  };
  es.addEventListener('open', () => log.opens++);
  es.addEventListener('connected', (e) => log.connected.push(JSON.parse(e.data)));
  es.addEventListener('subscribed', (e) => log.subscribed.push({ id: e.lastEventId, frame: JSON.parse(e.data) }));
  es.addEventListener('message', (e) => {
    const frame = JSON.parse(e.data);
    log.messages.push({ id: e.lastEventId, frame });
    log.offsets[frame.channel].push(frame.offset);
  });
  es.addEventListener('close', (e) => log.closes.push(JSON.parse(e.data)));
  es.addEventListener('error', (e) => {
    if (typeof e.data === 'string') {
      log.serverErrors.push(JSON.parse(e.data));
    } else {
      log.transportErrors.push({ readyState: es.readyState, code: e.code, message: e.message });
    }
  });
  return log;
}

/** Every channel has its messages 1..n: each once, in order, one epoch, the data that was published with it. */
function assertExactlyOnceInOrder(messages, channels, n) {
  for (const channel of channels) {
    const frames = messages.map((m) => m.frame).filter((f) => f.channel === channel);
    assert.deepEqual(frames.map((f) => f.offset), range(1, n), `${channel}: offsets`);
    assert.deepEqual(frames.map((f) => f.data), range(1, n).map((k) => ({ n: k })), `${channel}: data`);
    assert.equal(new Set(frames.map((f) => f.epoch)).size, 1, `${channel}: one epoch`);
    for (const f of frames) {
      assert.equal(f.type, 'message');
      assert.equal(typeof f.ts, 'number');
    }
  }
}

/**
 * What a stream cut once and resumed by its EventSource must show: offsets 1..n exactly once in order on every
 * channel, one cursor over all of them, the reconnect carrying the cursor from before the cut as Last-Event-ID
 * (`lastEventIds`: what each request sent), every channel recovered, no server error, two opens.
 */
function assertResumedOnce(log, channels, n, lastEventIds, cursorBeforeCut) {
  assertExactlyOnceInOrder(log.messages, channels, n);
  assert.equal(log.messages.length, channels.length * n, 'nothing else, nothing twice');
  assert.equal(log.messages.at(-1).id, cursorAt(log.messages, channels, n), 'one cursor over every channel');
  assert.deepEqual(lastEventIds, [null, cursorBeforeCut], 'the reconnect carried the last cursor as Last-Event-ID');
  const resubscribed = log.subscribed.slice(channels.length);
  assert.deepEqual(resubscribed.map((s) => s.frame.channel), channels);
  for (const { frame } of resubscribed) {
    assert.equal(frame.recovered, true, `${frame.channel}: recovered from Last-Event-ID`);
  }
  assert.deepEqual(log.serverErrors, []);
  assert.equal(log.opens, 2);
}

/** The cursor after `offset` on every channel: epoch:offset per channel, in the stream's channel order. */
function cursorAt(messages, channels, offset) {
  return channels.map((c) => `${messages.find((m) => m.frame.channel === c).frame.epoch}:${offset}`).join(',');
}

before(async () => {
  node = await startNode();
});

after(async () => {
  await node?.stop();
});

describe('EventSource in Node (the eventsource package)', () => {
  test('three channels on one stream survive a cut: every message once, in order, resumed with Last-Event-ID', TEST, async (t) => {
    const proxy = await startProxy(node.port);
    t.after(() => proxy.close());
    const base = `http://127.0.0.1:${new URL(proxy.url).port}`;
    const channels = freshChannels(3);

    // What each request of the EventSource carried: its Last-Event-ID header is how it resumes.
    const requests = [];
    const fetchSeen = (url, init) => {
      requests.push(init?.headers?.['Last-Event-ID'] ?? null);
      return globalThis.fetch(url, init);
    };
    const es = new EventSource(`${base}${streamPath(channels)}`, { fetch: fetchSeen });
    t.after(() => es.close());
    const events = emitter(es);
    const log = record(es, channels);
    const received = (n, what) => until(events, 'message', () => channels.every((c) => log.offsets[c].length >= n),
      RECONNECT_MS, what);

    await until(events, 'subscribed', () => log.subscribed.length === channels.length, 10_000, 'subscribed to 3 channels');
    assert.equal(log.opens, 1);
    assert.equal(log.connected.length, 1);
    assert.equal(typeof log.connected[0].client, 'string');
    assert.deepEqual(log.subscribed.map((s) => s.frame.channel), channels);
    for (const { frame } of log.subscribed) {
      assert.equal(frame.offset, 0, 'a fresh channel');
      assert.equal(frame.recovered, undefined, 'a first connect is live, not a recovery');
    }

    await publishRound(channels, range(1, 4));
    await received(4, 'messages 1-4 on every channel');
    assert.equal(es.readyState, EventSource.OPEN);
    const cursorBeforeCut = log.messages.at(-1).id;
    assert.equal(cursorBeforeCut, cursorAt(log.messages, channels, 4), 'the cursor: epoch:offset per channel, in order');

    // The network drops (held down until resume(), so the publishes below happen while the client is away).
    const dropped = once(events, 'error', (e) => typeof e.data !== 'string', 10_000);
    const reopened = once(events, 'open', () => true, RECONNECT_MS);
    proxy.stall();
    proxy.cut();
    await dropped;
    assert.equal(es.readyState, EventSource.CONNECTING, 'reconnecting by itself');
    await publishRound(channels, range(5, 10));
    proxy.resume();
    await reopened;
    await received(10, 'messages 5-10, published during the cut, on every channel');
    await until(events, 'subscribed', () => log.subscribed.length === 2 * channels.length, 10_000, 'subscribed again');

    await publishRound(channels, range(11, 12));
    await received(12, 'live messages 11-12 after the reconnect');

    assertResumedOnce(log, channels, 12, requests, cursorBeforeCut);
    assert.equal(log.connected.length, 2);
    assert.equal(proxy.accepted, 2);
    assert.equal(es.readyState, EventSource.OPEN);
  });

  test('a bad request is an HTTP error: the EventSource fails (CLOSED) without ever opening or retrying', TEST, async (t) => {
    const cases = [
      { path: '/sse', status: 400, code: 'bad_request' },
      { path: '/sse?channel=not%20a%20channel!', status: 400, code: 'invalid_channel' },
      { path: '/sse?channel=sse:x&channel=sse:x', status: 400, code: 'bad_request' },
      { path: '/sse?channel=sse:x&channel=sse:y&since=abc:1', status: 400, code: 'bad_request' },
      { path: '/sse?channel=sse:x&since=nope', status: 400, code: 'bad_request' },
    ];
    for (const c of cases) {
      // The response the EventSource got, its body read here (and handed on unread).
      const responses = [];
      const fetchSeen = async (url, init) => {
        const res = await globalThis.fetch(url, init);
        const body = await res.text();
        responses.push({ status: res.status, type: res.headers.get('content-type'), body });
        return new Response(body, { status: res.status, headers: res.headers });
      };
      const es = new EventSource(`${node.http}${c.path}`, { fetch: fetchSeen });
      t.after(() => es.close());
      let opened = false;
      es.addEventListener('open', () => {
        opened = true;
      });
      const failed = await once(emitter(es), 'error', () => true, 10_000);
      assert.equal(es.readyState, EventSource.CLOSED, `${c.path}: the EventSource gave up`);
      assert.equal(failed.code, c.status, `${c.path}: the status`);
      assert.equal(opened, false, `${c.path}: never open`);
      assert.equal(responses.length, 1, `${c.path}: one request, no retry`);
      assert.match(responses[0].type, /^application\/json/, `${c.path}: a JSON error, not an event stream`);
      const { error } = JSON.parse(responses[0].body);
      assert.equal(error.code, c.code, `${c.path}: ${responses[0].body}`);
      assert.equal(typeof error.message, 'string');
    }
  });
});

if (browsers) {
  describe('EventSource in Chromium', () => {
    let browser;

    before(async () => {
      browser = await browsers.launch();
    });

    after(async () => {
      await browser?.close();
    });

    test('a page of the node: one stream of three channels survives a cut, every message once and in order', TEST, async (t) => {
      const proxy = await startProxy(node.port);
      t.after(() => proxy.close());
      const page = await browser.newPage();
      t.after(() => page.close());
      const channels = freshChannels(3);
      const path = streamPath(channels);

      // The Last-Event-ID each request of the stream carried, as the browser's network stack sent it: the DevTools
      // protocol's raw request headers (the page-level request headers lack it). The two events may come in either order.
      const devtools = await page.createCDPSession();
      const streamRequests = [];
      const sentHeaders = new Map();
      devtools.on('Network.requestWillBeSent', (e) => {
        if (new URL(e.request.url).pathname === '/sse') {
          streamRequests.push(e.requestId);
        }
      });
      devtools.on('Network.requestWillBeSentExtraInfo', (e) => sentHeaders.set(e.requestId, e.headers));
      await devtools.send('Network.enable');
      const lastEventIds = () => streamRequests.map((id) => {
        const headers = sentHeaders.get(id) ?? {};
        const name = Object.keys(headers).find((h) => h.toLowerCase() === 'last-event-id');
        return name === undefined ? null : headers[name];
      });
      // The node's console page, through the proxy: the stream below is same-origin (connect-src 'self').
      const response = await page.goto(`http://127.0.0.1:${new URL(proxy.url).port}/`);
      assert.equal(response.status(), 200);

      await page.evaluate((path) => {
        const log = { opens: 0, connected: 0, subscribed: [], messages: [], transportErrors: [], serverErrors: [] };
        window.log = log;
        const es = new EventSource(path);
        window.es = es;
        es.addEventListener('open', () => log.opens++);
        es.addEventListener('connected', () => log.connected++);
        es.addEventListener('subscribed', (e) => log.subscribed.push({ id: e.lastEventId, frame: JSON.parse(e.data) }));
        es.addEventListener('message', (e) => log.messages.push({ id: e.lastEventId, frame: JSON.parse(e.data) }));
        es.addEventListener('error', (e) => {
          if (typeof e.data === 'string') {
            log.serverErrors.push(JSON.parse(e.data));
          } else {
            log.transportErrors.push(es.readyState);
          }
        });
      }, path);

      const wait = (fn, arg, timeout = 10_000) => page.waitForFunction(fn, { timeout }, arg);
      const received = (n, timeout) => wait((n) => window.log.messages.length >= n, n * channels.length, timeout);
      await wait((n) => window.log.subscribed.length === n, channels.length);

      await publishRound(channels, range(1, 5));
      await received(5);
      const cursorBeforeCut = await page.evaluate(() => window.log.messages.at(-1).id);

      proxy.stall();
      proxy.cut();
      // The browser's EventSource saw the drop and is reconnecting by itself.
      await wait(() => window.log.transportErrors.length >= 1 && window.es.readyState === EventSource.CONNECTING);
      await publishRound(channels, range(6, 12));
      proxy.resume();
      await wait(() => window.log.opens === 2, undefined, RECONNECT_MS);
      await received(12, RECONNECT_MS);
      await wait((n) => window.log.subscribed.length === n, 2 * channels.length);
      await publishRound(channels, range(13, 14));
      await received(14);

      const log = await page.evaluate(() => ({ ...window.log, readyState: window.es.readyState }));
      await page.evaluate(() => window.es.close());
      assert.equal(cursorBeforeCut, cursorAt(log.messages, channels, 5));
      assertResumedOnce(log, channels, 14, lastEventIds(), cursorBeforeCut);
      assert.equal(log.connected, 2);
      assert.equal(log.readyState, 1, 'open at the end');
    });
  });
}
