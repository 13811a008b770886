import { Emitter } from './emitter.js';
import { HeraldError } from './errors.js';
import type { Message, Position, PresenceEvent, Subscribed } from './types.js';

export type SubscriptionState = 'subscribing' | 'subscribed' | 'unsubscribed';

export interface SubscriptionEvents {
  /** Each message of the channel, once and in offset order, across reconnects. */
  message: (message: Message) => void;
  /** The server confirmed the subscription (again after every reconnect). */
  subscribed: (frame: Subscribed) => void;
  /** The subscription ended: `client` (unsubscribe()), or the server's reason (`permission_denied`, ...). */
  unsubscribed: (event: { channel: string; reason: string }) => void;
  /**
   * History no longer held the position: messages after it are lost to this client. Reload the state the channel
   * feeds (from your backend or `history`); delivery goes on from the channel's latest offset.
   */
  recovery_failed: (error: HeraldError) => void;
  /** A subscribe the server refused (the subscription ends, unless the error is one to retry) or timed out. */
  error: (error: HeraldError) => void;
  join: (event: PresenceEvent) => void;
  leave: (event: PresenceEvent) => void;
}

/** What a subscription needs from its connection. */
export interface SubscriptionHost {
  /** Sends (or, while disconnected, leaves for the next connection) this subscription's subscribe. */
  resubscribe(subscription: Subscription): void;
  /** Forgets it, and ends it on the server when `onServer` (not when the server ended or refused it). */
  release(subscription: Subscription, onServer: boolean): void;
}

/** Server errors after which a subscribe is tried again later; any other refusal ends the subscription. */
const RETRIED = new Set(['rate_limited', 'internal', 'too_many_channels', 'timeout']);

/**
 * One channel's subscription: its position `(epoch, offset)` is the last message delivered to the application, and
 * every (re)subscribe asks for what follows it, so each offset is delivered once and in order.
 */
export class Subscription extends Emitter<SubscriptionEvents> {
  private currentState: SubscriptionState = 'subscribing';
  private currentPosition: Position | null;
  /** The server announced a loss it could not fill: the next message may skip offsets. */
  private gapAccepted = false;
  /** A gap was seen and a resubscribe from the position is on its way: messages until it are dropped. */
  private resyncing = false;

  constructor(
    readonly channel: string,
    private readonly host: SubscriptionHost,
    since: Position | undefined,
    /** A subscription token, for channels that need one. */
    readonly token: string | undefined,
  ) {
    super();
    this.currentPosition = since ? { epoch: since.epoch, offset: since.offset } : null;
  }

  get state(): SubscriptionState {
    return this.currentState;
  }

  /** The last message delivered: resume from here with `since` (null before the first `subscribed`). */
  get position(): Position | null {
    return this.currentPosition ? { ...this.currentPosition } : null;
  }

  unsubscribe(): void {
    if (this.currentState === 'unsubscribed') {
      return;
    }
    this.host.release(this, true);
    this.ended('client');
  }

  /** The `subscribe` frame for the next (re)subscribe. */
  subscribeFrame(): Record<string, unknown> {
    const frame: Record<string, unknown> = { type: 'subscribe', channel: this.channel };
    if (this.currentPosition) {
      frame.since = { ...this.currentPosition };
    }
    if (this.token !== undefined) {
      frame.token = this.token;
    }
    return frame;
  }

  /** The connection went down: the next connection subscribes again from the position. */
  disconnected(): void {
    if (this.currentState === 'subscribed') {
      this.currentState = 'subscribing';
    }
    this.resyncing = false;
  }

  onSubscribed(frame: Subscribed): void {
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

  onMessage(message: Message): void {
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
  onRecoveryFailed(error: HeraldError): void {
    this.gapAccepted = true;
    this.emit('recovery_failed', error);
  }

  /** A refused or unanswered subscribe: true when it should be tried again later. */
  onRefused(error: HeraldError): boolean {
    this.emit('error', error);
    if (RETRIED.has(error.code)) {
      return true;
    }
    this.host.release(this, false);
    this.ended(error.code);
    return false;
  }

  onPresence(event: PresenceEvent): void {
    this.emit(event.type, event);
  }

  /** The server ended it (`unsubscribed` pushed with a reason). */
  onEnded(reason: string): void {
    this.host.release(this, false);
    this.ended(reason);
  }

  private ended(reason: string): void {
    if (this.currentState === 'unsubscribed') {
      return;
    }
    this.currentState = 'unsubscribed';
    this.emit('unsubscribed', { channel: this.channel, reason });
  }
}
