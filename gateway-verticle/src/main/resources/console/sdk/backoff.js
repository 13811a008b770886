/**
 * Reconnect delays: exponential backoff with full jitter (a uniform delay between 0 and min(cap, base * 2^attempt)),
 * so clients cut off together do not come back together.
 */
export class Backoff {
    constructor(baseMs, capMs, random = Math.random) {
        this.baseMs = baseMs;
        this.capMs = capMs;
        this.random = random;
        this.attempt = 0;
    }
    /** The delay before the next attempt; each call doubles the ceiling up to the cap. */
    next(floorMs = 0) {
        const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
        this.attempt++;
        return Math.max(floorMs, Math.floor(this.random() * ceiling));
    }
    /** After a connection that worked: the next failure starts from the base again. */
    reset() {
        this.attempt = 0;
    }
}
