/** A small typed event emitter (no Node `events`: the SDK runs in browsers too). */
export class Emitter {
    constructor() {
        this.listeners = new Map();
    }
    /** Calls `listener` for every `event` until `off`; returns a function that removes it. */
    on(event, listener) {
        let set = this.listeners.get(event);
        if (!set) {
            set = new Set();
            this.listeners.set(event, set);
        }
        set.add(listener);
        return () => this.off(event, listener);
    }
    off(event, listener) {
        this.listeners.get(event)?.delete(listener);
    }
    /** Calls the listeners in the order they were added; one that throws does not stop the others. */
    emit(event, ...args) {
        const set = this.listeners.get(event);
        if (!set) {
            return;
        }
        for (const listener of [...set]) {
            try {
                listener(...args);
            }
            catch (e) {
                reportListenerError(e);
            }
        }
    }
}
/** A listener's exception must not break the connection's state machine: it is reported, not thrown. */
function reportListenerError(e) {
    setTimeout(() => {
        throw e;
    }, 0);
}
