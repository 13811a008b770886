import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { HeraldError } from './errors.js';
import { Subscription, type SubscriptionHost } from './subscription.js';
import type {
  Connected,
  ConnectionState,
  Disconnect,
  HistoryPage,
  Message,
  Position,
  PresenceClient,
  Published,
  Subscribed,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';

export interface HeraldOptions {
  /** A connection token (JWT). With `getToken`, the first one; omit both where the node runs without auth. */
  token?: string;
  /**
   * Returns a fresh connection token: called for the first connection when `token` is not given, after the node
   * refused or expired a token, and before the current one expires (then sent as `refresh`). Without it a refused
   * token is final: the client closes and never retries it.
   */
  getToken?: () => string | Promise<string>;
  /** The WebSocket constructor: the global one by default (browsers, Node 22+); in Node 18-21 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** Backoff after a failed or lost connection: full jitter between 0 and min(max, min * 2^attempt). */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** The least wait after the node turned the connection away as too many (4009) or too fast (4029). */
  busyReconnectDelayMs?: number;
  /** A connection silent this long is sent an application `ping`. */
  pingIntervalMs?: number;
  /** ...and is taken for dead when nothing, not even the `pong`, arrives this long after the ping. */
  pongTimeoutMs?: number;
  /** From opening a socket to `connected`. */
  connectTimeoutMs?: number;
  /** publish, history and presence fail with `timeout` after this long (including a wait for the connection). */
  requestTimeoutMs?: number;
  /** The token is refreshed this long before it expires (at most half its remaining life). */
  tokenRefreshMarginMs?: number;
}

export interface HeraldEvents {
  state: (state: ConnectionState) => void;
  connected: (frame: Connected) => void;
  disconnected: (event: Disconnect) => void;
  /** Connection-level trouble: a token the node refused, `getToken` failing, a frame that was not JSON. */
  error: (error: HeraldError) => void;
}

const DEFAULTS = {
  minReconnectDelayMs: 250,
  maxReconnectDelayMs: 20_000,
  busyReconnectDelayMs: 5_000,
  pingIntervalMs: 15_000,
  pongTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  tokenRefreshMarginMs: 30_000,
};

/** Close codes the client reports for what it saw itself (no close frame came). */
export const LOCAL_CLOSE = {
  /** The socket closed without a close frame, or could not open. */
  abnormal: 1006,
  /** No `connected` within connectTimeoutMs, or no answer to a ping within pongTimeoutMs. */
  timeout: 4000,
} as const;

interface Pending {
  resolve: (frame: any) => void;
  reject: (error: HeraldError) => void;
  timer: ReturnType<typeof setTimeout>;
  frame: Record<string, unknown>;
}

/**
 * A connection to a Herald node's `/ws`, kept up: it reconnects with backoff (to the next URL when given several),
 * resubscribes every subscription from its position so each channel's messages arrive once and in order, pings to
 * notice a dead network, and refreshes its token before it expires. States: `disconnected` (not started, or
 * waiting to reconnect), `connecting`, `connected`, `closed` (close() or a refusal not to retry).
 */
export class Herald extends Emitter<HeraldEvents> implements SubscriptionHost {
  private readonly urls: string[];
  private readonly options: typeof DEFAULTS;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly backoff: Backoff;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Requests sent on the current socket, by id. */
  private readonly pending = new Map<number, Pending>();
  /** Requests waiting for a connection. */
  private readonly queued = new Set<Pending>();
  /** Subscribes sent on the current socket, by id, each with its answer's deadline. */
  private readonly subscribing = new Map<number, { subscription: Subscription; timer: ReturnType<typeof setTimeout> }>();
  /** Subscribes to try again after a refusal worth retrying (rate_limited, ...). */
  private readonly retries = new Set<ReturnType<typeof setTimeout>>();

  private currentState: ConnectionState = 'disconnected';
  private socket: WebSocketLike | null = null;
  private urlIndex = 0;
  private nextId = 1;
  private token: string | undefined;
  /** The node refused or expired `token`: ask getToken for another before connecting. */
  private tokenRefused = false;
  private connectRequestId = 0;
  private lastHeard = 0;
  private pingSentAt: number | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every new socket and by close(): callbacks of an older attempt see a different value and stop. */
  private generation = 0;

  constructor(url: string | string[], private readonly settings: HeraldOptions = {}) {
    super();
    this.urls = Array.isArray(url) ? [...url] : [url];
    if (this.urls.length === 0) {
      throw new TypeError('Herald: at least one URL');
    }
    this.options = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const value = settings[key];
      if (value !== undefined) {
        this.options[key] = value;
      }
    }
    const ctor = settings.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ctor) {
      throw new TypeError("Herald: no global WebSocket here; pass one: new Herald(url, { WebSocket }) with 'ws'");
    }
    this.WebSocketImpl = ctor;
    this.token = settings.token;
    this.backoff = new Backoff(this.options.minReconnectDelayMs, this.options.maxReconnectDelayMs);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Starts connecting (again, after close()); does nothing while connecting or connected. */
  connect(): void {
    if (this.currentState === 'connecting' || this.currentState === 'connected') {
      return;
    }
    this.clearTimer('reconnectTimer');
    void this.open();
  }

  /** Closes the connection and stops reconnecting; subscriptions are kept for a later connect(). */
  close(): void {
    if (this.currentState === 'closed') {
      return;
    }
    this.generation++;
    this.setState('closed');
    this.teardown(1000, 'client closed');
    this.clearTimer('reconnectTimer');
    this.failQueued('closed', 'the client was closed');
  }

  /**
   * Subscribes to `channel` and keeps the subscription across reconnects. With `since` (a position kept from an
   * earlier run), the first subscribe recovers what followed it.
   */
  subscribe(channel: string, options: { since?: Position; token?: string } = {}): Subscription {
    if (this.subscriptions.has(channel)) {
      throw new HeraldError('already_subscribed', `already subscribed to ${channel}`, channel);
    }
    const subscription = new Subscription(channel, this, options.since, options.token);
    this.subscriptions.set(channel, subscription);
    this.resubscribe(subscription);
    return subscription;
  }

  /** The subscription to `channel`, if any. */
  subscription(channel: string): Subscription | undefined {
    return this.subscriptions.get(channel);
  }

  async publish(channel: string, data: unknown): Promise<Published> {
    const reply = await this.request({ type: 'publish', channel, data });
    return { channel: reply.channel, epoch: reply.epoch, offset: reply.offset };
  }

  async history(channel: string, options: { limit?: number; since?: Position } = {}): Promise<HistoryPage> {
    const frame: Record<string, unknown> = { type: 'history', channel };
    if (options.limit !== undefined) {
      frame.limit = options.limit;
    }
    if (options.since) {
      frame.since = options.since;
    }
    const reply = await this.request(frame);
    return { channel: reply.channel, epoch: reply.epoch, messages: reply.messages, truncated: reply.truncated === true };
  }

  async presence(channel: string): Promise<PresenceClient[]> {
    const reply = await this.request({ type: 'presence', channel });
    return reply.clients;
  }

  // SubscriptionHost

  resubscribe(subscription: Subscription): void {
    if (this.currentState !== 'connected' || !this.socket) {
      return; // the next `connected` subscribes every subscription
    }
    for (const [id, pending] of this.subscribing) {
      if (pending.subscription === subscription) {
        this.answered(id); // a reply to the older subscribe is ignored
      }
    }
    if (subscription.state === 'subscribed') {
      this.unsubscribeOnServer(subscription.channel);
      subscription.disconnected();
    }
    const id = this.nextId++;
    const timer = setTimeout(() => {
      if (this.answered(id)) {
        // A late answer may still subscribe it on the node: undo that before the retry subscribes again.
        this.unsubscribeOnServer(subscription.channel);
        this.refused(subscription, new HeraldError('timeout', `no answer to subscribe ${subscription.channel}`));
      }
    }, this.options.requestTimeoutMs);
    this.subscribing.set(id, { subscription, timer });
    this.send({ ...subscription.subscribeFrame(), id });
  }

  release(subscription: Subscription, onServer: boolean): void {
    if (this.subscriptions.get(subscription.channel) !== subscription) {
      return;
    }
    this.subscriptions.delete(subscription.channel);
    for (const [id, pending] of this.subscribing) {
      if (pending.subscription === subscription) {
        this.answered(id);
      }
    }
    if (onServer && this.currentState === 'connected') {
      this.unsubscribeOnServer(subscription.channel);
    }
  }

  /** The subscription a subscribe's reply is for (and its deadline cleared), or undefined when nobody waits. */
  private answered(id: number): Subscription | undefined {
    const pending = this.subscribing.get(id);
    if (!pending) {
      return undefined;
    }
    this.subscribing.delete(id);
    clearTimeout(pending.timer);
    return pending.subscription;
  }

  /** With an id: its reply (`unsubscribed` or `not_subscribed`) is then told apart from the server ending one. */
  private unsubscribeOnServer(channel: string): void {
    this.send({ type: 'unsubscribe', channel, id: this.nextId++ });
  }

  // Connection

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.setState('connecting');
    let token: string | undefined;
    try {
      token = await this.currentToken();
    } catch (e) {
      if (generation !== this.generation) {
        return;
      }
      if (e instanceof HeraldError) {
        // getToken had nothing but the token the node refused: retrying it would only be refused again.
        this.emit('error', e);
        this.failQueued('closed', e.message);
        this.setState('closed');
        return;
      }
      this.emit('error', new HeraldError('unauthorized', `getToken failed: ${(e as Error)?.message ?? e}`));
      this.down(LOCAL_CLOSE.abnormal, 'getToken failed', false);
      return;
    }
    if (generation !== this.generation) {
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(this.urls[this.urlIndex % this.urls.length]);
    } catch (e) {
      this.emit('error', new HeraldError('bad_request', `cannot open a WebSocket: ${(e as Error)?.message ?? e}`));
      this.down(LOCAL_CLOSE.abnormal, 'cannot open', false);
      return;
    }
    this.socket = socket;
    this.connectTimer = setTimeout(() => {
      if (generation === this.generation) {
        this.teardown(LOCAL_CLOSE.timeout, 'connect timeout');
        this.down(LOCAL_CLOSE.timeout, `no connected within ${this.options.connectTimeoutMs} ms`, false);
      }
    }, this.options.connectTimeoutMs);
    socket.onopen = () => {
      if (generation !== this.generation) {
        return;
      }
      this.lastHeard = Date.now();
      if (token !== undefined) {
        this.connectRequestId = this.nextId++;
        this.send({ type: 'connect', id: this.connectRequestId, token });
      } else {
        this.connectRequestId = 0;
      }
    };
    socket.onmessage = (event) => {
      if (generation === this.generation) {
        this.onFrame(event.data);
      }
    };
    socket.onclose = (event) => {
      if (generation === this.generation) {
        this.socket = null;
        this.down(event.code, event.reason ?? '', true);
      }
    };
    socket.onerror = () => {
      // A close event follows every error event; the close decides.
    };
  }

  private async currentToken(): Promise<string | undefined> {
    const getToken = this.settings.getToken;
    if (getToken && (this.token === undefined || this.tokenRefused)) {
      const fresh = await getToken();
      if (this.tokenRefused && fresh === this.token) {
        throw new HeraldError('unauthorized', 'getToken returned the token the node refused');
      }
      this.token = fresh;
      this.tokenRefused = false;
    }
    return this.token;
  }

  private onFrame(raw: unknown): void {
    this.lastHeard = Date.now();
    let frame: any;
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : String(raw));
    } catch {
      this.emit('error', new HeraldError('bad_request', 'the node sent a frame that is not JSON'));
      return;
    }
    if (frame === null || typeof frame !== 'object') {
      return;
    }
    const id = typeof frame.id === 'number' ? frame.id : undefined;
    switch (frame.type) {
      case 'message':
        this.subscriptions.get(frame.channel)?.onMessage(frame as Message);
        return;
      case 'connected':
        if (this.currentState === 'connecting' && (this.connectRequestId === 0 || id === this.connectRequestId)) {
          this.onConnected(frame as Connected);
        }
        return;
      case 'subscribed':
        if (id !== undefined) {
          this.answered(id)?.onSubscribed(frame as Subscribed);
        }
        return;
      case 'unsubscribed':
        if (id === undefined) {
          this.subscriptions.get(frame.channel)?.onEnded(frame.reason ?? 'server');
        }
        return;
      case 'join':
      case 'leave':
        this.subscriptions.get(frame.channel)?.onPresence(frame);
        return;
      case 'error':
        this.onError(frame, id);
        return;
      default:
        if (id !== undefined) {
          this.settle(id, frame);
        }
    }
  }

  private onError(frame: any, id: number | undefined): void {
    const error = new HeraldError(String(frame.code), String(frame.message ?? frame.code), frame.channel);
    if (frame.code === 'recovery_failed') {
      // With a subscribe's id, its `subscribed` (from the latest offset) follows; pushed, delivery goes on.
      const subscription = id !== undefined ? this.subscribing.get(id)?.subscription : this.subscriptions.get(frame.channel);
      if (subscription) {
        subscription.onRecoveryFailed(error);
        return;
      }
    }
    const refused = id !== undefined ? this.answered(id) : undefined;
    if (refused) {
      this.refused(refused, error);
      return;
    }
    if (id !== undefined && this.pending.has(id)) {
      const request = this.pending.get(id)!;
      this.pending.delete(id);
      clearTimeout(request.timer);
      request.reject(error);
      return;
    }
    if (id === undefined) {
      this.emit('error', error); // replies to requests nobody waits for any more are dropped
    }
  }

  private refused(subscription: Subscription, error: HeraldError): void {
    if (subscription.onRefused(error)) {
      const generation = this.generation;
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        if (generation === this.generation && this.subscriptions.get(subscription.channel) === subscription) {
          this.resubscribe(subscription);
        }
      }, this.backoff.next(this.options.minReconnectDelayMs));
      this.retries.add(timer);
    }
  }

  private onConnected(frame: Connected): void {
    this.clearTimer('connectTimer');
    this.setState('connected');
    this.backoff.reset();
    this.startHeartbeat();
    this.scheduleRefresh();
    this.emit('connected', frame);
    for (const subscription of this.subscriptions.values()) {
      this.resubscribe(subscription);
    }
    for (const request of [...this.queued]) {
      this.queued.delete(request);
      this.dispatch(request);
    }
  }

  /** The socket is gone (closed, or abandoned by a timeout): decide whether and when to come back. */
  private down(code: number, reason: string, closedByServer: boolean): void {
    this.teardown(code, reason);
    if (this.currentState === 'closed') {
      return;
    }
    let delay: number | null;
    if (code === 4012) {
      delay = null; // disconnected by the backend: not to come back blindly
    } else if (code === 4001 || (code === 1008 && reason === 'token expired')) {
      if (this.settings.getToken) {
        this.tokenRefused = true;
        delay = this.backoff.next();
      } else {
        this.emit('error', new HeraldError('unauthorized', `the node refused the token: ${reason || code}`));
        delay = null;
      }
    } else if (code === 4009 || code === 4029) {
      delay = this.backoff.next(this.options.busyReconnectDelayMs);
    } else if (code === 1001 || code === 4010) {
      this.urlIndex++; // draining or lifetime: straight to the next node
      delay = 0;
    } else {
      if (!closedByServer || code === LOCAL_CLOSE.abnormal) {
        this.urlIndex++;
      }
      delay = this.backoff.next();
    }
    this.emit('disconnected', { code, reason, reconnectInMs: delay });
    if (delay === null) {
      this.failQueued('closed', `the node closed the connection (${code} ${reason}) and the client will not retry`);
      this.setState('closed');
      return;
    }
    this.setState('disconnected');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.open();
    }, delay);
  }

  /** Drops the socket and everything tied to it; requests sent on it fail with `disconnected`. */
  private teardown(code: number, reason: string): void {
    this.clearTimer('connectTimer');
    this.clearTimer('refreshTimer');
    if (this.heartbeatTimer) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.onerror = ignore; // closing a socket still connecting reports an error (ws throws it when unheard)
      try {
        socket.close(code >= 4000 || code === 1000 ? code : 1000, reason.slice(0, 120));
      } catch {
        // already closing or closed
      }
    }
    const closed = this.currentState === 'closed';
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(closed
        ? new HeraldError('closed', 'the client was closed before the answer')
        : new HeraldError('disconnected', `connection lost before the answer (${code} ${reason})`));
    }
    this.pending.clear();
    for (const id of [...this.subscribing.keys()]) {
      this.answered(id);
    }
    for (const timer of this.retries) {
      clearTimeout(timer);
    }
    this.retries.clear();
    for (const subscription of this.subscriptions.values()) {
      subscription.disconnected();
    }
  }

  // Liveness: any frame counts; after pingIntervalMs of silence a ping, and pongTimeoutMs to answer it.

  private startHeartbeat(): void {
    this.lastHeard = Date.now();
    this.pingSentAt = null;
    const every = Math.max(50, Math.min(this.options.pingIntervalMs, this.options.pongTimeoutMs) / 2);
    const generation = this.generation;
    this.heartbeatTimer = setInterval(() => {
      if (generation !== this.generation) {
        return;
      }
      const now = Date.now();
      if (this.pingSentAt !== null) {
        if (this.lastHeard > this.pingSentAt) {
          this.pingSentAt = null;
        } else if (now - this.pingSentAt >= this.options.pongTimeoutMs) {
          this.down(LOCAL_CLOSE.timeout, `no answer to ping within ${this.options.pongTimeoutMs} ms`, false);
          return;
        }
      }
      if (this.pingSentAt === null && now - this.lastHeard >= this.options.pingIntervalMs) {
        this.pingSentAt = now;
        this.send({ type: 'ping', id: this.nextId++ });
      }
    }, every);
  }

  // Token refresh: before `exp`, a fresh token from getToken is sent as `refresh`.

  private scheduleRefresh(): void {
    const expiresAt = expiryOf(this.token);
    if (!this.settings.getToken || expiresAt === null) {
      return;
    }
    const left = expiresAt - Date.now();
    const delay = Math.max(0, left - Math.min(this.options.tokenRefreshMarginMs, left / 2));
    const generation = this.generation;
    this.refreshTimer = setTimeout(async () => {
      this.refreshTimer = null;
      try {
        const fresh = await this.settings.getToken!();
        if (generation !== this.generation) {
          return;
        }
        await this.request({ type: 'refresh', token: fresh });
        this.token = fresh;
        if (generation === this.generation) {
          this.scheduleRefresh();
        }
      } catch (e) {
        // The node closes with 1008 "token expired" (or 4001) and the reconnect asks getToken again.
        this.emit('error', e instanceof HeraldError ? e : new HeraldError('unauthorized', `token refresh failed: ${e}`));
      }
    }, delay);
  }

  // Requests

  private request(frame: Record<string, unknown>): Promise<any> {
    return new Promise((resolve, reject) => {
      if (this.currentState === 'closed') {
        reject(new HeraldError('closed', 'the client is closed'));
        return;
      }
      const request: Pending = {
        resolve,
        reject,
        frame,
        timer: setTimeout(() => {
          this.queued.delete(request);
          for (const [id, p] of this.pending) {
            if (p === request) {
              this.pending.delete(id);
            }
          }
          reject(new HeraldError('timeout', `no answer to ${frame.type} within ${this.options.requestTimeoutMs} ms`));
        }, this.options.requestTimeoutMs),
      };
      if (this.currentState === 'connected') {
        this.dispatch(request);
      } else {
        this.queued.add(request);
      }
    });
  }

  private dispatch(request: Pending): void {
    const id = this.nextId++;
    this.pending.set(id, request);
    this.send({ ...request.frame, id });
  }

  private settle(id: number, frame: unknown): void {
    const request = this.pending.get(id);
    if (request) {
      this.pending.delete(id);
      clearTimeout(request.timer);
      request.resolve(frame);
    }
  }

  private failQueued(code: string, message: string): void {
    for (const request of this.queued) {
      clearTimeout(request.timer);
      request.reject(new HeraldError(code, message));
    }
    this.queued.clear();
  }

  private send(frame: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private setState(state: ConnectionState): void {
    if (state !== this.currentState) {
      this.currentState = state;
      this.emit('state', state);
    }
  }

  private clearTimer(name: 'reconnectTimer' | 'connectTimer' | 'refreshTimer'): void {
    const timer = this[name];
    if (timer) {
      clearTimeout(timer);
      this[name] = null;
    }
  }
}

function ignore(): void {}

/** A JWT's `exp` in epoch ms, or null (no token, not a JWT, no exp). The signature is the node's to check. */
function expiryOf(token: string | undefined): number | null {
  const payload = token?.split('.')[1];
  if (!payload) {
    return null;
  }
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = JSON.parse(json).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
