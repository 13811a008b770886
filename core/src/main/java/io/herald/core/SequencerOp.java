package io.herald.core;

/** The requests a sequencer answers; sent in the {@value #HEADER} header of a request. */
public enum SequencerOp {
  PUBLISH, POSITION, HISTORY;

  public static final String HEADER = "op";
}
