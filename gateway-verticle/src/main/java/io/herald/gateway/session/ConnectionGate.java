package io.herald.gateway.session;

import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.limits.ClientAddresses;
import io.herald.gateway.limits.ConnectionLimiter;
import io.herald.gateway.limits.HostPolicy;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.limits.OriginPolicy;
import io.herald.gateway.limits.PerAddressCounts.Admission;

import java.util.List;

/**
 * Who may open a client connection (a WebSocket or an event stream), the same for both: the Host
 * ({@code http.allowed_hosts}; the router checks it for the event stream), the node draining, the Origin, the connect rate of the client's address, then a
 * seat within ws.max_connections_per_ip and ws.max_connections. Each refusal is counted and logged as a limit
 * event; the endpoint answers it in its wire's form. Used on the connection's event loop.
 */
public final class ConnectionGate {

  /** Why a connection was refused before it was opened, with the HTTP status an endpoint answers. */
  public enum Refusal {
    DRAINING(ErrorCode.UNAVAILABLE, "the node is shutting down: connect to another"),
    ORIGIN(ErrorCode.PERMISSION_DENIED, "origin not allowed"),
    CONNECT_RATE(ErrorCode.RATE_LIMITED, "too many connections opened from this address: slow down");

    public final ErrorCode code;
    public final String message;

    Refusal(ErrorCode code, String message) {
      this.code = code;
      this.message = message;
    }
  }

  /**
   * A connection's place in the node's counts. {@link #refusedBy} is null when it got one; {@link #release} gives it
   * back (once, when the connection closes, or at once for a refused one).
   */
  public final class Seat {
    private final Admission fromIp;
    private final boolean slot;
    private final String ip;
    private boolean released;

    private Seat(Admission fromIp, boolean slot, String ip) {
      this.fromIp = fromIp;
      this.slot = slot;
      this.ip = ip;
    }

    /** The limit that refused the seat, or null. */
    public Limit refusedBy() {
      return fromIp == Admission.REFUSED ? Limit.WS_CONNECTIONS_PER_IP : slot ? null : Limit.MAX_CONNECTIONS;
    }

    /** Why, in words a client may read. */
    public String reason() {
      return fromIp == Admission.REFUSED ? "too many connections from this address" : CloseCode.TOO_MANY_CONNECTIONS.reason();
    }

    public void release() {
      if (released) {
        return;
      }
      released = true;
      if (slot) {
        connections.closed();
      }
      if (fromIp == Admission.COUNTED) {
        connections.closedFrom(ip);
      }
    }
  }

  private final GatewayLoop loop;
  private final OriginPolicy origins;
  private final HostPolicy hosts;
  private final ClientAddresses addresses;
  private final ConnectionLimiter connections;
  private final LimitEvents limits;

  public ConnectionGate(GatewayLoop loop) {
    this.loop = loop;
    this.origins = OriginPolicy.from(loop.services().config());
    this.hosts = HostPolicy.from(loop.services().config());
    this.addresses = ClientAddresses.from(loop.services().config());
    this.connections = ConnectionLimiter.of(loop.vertx(), loop.services().config());
    this.limits = LimitEvents.of(loop.vertx(), loop.services().meterRegistry());
  }

  /** The client's address: the peer's, or what a trusted proxy's X-Forwarded-For says. */
  public String clientIp(String peerAddress, List<String> forwardedFor) {
    return addresses.client(peerAddress, forwardedFor);
  }

  /** Whether {@code host} (the Host header) is served here; a refusal is counted and logged. */
  public boolean hostAllowed(String host, String ip) {
    if (hosts.allows(host)) {
      return true;
    }
    limits.triggered(Limit.HOST, null, ip, null, "HTTP 421");
    return false;
  }

  /** Whether {@code origin} (an Origin header) may open connections: ws.allowed_origins. */
  public boolean originAllowed(String origin) {
    return origins.allows(origin);
  }

  /** Whether a connection may be opened now (its Host allowed): null, or why not (counted and logged). */
  public Refusal screen(String ip, String origin) {
    if (loop.services().state().draining()) {
      return Refusal.DRAINING;
    }
    if (!origins.allows(origin)) {
      limits.triggered(Limit.ORIGIN, null, ip, origin, "HTTP 403");
      return Refusal.ORIGIN;
    }
    if (!connections.allowNewConnection(ip)) {
      limits.triggered(Limit.CONNECT_RATE, null, ip, origin, "HTTP 429");
      return Refusal.CONNECT_RATE;
    }
    return null;
  }

  /** Takes a seat for a connection from {@code ip}; a refused one is given back at once (see {@link #refused}). */
  public Seat seat(String ip) {
    Admission fromIp = connections.openFrom(ip);
    Seat seat = new Seat(fromIp, fromIp != Admission.REFUSED && connections.tryOpen(), ip);
    if (seat.refusedBy() != null) {
      seat.release();
    }
    return seat;
  }

  /** Counts and logs a refused seat, with {@code answer}: what the client is told. */
  public void refused(Seat seat, String ip, String origin, String answer) {
    limits.triggered(seat.refusedBy(), null, ip, origin, answer);
  }
}
