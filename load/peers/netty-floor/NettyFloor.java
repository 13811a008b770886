import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.*;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.*;
import io.netty.handler.codec.http.websocketx.*;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of a WebSocket broker on the JVM with Netty, to measure Herald against, on a Netty server like Herald's
 * (NIO, one acceptor thread, N event loops) with no broker behind it:
 *
 * <ul>
 *   <li>connect: accept, HTTP parse, the RFC 6455 handshake and one canned `subscribed` reply per text frame;
 *   <li>delivery: `POST /api/publish` takes the data after `"data":` as is, gives it the next offset, encodes
 *       Herald's `message` frame once, and has each event loop write it to the sockets it holds and flush them
 *       (one task per loop per message: the least a broker on Netty can do per delivery). One channel for all.
 * </ul>
 *
 * It answers `/metrics` with the two figures `./herald load connections` reads (`herald_connections_active`, heap),
 * so the load tool measures it as it measures a node:
 *
 *   java -Xms750m -Xmx750m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -cp node/target/herald.jar \
 *       load/peers/netty-floor/NettyFloor.java PORT EVENT_LOOPS
 *   ./herald load connections --url http://127.0.0.1:PORT --server-pid PID ...
 *   ./herald load throughput --url http://127.0.0.1:PORT --server-pid PID ...
 *
 * Not part of the build: a single-file program on the node jar's classpath (its Netty). docs/performance.md has its
 * figures beside Herald's and Nchan's.
 */
public class NettyFloor {
  static final AtomicInteger active = new AtomicInteger();
  static final AtomicLong offsets = new AtomicLong();
  /** Each event loop's subscribers, read and written on that loop only. */
  static final Map<EventLoop, List<Channel>> subscribers = new ConcurrentHashMap<>();
  static final WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory("ws://x/ws", null, false);

  public static void main(String[] a) throws Exception {
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Integer.parseInt(a[1]), NioIoHandler.newFactory());
    new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
      .childOption(ChannelOption.TCP_NODELAY, true)
      .childHandler(new ChannelInitializer<SocketChannel>() {
        @Override protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Http());
        }
      }).bind("127.0.0.1", Integer.parseInt(a[0])).sync();
    System.out.println("ready");
  }

  static final class Http extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.uri().startsWith("/ws")) {
        WebSocketServerHandshaker hs = factory.newHandshaker(req);
        ctx.pipeline().replace(this, "ws", new Ws());
        hs.handshake(ctx.channel(), req);
        return;
      }
      String body;
      if (req.method() == HttpMethod.POST && req.uri().startsWith("/api/publish")) {
        body = "{\"offset\":" + publish(req.content().toString(StandardCharsets.UTF_8)) + "}";
      } else if (req.uri().startsWith("/metrics")) {
        Runtime rt = Runtime.getRuntime();
        body = "herald_connections_active " + active.get() + "\njvm_memory_used_bytes{area=\"heap\",id=\"all\"} " + (rt.totalMemory() - rt.freeMemory()) + "\n";
      } else {
        body = "{\"status\":\"UP\"}";
      }
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      ctx.writeAndFlush(r);
    }
  }

  /** Encodes the message frame once and hands it to every loop with subscribers; returns its offset. */
  static long publish(String request) {
    int at = request.indexOf("\"data\":");
    String data = request.substring(at + 7, request.lastIndexOf('}'));
    long offset = offsets.incrementAndGet();
    ByteBuf frame = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("{\"type\":\"message\",\"channel\":\"c\",\"epoch\":\"e\",\"offset\":"
        + offset + ",\"ts\":" + System.currentTimeMillis() + ",\"data\":" + data + "}", StandardCharsets.UTF_8));
    subscribers.forEach((loop, sockets) -> loop.execute(() -> {
      for (Channel socket : sockets) {
        socket.write(new TextWebSocketFrame(frame.duplicate()), socket.voidPromise());
      }
      for (Channel socket : sockets) {
        socket.flush();
      }
    }));
    return offset;
  }

  static final class Ws extends SimpleChannelInboundHandler<WebSocketFrame> {
    boolean subscribed;
    @Override public void handlerAdded(ChannelHandlerContext ctx) { active.incrementAndGet(); }
    @Override public void channelInactive(ChannelHandlerContext ctx) {
      active.decrementAndGet();
      if (subscribed) {
        subscribers.get(ctx.channel().eventLoop()).remove(ctx.channel());
      }
    }
    @Override protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
      if (f instanceof TextWebSocketFrame) {
        if (!subscribed) {
          subscribed = true;
          subscribers.computeIfAbsent(ctx.channel().eventLoop(), loop -> new ArrayList<>()).add(ctx.channel());
        }
        ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"subscribed\",\"id\":1,\"channel\":\"c\",\"epoch\":\"e\",\"offset\":0}"));
      } else if (f instanceof CloseWebSocketFrame c) {
        ctx.writeAndFlush(c.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
      } else if (f instanceof PingWebSocketFrame p) {
        ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
      }
    }
  }
}
