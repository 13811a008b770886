package io.herald.core;

/** The requests a sequencer answers; sent in the {@value #HEADER} header of a request. */
public enum SequencerOp {
  PUBLISH, POSITION, HISTORY, WATCH, UNWATCH, PUSH;

  public static final String HEADER = "op";
  /** Header naming the node of a {@link #WATCH} or {@link #UNWATCH}, and the channel of a {@link #PUSH}. */
  public static final String NODE = "node";
  public static final String CHANNEL = "channel";
}
