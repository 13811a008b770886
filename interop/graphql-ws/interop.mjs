// Runs the real graphql-ws client library against a Herald node's /graphql endpoint.
//
//   node interop.mjs http://127.0.0.1:8080
//
// Subscribes to messages of a fresh channel, publishes 5 messages over POST /api/publish and
// checks the subscription receives offsets 1..5 with the published data, completes the
// subscription (the client sends `complete`), then runs a mutation and queries through the same
// client. Prints one line starting with "graphql-ws interop OK" and exits 0, or prints the reason
// and exits 1. The whole run is bounded by a 20 s timeout.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { check, checkMessage, freshChannel, messageData, startRun, versionOf } from './common.mjs';

const MESSAGES = 5;
const run = startRun('graphql-ws');

/** One query or mutation through the client: its single result. */
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

run.finish(async () => {
  const client = createClient({
    url: run.wsUrl,
    webSocketImpl: WebSocket, // Node 20 has no global WebSocket
    retryAttempts: 0, // a failure is the answer, not something to hide behind reconnects
  });
  const channel = freshChannel();

  run.step = 'reading the channel epoch';
  const startEpoch = await run.epochOf(channel);

  run.step = 'subscribing';
  const received = [];
  let unsubscribe;
  const allReceived = new Promise((resolve, reject) => {
    unsubscribe = client.subscribe(
      {
        query: `subscription Interop($channel: String!, $epoch: String!) {
          messages(channel: $channel, sinceOffset: 0, epoch: $epoch) { channel epoch offset data ts __typename }
        }`,
        variables: { channel, epoch: startEpoch },
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

  run.step = 'publishing over POST /api/publish';
  let epoch;
  for (let offset = 1; offset <= MESSAGES; offset++) {
    epoch = await run.publish(channel, epoch, offset, messageData(offset));
  }

  run.step = `receiving ${MESSAGES} messages`;
  await allReceived;
  received.forEach((m, i) => checkMessage(m, channel, epoch, i + 1, messageData(i + 1)));

  const subscribers = async () => {
    const result = await execute(client, {
      query: 'query Channels($prefix: String) { channels(prefix: $prefix) { name subscribers } }',
      variables: { prefix: channel },
    });
    check(!result.errors, `channels query errors: ${JSON.stringify(result.errors)}`);
    return result.data.channels.find((c) => c.name === channel)?.subscribers ?? 0;
  };
  run.step = 'querying channels while subscribed';
  check((await subscribers()) === 1, `channels does not list the subscription on ${channel}`);

  // The client's unsubscribe sends `complete`; the server ends the operation, and the channel's
  // subscriber count (presence, updated asynchronously) drops to 0.
  run.step = 'completing the subscription';
  unsubscribe();
  run.step = 'waiting for the completed subscription to leave the channel';
  while ((await subscribers()) !== 0) {
    await new Promise((r) => setTimeout(r, 50));
  }

  run.step = 'running the publish mutation';
  const mutationData = { via: 'graphql-ws', list: [1, 2, 3] };
  const mutation = await execute(client, {
    query: 'mutation Publish($channel: String!, $data: JSON) { publish(channel: $channel, data: $data) { channel epoch offset } }',
    variables: { channel, data: mutationData },
  });
  check(!mutation.errors, `mutation errors: ${JSON.stringify(mutation.errors)}`);
  const published = mutation.data.publish;
  check(published.channel === channel && published.epoch === epoch && published.offset === MESSAGES + 1,
    `mutation answered ${JSON.stringify(published)}`);

  run.step = 'running the history query';
  const history = await execute(client, {
    query: 'query History($channel: String!) { history(channel: $channel, limit: 10) { offset data } }',
    variables: { channel },
  });
  check(!history.errors, `history query errors: ${JSON.stringify(history.errors)}`);
  const expected = [];
  for (let offset = 1; offset <= MESSAGES; offset++) {
    expected.push({ offset, data: messageData(offset) });
  }
  expected.push({ offset: MESSAGES + 1, data: mutationData });
  check(JSON.stringify(history.data.history) === JSON.stringify(expected),
    `history is ${JSON.stringify(history.data.history)}, expected ${JSON.stringify(expected)}`);

  run.step = 'disposing the client';
  await client.dispose();
  return `graphql-ws ${versionOf('graphql-ws')}, channel ${channel}: subscription received offsets 1-${MESSAGES} and completed;`
    + ` mutation published offset ${published.offset}; history query returned ${history.data.history.length} messages`;
});
