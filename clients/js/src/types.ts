/** A position in a channel: the last message a subscriber has (offset 0: none yet in this epoch). */
export interface Position {
  epoch: string;
  offset: number;
}

/** A delivered message: the server's `message` frame. */
export interface Message<T = unknown> {
  type: 'message';
  channel: string;
  epoch: string;
  offset: number;
  data: T;
  /** Publish time, epoch milliseconds. */
  ts: number;
}

/** The reply to a subscribe: the channel's latest offset when it started, and whether `since` was recovered. */
export interface Subscribed {
  type: 'subscribed';
  channel: string;
  epoch: string;
  offset: number;
  recovered?: boolean;
}

export interface Published {
  channel: string;
  epoch: string;
  offset: number;
}

export interface HistoryPage<T = unknown> {
  channel: string;
  epoch: string;
  messages: Message<T>[];
  /** True when the reply was cut to fit the server's reply bound: ask again from the last offset. */
  truncated: boolean;
}

export interface PresenceClient {
  client: string;
  user: string | null;
  node: string;
}

export interface PresenceEvent {
  type: 'join' | 'leave';
  channel: string;
  client: string;
  user: string | null;
}

/** The server's `connected` frame. */
export interface Connected {
  type: 'connected';
  client: string;
  node: string;
  ping_interval_ms: number;
  user?: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Why the connection went down, and what the client does next. */
export interface Disconnect {
  code: number;
  reason: string;
  /** Milliseconds until the next attempt, or null when the client will not reconnect (state `closed`). */
  reconnectInMs: number | null;
}

/** The part of the WebSocket API the client uses: the browser's, or `ws`'s in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: any }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: any) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;
