package io.herald.core;

import java.util.regex.Pattern;

/** Channel name rules of PROTOCOL.md: {@code ^[A-Za-z0-9_.:@=-]{1,255}$}, namespace up to the first ':'. */
public final class ChannelName {

  public static final int MAX_LENGTH = 255;
  /** Namespace of a channel whose name has no ':'. */
  public static final String DEFAULT_NAMESPACE = "default";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:@=-]{1," + MAX_LENGTH + "}");

  private ChannelName() {
  }

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** The namespace of a valid channel name: the part before the first ':', or {@link #DEFAULT_NAMESPACE}. */
  public static String namespace(String name) {
    int colon = name.indexOf(':');
    return colon <= 0 ? DEFAULT_NAMESPACE : name.substring(0, colon);
  }
}
