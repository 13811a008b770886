import { Emitter } from './emitter.js';
/** Server errors after which a subscribe is tried again later; any other refusal ends the subscription. */
const RETRIED = new Set(['rate_limited', 'internal', 'too_many_channels', 'timeout']);
/**
 * One channel's subscription: its position `(epoch, offset)` is the last message delivered to the application, and
 * every (re)subscribe asks for what follows it, so each offset is delivered once and in order.
 */
export class Subscription extends Emitter {
    constructor(channel, host, since, 
    /** A subscription token, for channels that need one. */
    token) {
        super();
        this.channel = channel;
        this.host = host;
        this.token = token;
        this.currentState = 'subscribing';
        /** The server announced a loss it could not fill: the next message may skip offsets. */
        this.gapAccepted = false;
        /** A gap was seen and a resubscribe from the position is on its way: messages until it are dropped. */
        this.resyncing = false;
        this.currentPosition = since ? { epoch: since.epoch, offset: since.offset } : null;
    }
    get state() {
        return this.currentState;
    }
    /** The last message delivered: resume from here with `since` (null before the first `subscribed`). */
    get position() {
        return this.currentPosition ? { ...this.currentPosition } : null;
    }
    unsubscribe() {
        if (this.currentState === 'unsubscribed') {
            return;
        }
        this.host.release(this, true);
        this.ended('client');
    }
    /** The `subscribe` frame for the next (re)subscribe. */
    subscribeFrame() {
        const frame = { type: 'subscribe', channel: this.channel };
        if (this.currentPosition) {
            frame.since = { ...this.currentPosition };
        }
        if (this.token !== undefined) {
            frame.token = this.token;
        }
        return frame;
    }
    /** The connection went down: the next connection subscribes again from the position. */
    disconnected() {
        if (this.currentState === 'subscribed') {
            this.currentState = 'subscribing';
        }
        this.resyncing = false;
    }
    onSubscribed(frame) {
        if (this.currentState === 'unsubscribed') {
            return;
        }
        // recovered: the replay of what follows the position comes next. Otherwise (a first subscribe, or a position
        // history no longer holds) delivery starts after the channel's latest offset.
        if (frame.recovered !== true) {
            this.currentPosition = { epoch: frame.epoch, offset: frame.offset };
        }
        this.currentState = 'subscribed';
        this.resyncing = false;
        this.emit('subscribed', frame);
    }
    onMessage(message) {
        if (this.currentState !== 'subscribed' || this.resyncing) {
            return;
        }
        const p = this.currentPosition;
        if (p && message.epoch === p.epoch && message.offset <= p.offset) {
            return; // already delivered
        }
        // Offset 0 has seen nothing of any epoch: the channel's first message follows it whatever its epoch.
        const inSequence = p !== null && (message.epoch === p.epoch || p.offset === 0) && message.offset === p.offset + 1;
        if (!inSequence && !this.gapAccepted && p !== null) {
            // Never expected from the server (it fills gaps itself): ask again from the position rather than skip.
            this.resyncing = true;
            this.host.resubscribe(this);
            return;
        }
        this.gapAccepted = false;
        this.currentPosition = { epoch: message.epoch, offset: message.offset };
        this.emit('message', message);
    }
    /** `recovery_failed`: in reply to a subscribe (a `subscribed` from the latest offset follows) or pushed live. */
    onRecoveryFailed(error) {
        this.gapAccepted = true;
        this.emit('recovery_failed', error);
    }
    /** A refused or unanswered subscribe: true when it should be tried again later. */
    onRefused(error) {
        this.emit('error', error);
        if (RETRIED.has(error.code)) {
            return true;
        }
        this.host.release(this, false);
        this.ended(error.code);
        return false;
    }
    onPresence(event) {
        this.emit(event.type, event);
    }
    /** The server ended it (`unsubscribed` pushed with a reason). */
    onEnded(reason) {
        this.host.release(this, false);
        this.ended(reason);
    }
    ended(reason) {
        if (this.currentState === 'unsubscribed') {
            return;
        }
        this.currentState = 'unsubscribed';
        this.emit('unsubscribed', { channel: this.channel, reason });
    }
}
