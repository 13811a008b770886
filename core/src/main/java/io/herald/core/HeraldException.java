package io.herald.core;

/** A request failed with one of the protocol's error codes; the message is safe to show the client. */
public final class HeraldException extends RuntimeException {

  private final ErrorCode code;

  public HeraldException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
