package io.herald.core;

/** The error vocabulary of docs/protocol.md, with the HTTP status each maps to on the HTTP API. */
public enum ErrorCode {
  BAD_REQUEST("bad_request", 400),
  UNKNOWN_TYPE("unknown_type", 400),
  INVALID_CHANNEL("invalid_channel", 400),
  UNAUTHORIZED("unauthorized", 401),
  PERMISSION_DENIED("permission_denied", 403),
  NOT_SUBSCRIBED("not_subscribed", 400),
  ALREADY_SUBSCRIBED("already_subscribed", 400),
  TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions", 400),
  RATE_LIMITED("rate_limited", 429),
  TOO_MANY_CHANNELS("too_many_channels", 503),
  MESSAGE_TOO_LARGE("message_too_large", 413),
  RECOVERY_FAILED("recovery_failed", 409),
  NOT_FOUND("not_found", 404),
  METHOD_NOT_ALLOWED("method_not_allowed", 405),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
  /** Extension: the request's Host is not one of {@code http.allowed_hosts}. */
  MISDIRECTED_REQUEST("misdirected_request", 421),
  UNAVAILABLE("unavailable", 503),
  INTERNAL("internal", 500);

  private final String wire;
  private final int httpStatus;

  ErrorCode(String wire, int httpStatus) {
    this.wire = wire;
    this.httpStatus = httpStatus;
  }

  /** The {@code code} string clients see. */
  public String wire() {
    return wire;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
