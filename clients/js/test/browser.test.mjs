// The SDK in headless Chromium (Debian's `chromium`, driven by puppeteer-core): the built module loaded by a page,
// the browser's own WebSocket, a subscription that survives a cut network and gets every message once, in order.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, publish, range, startNode, startProxy } from './support.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const browsers = chromium('browser tests');

if (browsers) {
  let node;
  let pages; // serves the built SDK and an empty page, same origin
  let browser;

  before(async () => {
    node = await startNode();
    pages = http.createServer((req, res) => {
      const file = req.url === '/' ? null : path.join(dist, path.basename(req.url));
      if (file && existsSync(file)) {
        res.writeHead(200, { 'Content-Type': 'text/javascript' });
        res.end(readFileSync(file));
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><title>herald-client test</title>');
      }
    });
    await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
    browser = await browsers.launch();
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (pages ? pages.close(resolve) : resolve()));
    await node?.stop();
  });

  test('in Chromium: subscribe, a cut network, every message once and in order', async (t) => {
    const proxy = await startProxy(node.port);
    t.after(() => proxy.close());
    const page = await browser.newPage();
    t.after(() => page.close());
    await page.goto(`http://127.0.0.1:${pages.address().port}/`);
    const channel = `sdk:browser-${Date.now().toString(36)}`;

    // The page's client: the browser's WebSocket (none passed), fast reconnects; what it sees goes to window.log.
    await page.evaluate(async (url, channel) => {
      const { Herald } = await import('/index.js');
      const log = { offsets: [], states: [], subscribed: 0 };
      window.log = log;
      const herald = new Herald(url, { minReconnectDelayMs: 20, maxReconnectDelayMs: 200 });
      window.herald = herald;
      herald.on('state', (s) => log.states.push(s));
      const sub = herald.subscribe(channel);
      sub.on('message', (m) => log.offsets.push(m.offset));
      await new Promise((resolve) => {
        sub.on('subscribed', () => {
          log.subscribed++;
          resolve();
        });
        herald.connect();
      });
    }, proxy.url, channel);

    const received = (n) => page.waitForFunction((n) => window.log.offsets.length >= n, { timeout: 10_000 }, n);
    for (const n of range(1, 5)) {
      await publish(node, channel, n);
    }
    await received(5);

    proxy.stall();
    proxy.cut();
    await page.waitForFunction(() => window.herald.state !== 'connected', { timeout: 10_000 });
    for (const n of range(6, 15)) {
      await publish(node, channel, n);
    }
    proxy.resume();
    await received(15);
    await publish(node, channel, 16);
    await received(16);

    const log = await page.evaluate(() => window.log);
    assert.deepEqual(log.offsets, range(1, 16));
    assert.ok(log.subscribed >= 2, `subscribed ${log.subscribed} times`);
    assert.equal(log.states.at(-1), 'connected');
    await page.evaluate(() => window.herald.close());
  });
}
