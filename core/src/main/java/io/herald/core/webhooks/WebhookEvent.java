package io.herald.core.webhooks;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One event a node reports to the backend's webhook (docs/protocol.md, Webhooks): what happened, to which
 * channel and client, and when (epoch microseconds; the payload says milliseconds, {@link #ts()}). {@code channel}
 * is null for {@code connect}/{@code disconnect}, {@code client} for the occupancy events, {@code user} for
 * anonymous clients.
 */
public record WebhookEvent(Type type, String channel, String client, String user, long tsMicros) {

  /** When it happened, epoch milliseconds: the payload's {@code ts}. */
  public long ts() {
    return Math.floorDiv(tsMicros, 1_000);
  }

  /** The event types, by their name on the wire and in webhooks.events. */
  public enum Type {
    /** The channel's first subscriber anywhere in the cluster. */
    CHANNEL_OCCUPIED,
    /** The channel's last subscriber anywhere in the cluster is gone. */
    CHANNEL_VACATED,
    JOIN,
    LEAVE,
    CONNECT,
    DISCONNECT;

    /** The type's name in payloads and in webhooks.events: {@code channel_occupied}, {@code join}... */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The types of a comma-separated list of wire names (blanks ignored).
     *
     * @throws IllegalArgumentException naming the first unknown type and the known ones
     */
    public static Set<Type> parseList(String list) {
      Set<Type> types = EnumSet.noneOf(Type.class);
      for (String name : list.split(",")) {
        String n = name.trim();
        if (n.isEmpty()) {
          continue;
        }
        Type found = null;
        for (Type t : values()) {
          if (t.wire().equals(n)) {
            found = t;
          }
        }
        if (found == null) {
          throw new IllegalArgumentException("unknown webhook event type \"" + n + "\" (known: " + known() + ")");
        }
        types.add(found);
      }
      return types;
    }

    private static String known() {
      StringBuilder names = new StringBuilder();
      for (Type t : values()) {
        names.append(names.length() == 0 ? "" : ", ").append(t.wire());
      }
      return names.toString();
    }
  }

  /** The channel became occupied or vacated, cluster-wide. */
  public static WebhookEvent occupancy(Type type, String channel, long tsMicros) {
    return new WebhookEvent(type, channel, null, null, tsMicros);
  }

  /** A client joined or left a channel on this node. */
  public static WebhookEvent membership(Type type, String channel, String client, String user, long tsMicros) {
    return new WebhookEvent(type, channel, client, user, tsMicros);
  }

  /** A client connected to or disconnected from this node. */
  public static WebhookEvent connection(Type type, String client, String user, long tsMicros) {
    return new WebhookEvent(type, null, client, user, tsMicros);
  }
}
