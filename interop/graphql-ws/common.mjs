// What the interop scripts share: the base URL argument, a bounded run, checks, and the HTTP API.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

export const TIMEOUT_MS = 20_000;

/**
 * Starts a run of the script `name`: reads the base URL argument (exits 2 without one) and arms the
 * overall timeout. `run.step` names what the script is doing, for the failure message.
 */
export function startRun(name) {
  const baseUrl = (process.argv[2] ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) {
    console.error(`usage: node ${name}.mjs <baseUrl>   (for example http://127.0.0.1:8080)`);
    process.exit(2);
  }
  const run = {
    name,
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws') + '/graphql',
    step: 'starting',
    fail(reason) {
      console.error(`${name} interop FAILED: ${reason}`);
      process.exit(1);
    },
    /** Runs `main`, then prints `main`'s summary line and exits 0, or fails with the reason. */
    finish(main) {
      const timer = setTimeout(() => run.fail(`timed out after ${TIMEOUT_MS} ms while ${run.step}`), TIMEOUT_MS);
      main().then(
        (summary) => {
          clearTimeout(timer);
          console.log(`${name} interop OK: ${summary}`);
          process.exit(0);
        },
        (error) => run.fail(`${error.message} (while ${run.step})`),
      );
    },
    async http(method, path, body) {
      const response = await fetch(baseUrl + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      check(response.status === 200, `${method} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text);
    },
    /**
     * The epoch a channel with no message yet reports (the node holds nothing for it yet, so this one
     * is throwaway): a subscription from (epoch, offset 0) receives every message from offset 1 whenever
     * the server finishes setting it up, since graphql-transport-ws has no "subscribed" acknowledgement
     * to wait for; offset 0 has seen nothing, so the channel's real epoch, started by its first
     * publish, continues it.
     */
    async epochOf(channel) {
      const { epoch } = await run.http('GET', `/api/channels/${encodeURIComponent(channel)}/history`);
      check(typeof epoch === 'string' && epoch.length > 0, `no epoch for ${channel}`);
      return epoch;
    },
    /**
     * Publishes over POST /api/publish and checks the reply is (channel, epoch, offset); the first
     * publish (epoch undefined) starts the channel's epoch. Returns the reply's epoch.
     */
    async publish(channel, epoch, offset, data) {
      const reply = await run.http('POST', '/api/publish', { channel, data });
      check(reply.channel === channel && (epoch === undefined || reply.epoch === epoch) && reply.offset === offset
        && typeof reply.epoch === 'string' && reply.epoch.length > 0,
        `publish of offset ${offset} answered ${JSON.stringify(reply)}`);
      return reply.epoch;
    },
  };
  return run;
}

export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** A fresh channel name in the `interop` namespace. */
export function freshChannel() {
  return 'interop:' + randomBytes(8).toString('hex');
}

/** The data of the n-th published message: escapes, non-ASCII, nesting, every JSON type. */
export function messageData(n) {
  return { n, text: `héllo ✓ "${n}"\n`, nested: [n, -n, 2.5, true, null, { k: 'v' }] };
}

/** Checks a received Message against what was published at `offset`. */
export function checkMessage(message, channel, epoch, offset, data) {
  check(message.channel === channel && message.epoch === epoch && message.offset === offset
      && message.__typename === 'Message', `message ${offset} is ${JSON.stringify(message)}`);
  check(JSON.stringify(message.data) === JSON.stringify(data),
    `message ${offset} data ${JSON.stringify(message.data)} differs from ${JSON.stringify(data)}`);
  check(Number.isInteger(message.ts) && message.ts > 0, `message ${offset} ts ${message.ts} is not epoch milliseconds`);
}

/** The installed version of a package, from its package.json. */
export function versionOf(pkg) {
  return createRequire(import.meta.url)(`${pkg}/package.json`).version;
}
