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
import io.herald.gateway.transport.VertxUpgrade;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.util.List;

/**
 * WebSocket upgrades on the public port: /ws, and the paths of the gateway's extensions. They are taken
 * at the HTTP server, before the router, so connections get Vert.x's own WebSocket (the router would
 * wrap it) and the handshake can be refused cheaply: 421 for a Host not in {@code http.allowed_hosts}, 404
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

  public void handshake(ServerWebSocketHandshake handshake) {
    long start = System.nanoTime();
    String peer = handshake.remoteAddress() == null ? null : handshake.remoteAddress().hostAddress();
    String ip = addresses.client(peer, handshake.headers().getAll("X-Forwarded-For"));
    if (!hosts.allows(handshake.headers().get("Host"))) {
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
    String origin = handshake.headers().get("Origin");
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
    GatewayExtension target = extension;
    handshake.accept().onComplete(ar -> {
      if (ar.failed()) {
        release(slot, fromIp, ip);
        loop.services().metrics().connectionError();
        return;
      }
      ClientSocket socket = VertxUpgrade.takeOver(ar.result(),
          new ClientSocket.Handshake(ar.result().uri(), ar.result().subProtocol(), ip, origin),
          loop.services().config().get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES));
      socket.shapeReads(ReadShaper.of(loop.services().config(), socket.channel(), () -> limits.counted(Limit.READ_RATE)));
      if (fromIp == Admission.REFUSED) {
        refuse(socket, Limit.WS_CONNECTIONS_PER_IP, "too many connections from this address", ip, origin);
      } else if (!slot) {
        release(false, fromIp, ip);
        refuse(socket, Limit.MAX_CONNECTIONS, CloseCode.TOO_MANY_CONNECTIONS.reason(), ip, origin);
      } else {
        // The slots are given back when the TCP connection closes, however the session ends.
        socket.channel().closeFuture().addListener(f -> release(true, fromIp, ip));
        if (target == null) {
          new ClientConnection(socket, loop).start(start);
        } else {
          target.accept(socket, start, loop);
        }
      }
    });
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
