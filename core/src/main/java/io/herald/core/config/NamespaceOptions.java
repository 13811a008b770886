package io.herald.core.config;

/**
 * Options of the channels of one namespace.
 *
 * @param historySize   messages kept per channel (0: no history, so no recovery)
 * @param historyTtlMs  how long a message stays in history
 * @param clientPublish whether /ws clients may publish (the HTTP API always may)
 * @param presence      whether clients may read presence
 * @param joinLeave     whether subscribers get join/leave pushes
 */
public record NamespaceOptions(int historySize, long historyTtlMs, boolean clientPublish, boolean presence,
                               boolean joinLeave) {
}
