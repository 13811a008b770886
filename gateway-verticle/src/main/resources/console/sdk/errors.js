/**
 * A failed request or subscription. `code` is the server's error code (docs/protocol.md: `permission_denied`,
 * `invalid_channel`, `rate_limited`, ...) or one of the client's own:
 * - `timeout`: no answer within the request timeout;
 * - `disconnected`: the connection went down before the answer (a publish may or may not have happened);
 * - `closed`: the client was closed, or will not reconnect.
 */
export class HeraldError extends Error {
    constructor(code, message, channel) {
        super(message);
        this.code = code;
        this.channel = channel;
        this.name = 'HeraldError';
    }
}
