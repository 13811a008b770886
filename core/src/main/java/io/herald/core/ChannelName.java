package io.herald.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Channel name rules of docs/protocol.md: {@code ^[A-Za-z0-9_.:@=-]{1,255}$}, namespace up to the first ':'.
 * Two extensions carry permissions (docs/security.md): a leading {@code $} marks a private channel
 * ({@code $private:room}, a subscription token is needed), and a namespaced name may end with
 * {@code #user1,user2} to limit the channel to those users ({@code chat:dm#alice,bob}).
 */
public final class ChannelName {

  public static final int MAX_LENGTH = 255;
  /** Namespace of a channel whose name has no ':'. */
  public static final String DEFAULT_NAMESPACE = "default";
  /** First character of a private channel's name. */
  public static final char PRIVATE_PREFIX = '$';
  /** Separates a namespaced channel's name from the users it is limited to. */
  public static final char USERS_SEPARATOR = '#';
  /**
   * Prefix of the node's own probe channels (the delivery canary's): never refused by broker.max_channels,
   * so a node flooded with channels still passes its readiness probe.
   */
  public static final String CANARY_PREFIX = "$herald-canary:";

  private static final String CHARS = "[A-Za-z0-9_.:@=-]";
  private static final String USER = "[A-Za-z0-9_.@=-]+";
  /** Optional '$', a name with a ':' before an optional '#user,user' suffix (or a plain name). */
  private static final Pattern VALID = Pattern.compile(
      "\\$?(?:" + CHARS + "*:" + CHARS + "*#" + USER + "(?:," + USER + ")*|" + CHARS + "+)");

  private ChannelName() {
  }

  public static boolean isValid(String name) {
    return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && !"$".equals(name)
        && VALID.matcher(name).matches();
  }

  /** The namespace of a valid channel name: the part before the first ':', or {@link #DEFAULT_NAMESPACE}. */
  public static String namespace(String name) {
    int colon = name.indexOf(':');
    return colon <= 0 ? DEFAULT_NAMESPACE : name.substring(0, colon);
  }

  /** Whether a valid channel name is private ({@code $...}): subscribing needs a subscription token. */
  public static boolean isCanary(String name) {
    return name.startsWith(CANARY_PREFIX);
  }

  public static boolean isPrivate(String name) {
    return !name.isEmpty() && name.charAt(0) == PRIVATE_PREFIX;
  }

  /** The users a valid channel name is limited to ({@code ns:name#u1,u2}), or null when it is not limited. */
  public static List<String> users(String name) {
    int hash = name.indexOf(USERS_SEPARATOR);
    return hash < 0 ? null : List.of(name.substring(hash + 1).split(","));
  }
}
