// The web console (GET / of a node, gateway-verticle/src/main/resources/console) in headless Chromium against real
// nodes: a channel opened and published to through the page shows up in the live tail with its offset, history and
// presence render; a node with an API key gets it asked for and kept in session storage only; with an admin port
// the page says the overview lives there. The first test saves test-results/console.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, freePort, publish, sign, startNode } from './support.mjs';

const results = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-results');
const WAIT = { timeout: 15_000 };

const browsers = chromium('console tests');

if (browsers) {
  let browser;

  before(async () => {
    browser = await browsers.launch();
  });

  after(async () => {
    await browser?.close();
  });

  /** A page of its own, whose script errors and console errors (CSP violations among them) are collected. */
  async function openPage(t) {
    const page = await browser.newPage();
    t.after(() => page.close());
    await page.setViewport({ width: 1280, height: 1000 });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') {
        problems.push(`console error: ${m.text()}`);
      }
    });
    return { page, problems };
  }

  const text = (page, selector) => page.$eval(selector, (e) => e.textContent);

  test('the console at /: open a channel, publish through the page, the tail shows it with its offset; history, presence', async (t) => {
    const node = await startNode();
    t.after(() => node.stop());
    const { page, problems } = await openPage(t);

    const response = await page.goto(`${node.http}/`);
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);

    await page.waitForFunction(() => document.querySelector('#connection-state').dataset.state === 'connected', WAIT);
    await page.waitForSelector('#nodes tbody tr[data-node]', WAIT);

    const channel = `console:test-${Date.now().toString(36)}`;
    await page.type('#channel-input', channel);
    await page.click('#channel-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#channel-status').textContent.startsWith('Subscribed to'), WAIT);

    // Published through the page's form: markup in the data must come back as text.
    const data = '{"text":"hello from the console","html":"<b>not bold</b>"}';
    await page.$eval('#publish-data', (e) => (e.value = ''));
    await page.type('#publish-data', data);
    await page.click('#publish-form button[type="submit"]');
    await page.waitForSelector('#tail tbody tr[data-offset="1"]', WAIT);
    const first = await page.$$eval('#tail tbody tr[data-offset="1"] td', (cells) => cells.map((c) => c.textContent));
    assert.equal(first[0], '1');
    assert.match(first[1], /^[a-z0-9]+$/, 'the epoch');
    assert.match(first[2], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/, 'the time');
    assert.equal(first[3], JSON.stringify(JSON.parse(data)));
    assert.equal(await page.$('#tail b'), null, 'data is shown as text, never as markup');
    await page.waitForFunction(() => document.querySelector('#publish-result').textContent.includes('offset 1'), WAIT);

    // Published by a backend: newest first.
    await publish(node, channel, { n: 2 });
    await page.waitForSelector('#tail tbody tr[data-offset="2"]', WAIT);
    assert.deepEqual(await page.$$eval('#tail tbody tr', (rows) => rows.map((r) => r.dataset.offset)), ['2', '1']);

    await page.click('#history-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 2, WAIT);
    assert.deepEqual(await page.$$eval('#history tbody tr', (rows) => rows.map((r) => r.dataset.offset)), ['2', '1']);
    assert.match(await text(page, '#history-status'), /^2 messages of epoch /);

    await page.click('#presence-load');
    await page.waitForSelector('#presence tbody tr', WAIT);
    const presence = await page.$$eval('#presence tbody tr td', (cells) => cells.map((c) => c.textContent));
    assert.match(presence[0], / \(this console\)$/);
    assert.equal(presence[1], '(anonymous)');

    // The channel list counts the console's own subscription; the overview computes rates from its second reading.
    await page.waitForFunction((c) => [...document.querySelectorAll('#channels tbody tr')]
      .some((r) => r.dataset.channel === c && r.cells[1].textContent === '1'), WAIT, channel);
    await page.waitForFunction(() => /^\d+\.\d$/.test(document.querySelector('#nodes tbody tr').cells[6].textContent), WAIT);
    assert.equal(await page.$eval('#nodes tbody tr', (r) => r.cells[2].textContent), '1', 'one connection: the console');

    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: path.join(results, 'console.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });

  test('with an API key: the page asks for it, keeps it in session storage only, and the overview loads', async (t) => {
    const key = `console-key-${Date.now().toString(36)}`;
    const node = await startNode({ HERALD_API_KEY: key });
    t.after(() => node.stop());
    const { page, problems } = await openPage(t);

    await page.goto(`${node.http}/`);
    await page.waitForSelector('#api-key:not([hidden])', WAIT);
    assert.equal(await page.$$eval('#nodes tbody tr', (rows) => rows.length), 0);

    await page.type('#api-key-input', 'not-the-key');
    await page.click('#api-key-form button[type="submit"]');
    await page.waitForFunction(() => !document.querySelector('#api-key').hidden
      && document.querySelector('#api-key-reason').textContent.includes('refused'), WAIT);

    await page.type('#api-key-input', key);
    await page.click('#api-key-form button[type="submit"]');
    await page.waitForSelector('#nodes tbody tr[data-node]', WAIT);
    await page.waitForFunction(() => document.querySelector('#api-key').hidden, WAIT);

    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('herald.console.api_key'),
      local: Object.keys(localStorage).length,
      cookies: document.cookie,
    }));
    assert.equal(stored.session, key);
    assert.equal(stored.local, 0, 'nothing in localStorage');
    assert.equal(stored.cookies, '');
    await page.waitForFunction(() => document.querySelector('#connection-state').dataset.state === 'connected', WAIT);
    // The refused key was answered 401, which Chromium reports as a failed resource load; nothing else went wrong.
    assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  });

  test('with an admin port: the page says the overview needs it, and the tail still works over /ws', async (t) => {
    const node = await startNode({ HERALD_ADMIN_PORT: String(await freePort()) });
    t.after(() => node.stop());
    const { page, problems } = await openPage(t);

    await page.goto(`${node.http}/`);
    await page.waitForSelector('#api-notice:not([hidden])', WAIT);
    assert.match(await text(page, '#api-notice'), /admin port \(admin\.port\)/);

    const channel = `console:admin-${Date.now().toString(36)}`;
    await page.type('#channel-input', channel);
    await page.click('#channel-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#channel-status').textContent.startsWith('Subscribed to'), WAIT);
    await page.click('#publish-form button[type="submit"]');
    await page.waitForSelector('#tail tbody tr[data-offset="1"]', WAIT);
    assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  });

  test('with client auth required: the page says a token is needed, and one entered in the token field connects', async (t) => {
    const secret = 'console-test-secret-of-at-least-thirty-two-bytes';
    const node = await startNode({ HERALD_AUTH_HMAC_SECRET: secret, HERALD_AUTH_REQUIRED: 'true' });
    t.after(() => node.stop());
    const { page, problems } = await openPage(t);

    await page.goto(`${node.http}/`);
    // Without a token the node closes /ws with 4001 "token required"; the client does not retry it.
    await page.waitForFunction(() => document.querySelector('#connection-state').dataset.state === 'closed', WAIT);
    assert.match(await text(page, '#connection-detail'), /4001.*client token/);

    const token = sign(secret, { sub: 'operator', exp: Math.floor(Date.now() / 1000) + 600 });
    await page.type('#token-input', token);
    await page.click('#token-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#connection-state').dataset.state === 'connected', WAIT);
    assert.match(await text(page, '#connection-detail'), /user operator/);
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('herald.console.token'),
      local: Object.keys(localStorage).length,
    }));
    assert.equal(stored.session, token);
    assert.equal(stored.local, 0, 'nothing in localStorage');

    const channel = `console:auth-${Date.now().toString(36)}`;
    await page.type('#channel-input', channel);
    await page.click('#channel-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#channel-status').textContent.startsWith('Subscribed to'), WAIT);
    await publish(node, channel, { by: 'backend' });
    await page.waitForSelector('#tail tbody tr[data-offset="1"]', WAIT);
    assert.deepEqual(problems, []);
  });
}
