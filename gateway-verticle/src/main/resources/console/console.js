// The Herald web console: the overview and channel list from the HTTP API (/api/info, /api/channels), and for one
// channel a live tail, publish, history and presence over /ws with the JavaScript SDK (a copy of its build in sdk/).
// Everything a node or a user sent is put in the page as text (textContent), never as markup.
import { Herald } from './sdk/index.js';

const API_KEY = 'herald.console.api_key';
const CLIENT_TOKEN = 'herald.console.token';
const REFRESH_MS = 3000;
const TAIL_ROWS = 500;

const $ = (id) => document.getElementById(id);

// ---- DOM helpers: text only ----

function row(values, attributes = {}) {
  const tr = document.createElement('tr');
  for (const [name, value] of Object.entries(attributes)) {
    tr.setAttribute(name, String(value));
  }
  for (const value of values) {
    const td = document.createElement('td');
    if (value instanceof Node) {
      td.append(value);
    } else {
      td.textContent = value === undefined || value === null ? '' : String(value);
    }
    tr.append(td);
  }
  return tr;
}

function code(text) {
  const element = document.createElement('code');
  element.textContent = text;
  return element;
}

function say(id, text, kind = 'info') {
  const element = $(id);
  element.textContent = text;
  element.dataset.kind = kind;
}

function time(ts) {
  return typeof ts === 'number' ? new Date(ts).toISOString().replace('T', ' ').replace('Z', '') : '';
}

function json(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function duration(seconds) {
  if (typeof seconds !== 'number') {
    return '';
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
}

function failure(error) {
  return error && error.code ? `${error.code}: ${error.message}` : String(error && error.message ? error.message : error);
}

// ---- HTTP API ----

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET on the node's HTTP API, with the API key of this tab's session when there is one. */
async function api(path) {
  const headers = { Accept: 'application/json' };
  const key = sessionStorage.getItem(API_KEY);
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  const response = await fetch(path, { headers, cache: 'no-store', credentials: 'same-origin' });
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: reported by status
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(response.status, error.code || `http_${response.status}`, error.message || response.statusText);
  }
  return body;
}

/** 'ok' while the API answers; 'key' while it waits for a key; 'absent' when this port does not serve it. */
let apiState = 'ok';

function apiFailed(error, statusId) {
  if (error instanceof ApiError && error.status === 401) {
    apiState = 'key';
    const had = sessionStorage.getItem(API_KEY) !== null;
    sessionStorage.removeItem(API_KEY);
    say('api-key-reason', had
      ? 'The node refused that API key. Enter a valid one (api.key, api.keys or api.keys_file on the node).'
      : "This node's HTTP API needs an API key (api.key): enter it to see the overview and the channels.");
    $('api-key').hidden = false;
    $('api-key-input').focus();
    return;
  }
  if (error instanceof ApiError && error.status === 404) {
    apiState = 'absent';
    const notice = $('api-notice');
    notice.textContent = 'The HTTP API (/api/*) is not served on this port: the node has an admin port (admin.port), '
      + 'and the overview and the channel list need it. The live tail, publish, history and presence below work '
      + 'over the WebSocket on this port.';
    notice.hidden = false;
    say('overview-status', 'Overview unavailable: /api/info is on the admin port.', 'error');
    say('channels-status', 'Channel list unavailable: /api/channels is on the admin port.', 'error');
    return;
  }
  say(statusId, `HTTP API: ${failure(error)}`, 'error');
}

// ---- Overview: /api/info, with rates from successive counter readings ----

/** The previous reading of each node's counters, by node id. */
const lastReading = new Map();

function rate(now, previous, field) {
  if (!previous || typeof now[field] !== 'number' || typeof previous[field] !== 'number') {
    return '-';
  }
  const seconds = (now.at - previous.at) / 1000;
  if (seconds <= 0) {
    return '-';
  }
  return (Math.max(0, now[field] - previous[field]) / seconds).toFixed(1);
}

function renderNodes(info) {
  const at = performance.now();
  const rows = [];
  const seen = new Set();
  for (const node of info.nodes || []) {
    const reading = { at, connections_opened: node.connections_opened, messages_published: node.messages_published,
      messages_delivered: node.messages_delivered };
    const previous = lastReading.get(node.id);
    seen.add(node.id);
    lastReading.set(node.id, reading);
    const tr = row([node.id, node.address, node.connections, node.subscriptions, duration(node.uptime_s),
      rate(reading, previous, 'connections_opened'), rate(reading, previous, 'messages_published'),
      rate(reading, previous, 'messages_delivered')], { 'data-node': node.id });
    for (const index of [2, 3, 4, 5, 6, 7]) {
      tr.cells[index].className = 'number';
    }
    rows.push(tr);
  }
  for (const id of [...lastReading.keys()]) {
    if (!seen.has(id)) {
      lastReading.delete(id);
    }
  }
  $('nodes').tBodies[0].replaceChildren(...rows);
  const nodes = rows.length;
  say('overview-status', `${nodes} node${nodes === 1 ? '' : 's'}, updated ${new Date().toLocaleTimeString()}`);
}

// ---- Channels: /api/channels ----

function renderChannels(list) {
  const rows = (list.channels || []).map((channel) => {
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = 'Open';
    open.setAttribute('aria-label', `Open ${channel.name}`);
    open.addEventListener('click', () => openChannel(channel.name));
    const tr = row([code(channel.name), channel.subscribers, open], { 'data-channel': channel.name });
    tr.cells[1].className = 'number';
    return tr;
  });
  $('channels').tBodies[0].replaceChildren(...rows);
  say('channels-status', rows.length === 0 ? 'No channel has subscribers.' : `${rows.length} channel${rows.length === 1 ? '' : 's'}`);
}

let refreshTimer = null;
let refreshing = false;

/** Reads the overview and the channel list, then again in REFRESH_MS (one reading at a time). */
async function refresh() {
  if (refreshing) {
    return;
  }
  clearTimeout(refreshTimer);
  refreshTimer = null;
  if (apiState !== 'ok') {
    return;
  }
  refreshing = true;
  try {
    await readApi();
  } finally {
    refreshing = false;
  }
  if (apiState === 'ok') {
    refreshTimer = setTimeout(refresh, REFRESH_MS);
  }
}

async function readApi() {
  const prefix = $('channels-prefix').value.trim();
  const [info, channels] = await Promise.allSettled([
    api('/api/info'),
    api(`/api/channels${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`),
  ]);
  if (info.status === 'fulfilled') {
    renderNodes(info.value);
  } else {
    apiFailed(info.reason, 'overview-status');
  }
  if (apiState === 'ok') {
    if (channels.status === 'fulfilled') {
      renderChannels(channels.value);
    } else {
      apiFailed(channels.reason, 'channels-status');
    }
  }
}

$('api-key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key-input').value.trim();
  if (!key) {
    return;
  }
  sessionStorage.setItem(API_KEY, key);
  $('api-key-input').value = '';
  $('api-key').hidden = true;
  apiState = 'ok';
  refresh();
});

$('channels-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (apiState === 'ok') {
    refresh();
  }
});

// ---- The WebSocket, through the SDK ----

const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
let herald = null;
let subscription = null;
let channel = null;
let clientId = null;

function connect() {
  const token = sessionStorage.getItem(CLIENT_TOKEN);
  const client = new Herald(url, token ? { token } : {});
  herald = client;
  client.on('state', (state) => {
    if (client !== herald) {
      return;
    }
    const element = $('connection-state');
    element.textContent = state;
    element.dataset.state = state;
    if (state !== 'connected') {
      clientId = null;
    }
  });
  client.on('connected', (frame) => {
    if (client === herald) {
      clientId = frame.client;
      say('connection-detail', `as client ${frame.client}${frame.user ? ` (user ${frame.user})` : ''} on node ${frame.node}`);
    }
  });
  client.on('disconnected', (event) => {
    if (client !== herald) {
      return;
    }
    const next = event.reconnectInMs === null ? 'not reconnecting' : `reconnecting in ${(event.reconnectInMs / 1000).toFixed(1)} s`;
    const auth = event.code === 4001 ? ' The node requires a client token: enter one below (Client token).' : '';
    say('connection-detail', `closed ${event.code}${event.reason ? ` (${event.reason})` : ''}, ${next}.${auth}`, 'error');
  });
  client.on('error', (error) => {
    if (client === herald) {
      say('connection-detail', `${failure(error)}`, 'error');
    }
  });
  client.connect();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token-input').value.trim();
  if (token) {
    sessionStorage.setItem(CLIENT_TOKEN, token);
  } else {
    sessionStorage.removeItem(CLIENT_TOKEN);
  }
  $('token-input').value = '';
  const reopen = channel;
  closeChannel();
  herald.close();
  connect();
  if (reopen) {
    openChannel(reopen);
  }
});

// ---- One channel: tail, publish, history, presence ----

function closeChannel() {
  if (subscription) {
    subscription.unsubscribe();
  }
  subscription = null;
  channel = null;
}

function messageRow(message) {
  const tr = row([message.offset, message.epoch, time(message.ts), code(json(message.data))],
    { 'data-offset': message.offset, 'data-epoch': message.epoch });
  tr.cells[0].className = 'number';
  return tr;
}

function tailCaption() {
  const n = $('tail').tBodies[0].rows.length;
  $('tail-caption').textContent = n === 0 ? 'No messages yet' : `${n} message${n === 1 ? '' : 's'}, newest first`;
}

function openChannel(name) {
  name = name.trim();
  if (!name) {
    return;
  }
  $('channel-input').value = name;
  $('channel-panels').hidden = false;
  if (name === channel && subscription && subscription.state !== 'unsubscribed') {
    return;
  }
  closeChannel();
  channel = name;
  $('tail').tBodies[0].replaceChildren();
  $('history').tBodies[0].replaceChildren();
  $('presence').tBodies[0].replaceChildren();
  for (const id of ['publish-result', 'history-status', 'presence-status']) {
    say(id, '');
  }
  tailCaption();
  $('channel-title').textContent = `Channel ${name}`;
  say('channel-status', `Subscribing to ${name}...`);
  const sub = herald.subscribe(name);
  subscription = sub;
  sub.on('subscribed', (frame) => {
    say('channel-status', `Subscribed to ${name}: epoch ${frame.epoch}, offset ${frame.offset}`
      + (frame.recovered ? ' (recovered what was missed)' : ''), 'ok');
  });
  sub.on('message', (message) => {
    const body = $('tail').tBodies[0];
    body.prepend(messageRow(message));
    while (body.rows.length > TAIL_ROWS) {
      body.lastElementChild.remove();
    }
    tailCaption();
  });
  sub.on('recovery_failed', () => {
    say('channel-status', `History no longer held what this tail missed of ${name}: continuing from the latest offset.`, 'error');
  });
  sub.on('error', (error) => {
    say('channel-status', `Subscribe to ${name}: ${failure(error)}`, 'error');
  });
  sub.on('unsubscribed', (event) => {
    if (event.reason !== 'client') {
      say('channel-status', `The subscription to ${name} ended: ${event.reason}`, 'error');
    }
  });
}

$('channel-form').addEventListener('submit', (event) => {
  event.preventDefault();
  openChannel($('channel-input').value);
});

$('tail-clear').addEventListener('click', () => {
  $('tail').tBodies[0].replaceChildren();
  tailCaption();
});

$('publish-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!channel) {
    return;
  }
  const raw = $('publish-data').value;
  let data;
  try {
    data = JSON.parse(raw);
  } catch {
    data = raw;
  }
  const target = channel;
  say('publish-result', `Publishing to ${target}...`);
  try {
    const published = await herald.publish(target, data);
    say('publish-result', `Published to ${published.channel} at offset ${published.offset} (epoch ${published.epoch})`, 'ok');
  } catch (error) {
    say('publish-result', `Publish refused: ${failure(error)}`, 'error');
  }
});

$('history-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!channel) {
    return;
  }
  const target = channel;
  const limit = Number.parseInt($('history-limit').value, 10);
  say('history-status', `Loading history of ${target}...`);
  try {
    const page = await herald.history(target, Number.isFinite(limit) && limit > 0 ? { limit } : {});
    if (target !== channel) {
      return;
    }
    const rows = page.messages.map(messageRow).reverse();
    $('history').tBodies[0].replaceChildren(...rows);
    say('history-status', `${rows.length} message${rows.length === 1 ? '' : 's'} of epoch ${page.epoch}`
      + (page.truncated ? ' (cut to fit the reply size: the newest ones)' : ''), 'ok');
  } catch (error) {
    say('history-status', `History: ${failure(error)}`, 'error');
  }
});

$('presence-load').addEventListener('click', async () => {
  if (!channel) {
    return;
  }
  const target = channel;
  say('presence-status', `Loading presence of ${target}...`);
  try {
    const clients = await herald.presence(target);
    if (target !== channel) {
      return;
    }
    const rows = clients.map((c) => row([c.client + (c.client === clientId ? ' (this console)' : ''),
      c.user === null ? '(anonymous)' : c.user, c.node], { 'data-client': c.client }));
    $('presence').tBodies[0].replaceChildren(...rows);
    say('presence-status', `${rows.length} client${rows.length === 1 ? '' : 's'}`, 'ok');
  } catch (error) {
    say('presence-status', `Presence: ${failure(error)}`, 'error');
  }
});

connect();
refresh();
