import { Backoff } from './backoff.js';
import { Emitter } from './emitter.js';
import { HeraldError } from './errors.js';
import { Subscription } from './subscription.js';
const DEFAULTS = {
    minReconnectDelayMs: 250,
    maxReconnectDelayMs: 20000,
    busyReconnectDelayMs: 5000,
    pingIntervalMs: 15000,
    pongTimeoutMs: 5000,
    connectTimeoutMs: 10000,
    requestTimeoutMs: 10000,
    tokenRefreshMarginMs: 30000,
};
/** Close codes the client reports for what it saw itself (no close frame came). */
export const LOCAL_CLOSE = {
    /** The socket closed without a close frame, or could not open. */
    abnormal: 1006,
    /** No `connected` within connectTimeoutMs, or no answer to a ping within pongTimeoutMs. */
    timeout: 4000,
};
/**
 * A connection to a Herald node's `/ws`, kept up: it reconnects with backoff (to the next URL when given several),
 * resubscribes every subscription from its position so each channel's messages arrive once and in order, pings to
 * notice a dead network, and refreshes its token before it expires. States: `disconnected` (not started, or
 * waiting to reconnect), `connecting`, `connected`, `closed` (close() or a refusal not to retry).
 */
export class Herald extends Emitter {
    constructor(url, settings = {}) {
        super();
        this.settings = settings;
        this.subscriptions = new Map();
        /** Requests sent on the current socket, by id. */
        this.pending = new Map();
        /** Requests waiting for a connection. */
        this.queued = new Set();
        /** Subscribes sent on the current socket, by id, each with its answer's deadline. */
        this.subscribing = new Map();
        /** Subscribes to try again after a refusal worth retrying (rate_limited, ...). */
        this.retries = new Set();
        this.currentState = 'disconnected';
        this.socket = null;
        this.urlIndex = 0;
        this.nextId = 1;
        /** The node refused or expired `token`: ask getToken for another before connecting. */
        this.tokenRefused = false;
        this.connectRequestId = 0;
        this.lastHeard = 0;
        this.pingSentAt = null;
        this.reconnectTimer = null;
        this.connectTimer = null;
        this.heartbeatTimer = null;
        this.refreshTimer = null;
        /** Bumped by every new socket and by close(): callbacks of an older attempt see a different value and stop. */
        this.generation = 0;
        this.urls = Array.isArray(url) ? [...url] : [url];
        if (this.urls.length === 0) {
            throw new TypeError('Herald: at least one URL');
        }
        this.options = { ...DEFAULTS };
        for (const key of Object.keys(DEFAULTS)) {
            const value = settings[key];
            if (value !== undefined) {
                this.options[key] = value;
            }
        }
        const ctor = settings.WebSocket ?? globalThis.WebSocket;
        if (!ctor) {
            throw new TypeError("Herald: no global WebSocket here; pass one: new Herald(url, { WebSocket }) with 'ws'");
        }
        this.WebSocketImpl = ctor;
        this.token = settings.token;
        this.backoff = new Backoff(this.options.minReconnectDelayMs, this.options.maxReconnectDelayMs);
    }
    get state() {
        return this.currentState;
    }
    /** Starts connecting (again, after close()); does nothing while connecting or connected. */
    connect() {
        if (this.currentState === 'connecting' || this.currentState === 'connected') {
            return;
        }
        this.clearTimer('reconnectTimer');
        void this.open();
    }
    /** Closes the connection and stops reconnecting; subscriptions are kept for a later connect(). */
    close() {
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
    subscribe(channel, options = {}) {
        if (this.subscriptions.has(channel)) {
            throw new HeraldError('already_subscribed', `already subscribed to ${channel}`, channel);
        }
        const subscription = new Subscription(channel, this, options.since, options.token);
        this.subscriptions.set(channel, subscription);
        this.resubscribe(subscription);
        return subscription;
    }
    /** The subscription to `channel`, if any. */
    subscription(channel) {
        return this.subscriptions.get(channel);
    }
    async publish(channel, data) {
        const reply = await this.request({ type: 'publish', channel, data });
        return { channel: reply.channel, epoch: reply.epoch, offset: reply.offset };
    }
    async history(channel, options = {}) {
        const frame = { type: 'history', channel };
        if (options.limit !== undefined) {
            frame.limit = options.limit;
        }
        if (options.since) {
            frame.since = options.since;
        }
        const reply = await this.request(frame);
        return { channel: reply.channel, epoch: reply.epoch, messages: reply.messages, truncated: reply.truncated === true };
    }
    async presence(channel) {
        const reply = await this.request({ type: 'presence', channel });
        return reply.clients;
    }
    // SubscriptionHost
    resubscribe(subscription) {
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
    release(subscription, onServer) {
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
    answered(id) {
        const pending = this.subscribing.get(id);
        if (!pending) {
            return undefined;
        }
        this.subscribing.delete(id);
        clearTimeout(pending.timer);
        return pending.subscription;
    }
    /** With an id: its reply (`unsubscribed` or `not_subscribed`) is then told apart from the server ending one. */
    unsubscribeOnServer(channel) {
        this.send({ type: 'unsubscribe', channel, id: this.nextId++ });
    }
    // Connection
    async open() {
        const generation = ++this.generation;
        this.setState('connecting');
        let token;
        try {
            token = await this.currentToken();
        }
        catch (e) {
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
            this.emit('error', new HeraldError('unauthorized', `getToken failed: ${e?.message ?? e}`));
            this.down(LOCAL_CLOSE.abnormal, 'getToken failed', false);
            return;
        }
        if (generation !== this.generation) {
            return;
        }
        let socket;
        try {
            socket = new this.WebSocketImpl(this.urls[this.urlIndex % this.urls.length]);
        }
        catch (e) {
            this.emit('error', new HeraldError('bad_request', `cannot open a WebSocket: ${e?.message ?? e}`));
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
            }
            else {
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
    async currentToken() {
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
    onFrame(raw) {
        this.lastHeard = Date.now();
        let frame;
        try {
            frame = JSON.parse(typeof raw === 'string' ? raw : String(raw));
        }
        catch {
            this.emit('error', new HeraldError('bad_request', 'the node sent a frame that is not JSON'));
            return;
        }
        if (frame === null || typeof frame !== 'object') {
            return;
        }
        const id = typeof frame.id === 'number' ? frame.id : undefined;
        switch (frame.type) {
            case 'message':
                this.subscriptions.get(frame.channel)?.onMessage(frame);
                return;
            case 'connected':
                if (this.currentState === 'connecting' && (this.connectRequestId === 0 || id === this.connectRequestId)) {
                    this.onConnected(frame);
                }
                return;
            case 'subscribed':
                if (id !== undefined) {
                    this.answered(id)?.onSubscribed(frame);
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
    onError(frame, id) {
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
            const request = this.pending.get(id);
            this.pending.delete(id);
            clearTimeout(request.timer);
            request.reject(error);
            return;
        }
        if (id === undefined) {
            this.emit('error', error); // replies to requests nobody waits for any more are dropped
        }
    }
    refused(subscription, error) {
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
    onConnected(frame) {
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
    down(code, reason, closedByServer) {
        this.teardown(code, reason);
        if (this.currentState === 'closed') {
            return;
        }
        let delay;
        if (code === 4012) {
            delay = null; // disconnected by the backend: not to come back blindly
        }
        else if (code === 4001 || (code === 1008 && reason === 'token expired')) {
            if (this.settings.getToken) {
                this.tokenRefused = true;
                delay = this.backoff.next();
            }
            else {
                this.emit('error', new HeraldError('unauthorized', `the node refused the token: ${reason || code}`));
                delay = null;
            }
        }
        else if (code === 4009 || code === 4029) {
            delay = this.backoff.next(this.options.busyReconnectDelayMs);
        }
        else if (code === 1001 || code === 4010) {
            this.urlIndex++; // draining or lifetime: straight to the next node
            delay = 0;
        }
        else {
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
    teardown(code, reason) {
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
            }
            catch {
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
    startHeartbeat() {
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
                }
                else if (now - this.pingSentAt >= this.options.pongTimeoutMs) {
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
    scheduleRefresh() {
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
                const fresh = await this.settings.getToken();
                if (generation !== this.generation) {
                    return;
                }
                await this.request({ type: 'refresh', token: fresh });
                this.token = fresh;
                if (generation === this.generation) {
                    this.scheduleRefresh();
                }
            }
            catch (e) {
                // The node closes with 1008 "token expired" (or 4001) and the reconnect asks getToken again.
                this.emit('error', e instanceof HeraldError ? e : new HeraldError('unauthorized', `token refresh failed: ${e}`));
            }
        }, delay);
    }
    // Requests
    request(frame) {
        return new Promise((resolve, reject) => {
            if (this.currentState === 'closed') {
                reject(new HeraldError('closed', 'the client is closed'));
                return;
            }
            const request = {
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
            }
            else {
                this.queued.add(request);
            }
        });
    }
    dispatch(request) {
        const id = this.nextId++;
        this.pending.set(id, request);
        this.send({ ...request.frame, id });
    }
    settle(id, frame) {
        const request = this.pending.get(id);
        if (request) {
            this.pending.delete(id);
            clearTimeout(request.timer);
            request.resolve(frame);
        }
    }
    failQueued(code, message) {
        for (const request of this.queued) {
            clearTimeout(request.timer);
            request.reject(new HeraldError(code, message));
        }
        this.queued.clear();
    }
    send(frame) {
        this.socket?.send(JSON.stringify(frame));
    }
    setState(state) {
        if (state !== this.currentState) {
            this.currentState = state;
            this.emit('state', state);
        }
    }
    clearTimer(name) {
        const timer = this[name];
        if (timer) {
            clearTimeout(timer);
            this[name] = null;
        }
    }
}
function ignore() { }
/** A JWT's `exp` in epoch ms, or null (no token, not a JWT, no exp). The signature is the node's to check. */
function expiryOf(token) {
    const payload = token?.split('.')[1];
    if (!payload) {
        return null;
    }
    try {
        const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
        const exp = JSON.parse(json).exp;
        return typeof exp === 'number' ? exp * 1000 : null;
    }
    catch {
        return null;
    }
}
