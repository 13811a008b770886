// Runs Apollo Client with its GraphQLWsLink (over graphql-ws) against a Herald node's /graphql.
//
//   node apollo.mjs http://127.0.0.1:8080
//
// Subscribes through ApolloClient.subscribe to messages of a fresh channel, publishes 5 messages
// over POST /api/publish and checks offsets 1..5 arrive with the published data, unsubscribes,
// then runs a query through the same link. Prints one line starting with "apollo interop OK" and
// exits 0, or prints the reason and exits 1. The whole run is bounded by a 20 s timeout.
import { ApolloClient, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { check, checkMessage, freshChannel, messageData, startRun, versionOf } from './common.mjs';

const MESSAGES = 5;
const run = startRun('apollo');

const SUBSCRIPTION = gql`
  subscription Interop($channel: String!, $epoch: String!) {
    messages(channel: $channel, sinceOffset: 0, epoch: $epoch) { channel epoch offset data ts }
  }
`;
const HISTORY = gql`
  query History($channel: String!) { history(channel: $channel, limit: 10) { offset data } }
`;

run.finish(async () => {
  const wsClient = createClient({ url: run.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  const apollo = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });
  const channel = freshChannel();

  run.step = 'reading the channel epoch';
  const startEpoch = await run.epochOf(channel);

  run.step = 'subscribing';
  const received = [];
  let subscription;
  const allReceived = new Promise((resolve, reject) => {
    subscription = apollo
      .subscribe({ query: SUBSCRIPTION, variables: { channel, epoch: startEpoch }, fetchPolicy: 'no-cache' })
      .subscribe({
        next: (result) => {
          if (result.error) {
            reject(new Error(`subscription delivered an error: ${result.error.message}`));
            return;
          }
          received.push(result.data.messages);
          if (received.length === MESSAGES) {
            resolve();
          }
        },
        error: (error) => reject(new Error(`subscription failed: ${error?.message ?? JSON.stringify(error)}`)),
        complete: () => reject(new Error(`subscription completed by the server after ${received.length} messages`)),
      });
  });

  run.step = 'publishing over POST /api/publish';
  let epoch;
  for (let offset = 1; offset <= MESSAGES; offset++) {
    epoch = await run.publish(channel, epoch, offset, messageData(offset));
  }

  run.step = `receiving ${MESSAGES} messages`;
  await allReceived;
  // Apollo adds __typename to every selection set; the server answers it like any field.
  received.forEach((m, i) => checkMessage(m, channel, epoch, i + 1, messageData(i + 1)));

  run.step = 'unsubscribing';
  subscription.unsubscribe();

  run.step = 'running the history query';
  const history = await apollo.query({ query: HISTORY, variables: { channel }, fetchPolicy: 'no-cache' });
  check(!history.error, `history query error: ${history.error?.message}`);
  const offsets = history.data.history.map((m) => m.offset);
  check(JSON.stringify(offsets) === JSON.stringify([1, 2, 3, 4, 5]), `history offsets are ${JSON.stringify(offsets)}`);

  run.step = 'disposing the client';
  apollo.stop();
  await wsClient.dispose();
  return `@apollo/client ${versionOf('@apollo/client')} with GraphQLWsLink, channel ${channel}:`
    + ` subscription received offsets 1-${MESSAGES}; history query returned ${offsets.length} messages`;
});
