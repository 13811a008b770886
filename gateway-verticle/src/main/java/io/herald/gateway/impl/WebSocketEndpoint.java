package io.herald.gateway.impl;

import io.herald.core.CloseCode;
import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.limits.ClientAddresses;
import io.herald.gateway.limits.ConnectionLimiter;
import io.herald.gateway.limits.HostPolicy;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.herald.gateway.limits.OriginPolicy;
import io.herald.gateway.limits.PerAddressCounts.Admission;
import io.herald.gateway.limits.ReadShaper;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.transport.ClientSocket;
import io.herald.gateway.transport.UpgradeRequest;

import java.util.List;

/**
 * WebSocket upgrades on the public port: /ws, and the paths of the gateway's extensions. They are taken
 * from the HTTP pipeline before Vert.x or the router see them ({@link io.herald.gateway.transport.VertxUpgrade}),
 * so the handshake can be refused cheaply: 421 for a Host not in {@code http.allowed_hosts}, 404
 * for a path that serves no WebSocket, 503 while the node drains, 403 for an origin not allowed, 429 over
 * the connect rate of the client's address.
 */
public final class WebSocketEndpoint {

  public static final String PATH = "/ws";

  private final GatewayLoop loop;
  private final List<GatewayExtension> extensions;
  private final OriginPolicy origins;
  private final HostPolicy hosts;
  private final ClientAddresses addresses;
  private final ConnectionLimiter connections;
  private final LimitEvents limits;

  public WebSocketEndpoint(GatewayLoop loop, List<GatewayExtension> extensions) {
    this.loop = loop;
    this.extensions = extensions;
    this.origins = OriginPolicy.from(loop.services().config());
    this.hosts = HostPolicy.from(loop.services().config());
    this.addresses = ClientAddresses.from(loop.services().config());
    this.connections = ConnectionLimiter.of(loop.vertx(), loop.services().config());
    this.limits = LimitEvents.of(loop.vertx(), loop.services().meterRegistry());
  }

  public void handshake(UpgradeRequest handshake) {
    long start = System.nanoTime();
    String ip = addresses.client(handshake.peerAddress(), handshake.headers("X-Forwarded-For"));
    if (!hosts.allows(handshake.header("Host"))) {
      limits.triggered(Limit.HOST, null, ip, null, "HTTP 421");
      handshake.reject(421);
      return;
    }
    GatewayExtension extension = null;
    if (!PATH.equals(handshake.path())) {
      extension = extensions.stream().filter(e -> handshake.path().equals(e.webSocketPath())).findFirst().orElse(null);
      if (extension == null) {
        handshake.reject(404);
        return;
      }
    }
    if (loop.services().state().draining()) {
      handshake.reject(503);
      return;
    }
    String origin = handshake.header("Origin");
    if (!origins.allows(origin)) {
      limits.triggered(Limit.ORIGIN, null, ip, origin, "HTTP 403");
      handshake.reject(403);
      return;
    }
    if (!connections.allowNewConnection(ip)) {
      limits.triggered(Limit.CONNECT_RATE, null, ip, origin, "HTTP 429");
      handshake.reject(429);
      return;
    }
    Admission fromIp = connections.openFrom(ip);
    boolean slot = fromIp != Admission.REFUSED && connections.tryOpen();
    ClientSocket socket = handshake.accept(ip, origin);
    if (socket == null) {
      release(slot, fromIp, ip); // not a valid handshake: answered 400 or 426
      loop.services().metrics().connectionError();
      return;
    }
    socket.shapeReads(ReadShaper.of(loop.services().config(), socket.channel(), () -> limits.counted(Limit.READ_RATE)));
    if (fromIp == Admission.REFUSED) {
      refuse(socket, Limit.WS_CONNECTIONS_PER_IP, "too many connections from this address", ip, origin);
    } else if (!slot) {
      release(false, fromIp, ip);
      refuse(socket, Limit.MAX_CONNECTIONS, CloseCode.TOO_MANY_CONNECTIONS.reason(), ip, origin);
    } else {
      // The slots are given back when the TCP connection closes, however the session ends.
      socket.channel().closeFuture().addListener(f -> release(true, fromIp, ip));
      if (extension == null) {
        new ClientConnection(socket, loop).start(start);
      } else {
        extension.accept(socket, start, loop);
      }
    }
  }

  private void release(boolean slot, Admission fromIp, String ip) {
    if (slot) {
      connections.closed();
    }
    if (fromIp == Admission.COUNTED) {
      connections.closedFrom(ip);
    }
  }

  /**
   * Over ws.max_connections or ws.max_connections_per_ip: a close code tells the client why, where a
   * refused upgrade would show as 1006.
   */
  private void refuse(ClientSocket socket, Limit limit, String reason, String ip, String origin) {
    limits.triggered(limit, null, ip, origin, "close " + CloseCode.TOO_MANY_CONNECTIONS.code());
    loop.services().metrics().closed(CloseCode.TOO_MANY_CONNECTIONS.code());
    socket.listen(ClientSocket.Listener.IGNORE);
    socket.close(CloseCode.TOO_MANY_CONNECTIONS.code(), reason);
  }
}
