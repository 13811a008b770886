package io.herald.core;

/** The requests a sequencer answers; sent in the {@value #HEADER} header of a request. */
public enum SequencerOp {
  PUBLISH, PUBLISH_BATCH, POSITION, HISTORY, WATCH, UNWATCH, PUSH;

  public static final String HEADER = "op";
  /** Header naming the node of a {@link #WATCH} or {@link #UNWATCH}, and the channel of a {@link #PUSH}. */
  public static final String NODE = "node";
  public static final String CHANNEL = "channel";
  /**
   * Header present (any value) on a {@link #PUBLISH}, {@link #PUBLISH_BATCH} or {@link #WATCH} that must not create the channel: the
   * client is out of new channels (ws.new_channel_rate), so an unknown channel is refused with {@code rate_limited}.
   */
  public static final String NO_CREATE = "no-create";
}
