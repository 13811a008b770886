package io.herald.gateway.ws;

import io.herald.core.CloseCode;
import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.limits.LimitEvents.Limit;
import io.herald.gateway.limits.LimitEvents;
import io.herald.gateway.limits.ReadShaper;
import io.herald.gateway.session.ConnectionGate;
import io.herald.gateway.transport.ClientSocket;
import io.herald.gateway.transport.ClientTransport;
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
  private final ConnectionGate gate;
  private final LimitEvents limits;

  public WebSocketEndpoint(GatewayLoop loop, List<GatewayExtension> extensions) {
    this.loop = loop;
    this.extensions = extensions;
    this.gate = new ConnectionGate(loop);
    this.limits = LimitEvents.of(loop.vertx(), loop.services().meterRegistry());
  }

  public void handshake(UpgradeRequest handshake) {
    long start = System.nanoTime();
    String ip = gate.clientIp(handshake.head().peerAddress(), handshake.head().headers("X-Forwarded-For"));
    if (!gate.hostAllowed(handshake.head().header("Host"), ip)) {
      handshake.reject(421);
      return;
    }
    GatewayExtension extension = null;
    if (!PATH.equals(handshake.head().path())) {
      extension = extensions.stream().filter(e -> handshake.head().path().equals(e.webSocketPath())).findFirst().orElse(null);
      if (extension == null) {
        handshake.reject(404);
        return;
      }
    }
    String origin = handshake.head().header("Origin");
    ConnectionGate.Refusal refusal = gate.screen(ip, origin);
    if (refusal != null) {
      handshake.reject(refusal.code.httpStatus());
      return;
    }
    ConnectionGate.Seat seat = gate.seat(ip);
    ClientSocket socket = handshake.accept(ip, origin, loop.hooks().forwardedHeaders(handshake.head()));
    if (socket == null) {
      seat.release(); // not a valid handshake: answered 400 or 426
      loop.services().metrics().connectionError();
      return;
    }
    socket.shapeReads(ReadShaper.of(loop.services().config(), socket.channel(), () -> limits.counted(Limit.READ_RATE)));
    if (seat.refusedBy() != null) {
      gate.refused(seat, ip, origin, "close " + CloseCode.TOO_MANY_CONNECTIONS.code());
      refuse(socket, seat.reason());
    } else {
      // The seat is given back when the TCP connection closes, however the session ends.
      socket.channel().closeFuture().addListener(f -> seat.release());
      if (extension == null) {
        new ClientConnection(socket, loop).start(start);
      } else {
        extension.accept(socket, start, loop);
      }
    }
  }

  /**
   * Over ws.max_connections or ws.max_connections_per_ip: a close code tells the client why, where a
   * refused upgrade would show as 1006.
   */
  private void refuse(ClientSocket socket, String reason) {
    loop.services().metrics().closed(CloseCode.TOO_MANY_CONNECTIONS.code());
    socket.listen(ClientTransport.Listener.IGNORE);
    socket.close(CloseCode.TOO_MANY_CONNECTIONS.code(), reason);
  }
}
