package io.herald.core;

/**
 * What became of one channel's request in a publish to several channels: its {@link Publication}, or the error
 * that refused it (the other channels' requests are not affected).
 */
public record PublishOutcome(Publication publication, HeraldException error) {

  public static PublishOutcome of(Publication publication) {
    return new PublishOutcome(publication, null);
  }

  /** A failure: a {@link HeraldException} keeps its code, anything else is {@code internal}. */
  public static PublishOutcome failed(Throwable cause) {
    return new PublishOutcome(null, cause instanceof HeraldException he ? he
        : new HeraldException(ErrorCode.INTERNAL, String.valueOf(cause.getMessage())));
  }

  public boolean succeeded() {
    return error == null;
  }
}
