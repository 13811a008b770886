package io.herald.node.cli;

import io.herald.node.Main;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code herald sub CHANNEL}: prints each message of a channel as one JSON line, and keeps doing so across lost
 * connections the way the JavaScript SDK does: reconnects with full-jitter backoff by close code, resubscribes with
 * {@code since} from the last message printed, so each offset is printed once and in order. Progress and trouble go
 * to stderr; stdout has only the messages.
 */
@Command(name = "sub", mixinStandardHelpOptions = true,
    description = "Subscribes to a channel over /ws and prints every message as one JSON line (the message frame), "
        + "reconnecting and recovering what it missed. Exit 0 after --count messages, 1 when the node refuses "
        + "(a token, a permission, a backend disconnect).")
public final class SubCommand implements Callable<Integer> {

  static final long PING_AFTER_SILENCE_MS = 15_000;
  static final long PONG_TIMEOUT_MS = 5_000;
  static final long BUSY_DELAY_MS = 5_000;

  @Parameters(index = "0", paramLabel = "CHANNEL")
  String channel;

  @Option(names = "--since", paramLabel = "EPOCH:OFFSET",
      description = "Start after this position (printed by an earlier run's last line: its epoch and offset).")
  String since;

  @Option(names = "--count", paramLabel = "N", description = "Exit after N messages (default: run until interrupted).")
  long count;

  @Option(names = "--token", paramLabel = "JWT", description = "Connection token, on nodes that require one.")
  String token;

  @Option(names = "--max-reconnect-delay-ms", paramLabel = "MS", description = "Backoff cap (default 10000).")
  long maxDelayMs = 10_000;

  @Mixin
  ServerOptions server;

  @Spec
  CommandSpec spec;

  private String epoch;
  private long offset = -1; // -1: no position yet
  private boolean gapAccepted;
  private long printed;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (since != null) {
      int colon = since.lastIndexOf(':');
      try {
        epoch = since.substring(0, colon);
        offset = Long.parseLong(since.substring(colon + 1));
      } catch (RuntimeException e) {
        err.println("herald sub: --since is EPOCH:OFFSET, e.g. nai66vqsul:41");
        return 2;
      }
    }
    HttpClient http = HttpClient.newHttpClient();
    int attempt = 0;
    for (;;) {
      Outcome outcome = session(http);
      if (outcome.exitCode != null) {
        return outcome.exitCode;
      }
      attempt = outcome.wasConnected ? 0 : attempt + 1;
      long ceiling = Math.min(maxDelayMs, 250L << Math.min(attempt, 16));
      long delay = switch (outcome.code) {
        case 1001, 4010 -> 0; // draining or lifetime: straight back
        case 4009, 4029 -> BUSY_DELAY_MS + ThreadLocalRandom.current().nextLong(ceiling + 1);
        default -> ThreadLocalRandom.current().nextLong(ceiling + 1);
      };
      err.println("herald sub: connection closed (" + outcome.code + " " + outcome.reason + "); reconnecting in "
          + delay + " ms" + (offset >= 0 ? " from " + epoch + ":" + offset : ""));
      err.flush();
      Thread.sleep(delay);
    }
  }

  /** How one connection ended: an exit code (done, or refused), or a close to come back from. */
  private record Outcome(Integer exitCode, int code, String reason, boolean wasConnected) {
    static Outcome exit(int code) {
      return new Outcome(code, 0, "", true);
    }
  }

  /** One connection, from open to close; frames are handled on this thread, in order. */
  private Outcome session(HttpClient http) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    WebSocket socket;
    try {
      socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
          .buildAsync(server.webSocket(), new Frames(events)).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      return new Outcome(null, 1006, "cannot connect: " + Main.rootMessage(e), false);
    }
    long connectId = 1;
    long subscribeId = 2;
    long nextId = 3;
    boolean connected = false;
    boolean subscribed = false;
    if (token != null) {
      socket.sendText(new JsonObject().put("type", "connect").put("id", connectId).put("token", token).encode(), true);
    }
    long lastHeard = System.currentTimeMillis();
    Long pingSentAt = null;
    try {
      for (;;) {
        Object event = events.poll(1, TimeUnit.SECONDS);
        long now = System.currentTimeMillis();
        if (event == null) {
          if (pingSentAt != null && now - pingSentAt >= PONG_TIMEOUT_MS) {
            socket.abort();
            return new Outcome(null, 4000, "no answer to ping", connected);
          }
          if (pingSentAt == null && now - lastHeard >= PING_AFTER_SILENCE_MS) {
            pingSentAt = now;
            socket.sendText(new JsonObject().put("type", "ping").put("id", nextId++).encode(), true);
          }
          continue;
        }
        if (event instanceof Closed closed) {
          if (closed.code == 4001 || closed.code == 4012) {
            err.println("herald sub: " + (closed.code == 4001 ? "the node refused the token: " : "disconnected by the backend: ")
                + closed.code + " " + closed.reason);
            return Outcome.exit(1);
          }
          return new Outcome(null, closed.code, closed.reason, connected);
        }
        lastHeard = now;
        pingSentAt = null;
        JsonObject frame;
        try {
          frame = new JsonObject((String) event);
        } catch (DecodeException e) {
          continue;
        }
        Long id = frame.getValue("id") instanceof Number n ? n.longValue() : null;
        switch (frame.getString("type", "")) {
          case "connected" -> {
            if (!connected && (token == null || connectId == (id == null ? -1 : id))) {
              connected = true;
              socket.sendText(subscribeFrame(subscribeId), true);
            }
          }
          case "subscribed" -> {
            if (id != null && id == subscribeId) {
              subscribed = true;
              if (!frame.getBoolean("recovered", false)) {
                epoch = frame.getString("epoch");
                offset = frame.getLong("offset");
              }
              err.println("herald sub: subscribed to " + channel + " at " + epoch + ":" + offset);
              err.flush();
            }
          }
          case "message" -> {
            if (!subscribed || !channel.equals(frame.getString("channel"))) {
              continue;
            }
            String messageEpoch = frame.getString("epoch");
            long messageOffset = frame.getLong("offset");
            if (messageEpoch.equals(epoch) && messageOffset <= offset) {
              continue; // printed already
            }
            boolean inSequence = (messageEpoch.equals(epoch) || offset == 0) && messageOffset == offset + 1;
            if (!inSequence && !gapAccepted) {
              // The node fills its own gaps; should one show, ask again from the position rather than skip.
              subscribed = false;
              socket.sendText(new JsonObject().put("type", "unsubscribe").put("id", nextId++).put("channel", channel).encode(), true);
              subscribeId = nextId++;
              socket.sendText(subscribeFrame(subscribeId), true);
              continue;
            }
            gapAccepted = false;
            epoch = messageEpoch;
            offset = messageOffset;
            out.println(frame.encode());
            out.flush();
            if (count > 0 && ++printed >= count) {
              socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
              return Outcome.exit(0);
            }
          }
          case "error" -> {
            String code = frame.getString("code", "");
            if ("recovery_failed".equals(code)) {
              gapAccepted = true;
              err.println("herald sub: recovery_failed: history no longer holds " + epoch + ":" + offset
                  + "; messages after it are lost; continuing from the latest");
            } else if (id != null && id == subscribeId) {
              err.println("herald sub: subscribe refused: " + code + " " + frame.getString("message", ""));
              if (!"rate_limited".equals(code) && !"internal".equals(code)) {
                return Outcome.exit(1);
              }
              socket.abort();
              return new Outcome(null, 1011, "subscribe " + code, connected);
            }
          }
          case "unsubscribed" -> {
            if (id == null) {
              err.println("herald sub: the node ended the subscription: " + frame.getString("reason", ""));
              return Outcome.exit(1);
            }
          }
          default -> {
          }
        }
      }
    } finally {
      socket.abort();
    }
  }

  private String subscribeFrame(long id) {
    JsonObject frame = new JsonObject().put("type", "subscribe").put("id", id).put("channel", channel);
    if (offset >= 0) {
      frame.put("since", new JsonObject().put("epoch", epoch).put("offset", offset));
    }
    return frame.encode();
  }

  private record Closed(int code, String reason) {
  }

  /** Hands whole text frames and the close to the command's thread. */
  private record Frames(BlockingQueue<Object> events, StringBuilder partial) implements WebSocket.Listener {
    Frames(BlockingQueue<Object> events) {
      this(events, new StringBuilder());
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        events.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      events.add(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      events.add(new Closed(1006, String.valueOf(error.getMessage())));
    }
  }
}
