package io.herald.core;

/** A connected client as presence reports it; {@code user} is null for anonymous clients. */
public record ClientInfo(String client, String user, String node) {
}
