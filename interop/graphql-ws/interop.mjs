// Runs the real graphql-ws client library against a Herald node's /graphql endpoint.
//
//   node interop.mjs http://127.0.0.1:8080
//
// Subscribes to messages of a fresh channel, publishes 5 messages over POST /api/publish and
// checks the subscription receives offsets 1..5 with the published data, completes the
// subscription, then runs a mutation and a query through the same client. Prints one summary line
// starting with "graphql-ws interop OK" and exits 0, or prints the reason and exits 1. The whole
// run is bounded by a 20 s timeout.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const TIMEOUT_MS = 20_000;
const MESSAGES = 5;

const baseUrl = (process.argv[2] ?? '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(baseUrl)) {
  console.error('usage: node interop.mjs <baseUrl>   (for example http://127.0.0.1:8080)');
  process.exit(2);
}
const wsUrl = baseUrl.replace(/^http/, 'ws') + '/graphql';
const channel = 'interop:' + randomBytes(8).toString('hex');
const version = createRequire(import.meta.url)('graphql-ws/package.json').version;

let step = 'starting';
const timer = setTimeout(() => fail(`timed out after ${TIMEOUT_MS} ms while ${step}`), TIMEOUT_MS);

function fail(reason) {
  console.error(`graphql-ws interop FAILED: ${reason}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function http(method, path, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  check(response.status === 200, `${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** One query or mutation through the client: its single result, or the errors it failed with. */
function execute(client, payload) {
  return new Promise((resolve, reject) => {
    let result;
    client.subscribe(payload, {
      next: (value) => { result = value; },
      error: (error) => reject(new Error(`operation failed: ${JSON.stringify(error)}`)),
      complete: () => (result ? resolve(result) : reject(new Error('operation completed without a result'))),
    });
  });
}

async function main() {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket, // Node 20 has no global WebSocket
    retryAttempts: 0, // a failure is the answer, not something to hide behind reconnects
    lazy: true,
  });

  // The channel's epoch before its first message: subscribing from (epoch, offset 0) makes delivery
  // of offsets 1..5 independent of when the server has finished setting the subscription up
  // (graphql-transport-ws has no "subscribed" acknowledgement to wait for).
  step = 'reading the channel epoch';
  const { epoch } = await http('GET', `/api/channels/${encodeURIComponent(channel)}/history`);
  check(typeof epoch === 'string' && epoch.length > 0, `no epoch for ${channel}`);

  step = 'subscribing';
  const received = [];
  let unsubscribe;
  const allReceived = new Promise((resolve, reject) => {
    unsubscribe = client.subscribe(
      {
        query: `subscription Interop($channel: String!, $epoch: String!) {
          messages(channel: $channel, sinceOffset: 0, epoch: $epoch) { channel epoch offset data ts __typename }
        }`,
        variables: { channel, epoch },
        operationName: 'Interop',
      },
      {
        next: (result) => {
          if (result.errors) {
            reject(new Error(`subscription delivered errors: ${JSON.stringify(result.errors)}`));
            return;
          }
          received.push(result.data.messages);
          if (received.length === MESSAGES) {
            resolve();
          }
        },
        error: (error) => reject(new Error(`subscription failed: ${error?.message ?? JSON.stringify(error)}`)),
        complete: () => reject(new Error(`subscription completed by the server after ${received.length} messages`)),
      },
    );
  });

  step = 'publishing over POST /api/publish';
  const sent = [];
  for (let i = 1; i <= MESSAGES; i++) {
    const data = { n: i, text: `héllo ✓ "${i}"\n`, nested: [i, -i, 2.5, true, null, { k: 'v' }] };
    const reply = await http('POST', '/api/publish', { channel, data });
    check(reply.channel === channel && reply.epoch === epoch && reply.offset === i,
      `publish ${i} answered ${JSON.stringify(reply)}`);
    sent.push(data);
  }

  step = `receiving ${MESSAGES} messages (received ${received.length} so far)`;
  await allReceived;
  received.forEach((m, i) => {
    check(m.channel === channel && m.epoch === epoch && m.offset === i + 1 && m.__typename === 'Message',
      `message ${i + 1} is ${JSON.stringify(m)}`);
    check(JSON.stringify(m.data) === JSON.stringify(sent[i]),
      `message ${i + 1} data ${JSON.stringify(m.data)} differs from ${JSON.stringify(sent[i])}`);
    check(Number.isInteger(m.ts) && m.ts > 0, `message ${i + 1} ts ${m.ts} is not epoch milliseconds`);
  });

  const channelsQuery = {
    query: 'query Channels($prefix: String) { channels(prefix: $prefix) { name subscribers } }',
    variables: { prefix: channel },
  };
  const subscribers = async () => {
    const result = await execute(client, channelsQuery);
    check(!result.errors, `channels query errors: ${JSON.stringify(result.errors)}`);
    return result.data.channels.find((c) => c.name === channel)?.subscribers ?? 0;
  };
  step = 'querying channels while subscribed';
  check((await subscribers()) === 1, `channels does not list the subscription on ${channel}`);

  // The client's unsubscribe sends `complete`; the server ends the operation, and the channel's
  // subscriber count (presence, updated asynchronously) drops to 0.
  step = 'completing the subscription';
  unsubscribe();
  while ((await subscribers()) !== 0) {
    step = 'waiting for the completed subscription to leave the channel';
    await new Promise((r) => setTimeout(r, 50));
  }

  step = 'running the publish mutation';
  const mutationData = { via: 'graphql-ws', list: [1, 2, 3] };
  const mutation = await execute(client, {
    query: 'mutation Publish($channel: String!, $data: JSON) { publish(channel: $channel, data: $data) { channel epoch offset } }',
    variables: { channel, data: mutationData },
  });
  check(!mutation.errors, `mutation errors: ${JSON.stringify(mutation.errors)}`);
  const published = mutation.data.publish;
  check(published.channel === channel && published.epoch === epoch && published.offset === MESSAGES + 1,
    `mutation answered ${JSON.stringify(published)}`);

  step = 'running the history query';
  const history = await execute(client, {
    query: 'query History($channel: String!) { history(channel: $channel, limit: 10) { offset data } }',
    variables: { channel },
  });
  check(!history.errors, `history query errors: ${JSON.stringify(history.errors)}`);
  const expected = [...sent, mutationData].map((data, i) => ({ offset: i + 1, data }));
  check(JSON.stringify(history.data.history) === JSON.stringify(expected),
    `history is ${JSON.stringify(history.data.history)}, expected ${JSON.stringify(expected)}`);

  step = 'disposing the client';
  await client.dispose();
  clearTimeout(timer);
  console.log(`graphql-ws interop OK: graphql-ws ${version}, channel ${channel}, subscription received offsets 1-${MESSAGES}`
    + `, completed; mutation offset ${published.offset}; history query ${history.data.history.length} messages`);
}

main().then(() => process.exit(0), (error) => fail(`${error.message} (while ${step})`));
