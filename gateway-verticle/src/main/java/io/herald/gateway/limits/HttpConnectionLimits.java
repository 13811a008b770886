package io.herald.gateway.limits;

import io.herald.core.config.HeraldConfig;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-wide caps on plain HTTP connections of the public port, from accept until they close or are
 * upgraded to a WebSocket (whose own limits take over): {@code http.max_connections} in all and
 * {@code http.max_connections_per_ip} from one peer address (IPv6: one /64). They count TCP peers, not
 * X-Forwarded-For: a trusted proxy (which carries many clients) and loopback (while exempt) are not
 * capped per address. Shared by every gateway event loop.
 */
public final class HttpConnectionLimits implements Shareable {

  /** One accepted connection: refused by a limit, or admitted (counted under {@code group} when not null). */
  public record Ticket(Limit refusedBy, String group) {
    public boolean refused() {
      return refusedBy != null;
    }
  }

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final PerAddressCounts perAddress;
  private final ClientAddresses addresses;

  HttpConnectionLimits(int max, int maxPerAddress, ClientAddresses addresses, int maxTracked) {
    this.max = max;
    this.perAddress = new PerAddressCounts(maxPerAddress, maxTracked);
    this.addresses = addresses;
  }

  /** The node's limits: one per Vert.x instance, created by the first gateway that asks. */
  public static HttpConnectionLimits of(Vertx vertx, HeraldConfig config) {
    return vertx.sharedData().<String, HttpConnectionLimits>getLocalMap("herald.limits")
        .computeIfAbsent("http", k -> new HttpConnectionLimits(config.get(HeraldConfig.HTTP_MAX_CONNECTIONS),
            config.get(HeraldConfig.HTTP_MAX_CONNECTIONS_PER_IP), ClientAddresses.from(config),
            config.get(HeraldConfig.LIMITS_MAX_TRACKED_ADDRESSES)));
  }

  /** No caps, only the count: for the admin port, which must stay reachable whatever the public port suffers. */
  public static HttpConnectionLimits uncapped() {
    return new HttpConnectionLimits(0, 0, ClientAddresses.of("", true), 1);
  }

  /** A connection from {@code peer} was accepted; an admitted one is given back with {@link #closed}. */
  public Ticket open(String peer) {
    if (open.incrementAndGet() > max && max != 0) {
      open.decrementAndGet();
      return new Ticket(Limit.HTTP_MAX_CONNECTIONS, null);
    }
    if (peer == null || addresses.exempt(peer)) {
      return new Ticket(null, null);
    }
    String group = ClientAddresses.group(peer);
    return switch (perAddress.open(group)) {
      case COUNTED -> new Ticket(null, group);
      case UNCOUNTED -> new Ticket(null, null);
      case REFUSED -> {
        open.decrementAndGet();
        yield new Ticket(Limit.HTTP_CONNECTIONS_PER_IP, null);
      }
    };
  }

  /** The admitted connection of {@code ticket} closed or became a WebSocket. */
  public void closed(Ticket ticket) {
    open.decrementAndGet();
    if (ticket.group() != null) {
      perAddress.closed(ticket.group());
    }
  }

  /** HTTP connections open now. */
  public int open() {
    return open.get();
  }
}
