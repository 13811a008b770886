// An example application backend for Herald: it answers Herald's proxy hooks (who may connect, subscribe and
// publish) and receives its webhooks (who is where). Plain Node 18+, no dependencies:
//
//   HERALD_WEBHOOK_SECRET=s3cret node examples/backend/server.mjs 3000
//   ./herald --set proxy.connect_url=http://127.0.0.1:3000/herald/connect \
//            --set proxy.subscribe_url=http://127.0.0.1:3000/herald/subscribe \
//            --set proxy.publish_url=http://127.0.0.1:3000/herald/publish \
//            --set webhooks.url=http://127.0.0.1:3000/herald/events --set webhooks.secret=s3cret \
//            --set 'webhooks.events=channel_occupied,channel_vacated,join,leave'
//
// The rules of this toy chat application:
// - connect: the client's `Authorization: Bearer <session>` (or cookie `session=<session>`) must be a known
//   session; it becomes the connection's user, with its display name as info, and every user is subscribed to
//   `notices` on connect. An unknown session is refused; a banned one is disconnected.
// - subscribe: `chat:*` is open to all; `inbox:<user>` only to that user.
// - publish: text over 200 characters is refused; everything else is stamped with the sender's user.
// - webhooks: each batch's signature is checked (HMAC-SHA256 of the body with the shared secret); the events of
//   valid batches are kept, and `GET /rooms` answers which channels are occupied now.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);
const secret = process.env.HERALD_WEBHOOK_SECRET ?? '';

const sessions = new Map([
  ['s-alice', { user: 'alice', name: 'Alice' }],
  ['s-bob', { user: 'bob', name: 'Bob' }],
  ['s-mallory', { user: 'mallory', name: 'Mallory', banned: true }],
]);

/** Occupied channels, as the webhooks tell them; and every event received, for whoever wants to look. */
const occupied = new Set();
const events = [];
let rejectedBatches = 0;

const hooks = {
  '/herald/connect': ({ headers }) => {
    const session = bearer(headers) ?? cookie(headers, 'session');
    const known = sessions.get(session);
    if (!known) {
      return { error: { code: 'unauthorized', message: 'sign in first' } };
    }
    if (known.banned) {
      return { disconnect: { code: 4403, reason: 'banned' } };
    }
    return { result: { user: known.user, info: { name: known.name }, subs: ['notices'] } };
  },
  '/herald/subscribe': ({ user, channel }) => {
    if (channel.startsWith('chat:') || channel === 'notices' || channel === `inbox:${user}`) {
      return { result: {} };
    }
    return { error: { code: 'permission_denied', message: `${channel} is not yours` } };
  },
  '/herald/publish': ({ user, data }) => {
    const text = typeof data?.text === 'string' ? data.text : '';
    if (text.length > 200) {
      return { error: { code: 'bad_request', message: 'at most 200 characters' } };
    }
    return { result: { data: { text, from: user } } };
  },
};

const server = createServer(async (req, res) => {
  const body = await read(req);
  if (req.method === 'POST' && hooks[req.url]) {
    return json(res, 200, hooks[req.url](JSON.parse(body.toString('utf8'))));
  }
  if (req.method === 'POST' && req.url === '/herald/events') {
    if (!signedBySecret(req.headers['x-herald-signature'], body)) {
      rejectedBatches++;
      return json(res, 401, { error: 'bad signature' });
    }
    for (const event of JSON.parse(body.toString('utf8')).events) {
      events.push(event);
      if (event.type === 'channel_occupied') occupied.add(event.channel);
      if (event.type === 'channel_vacated') occupied.delete(event.channel);
    }
    return json(res, 200, {});
  }
  if (req.method === 'GET' && req.url === '/rooms') {
    return json(res, 200, { occupied: [...occupied].sort(), events, rejected_batches: rejectedBatches });
  }
  json(res, 404, { error: 'not found' });
});

server.listen(port, '127.0.0.1', () => console.log(`example backend listening on http://127.0.0.1:${server.address().port}`));

function signedBySecret(header, body) {
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(body).digest('hex'));
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function bearer(headers) {
  const value = headers?.authorization ?? headers?.Authorization;
  return typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : undefined;
}

function cookie(headers, name) {
  const value = headers?.cookie ?? headers?.Cookie;
  const match = typeof value === 'string' && value.match(new RegExp(`(?:^|;\\s*)${name}=([^;]*)`));
  return match ? match[1] : undefined;
}

function read(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
