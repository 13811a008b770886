package io.herald.load.scenario;

import io.herald.load.engine.ClientProcesses;
import io.herald.load.engine.ConnectionShare;
import io.herald.load.engine.Subscribers;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client process of a multi-process {@code connections} run (hidden: the scenario starts it). It
 * speaks {@link ClientProcesses}' line protocol on stdin/stdout: warms up (--warm-up), says READY, opens its share of
 * the connections on GO, prints its {@link ConnectionShare} as RESULT, holds the connections until CLOSE
 * (or stdin ends, or --hold-max-s passes), then closes them and exits.
 */
@Command(name = "connections-client", hidden = true,
    description = "One client process of 'connections --processes N' (started by it; not for direct use).")
public final class ConnectionsClient implements Callable<Integer> {

  @Mixin
  Target target;

  @Mixin
  Ramp ramp;

  @Option(names = "--channel", required = true, description = "The channel (or channel prefix, with --own-channels).")
  String channel;

  @Option(names = "--source-address", description = "Local address the connections leave from (127.0.0.x).")
  String sourceAddress;

  @Mixin
  ChildOptions child = new ChildOptions();

  @Override
  public Integer call() throws Exception {
    BlockingQueue<String> commands = stdinLines();
    Vertx vertx = target.vertx();
    try {
      // This JVM's own warm-up, at its share's rate: a cold client would time its own JIT compilation.
      Target.await(ramp.warmUp(ramp.subscribers(vertx, target, Target.channel("warm-up"), sourceAddress)),
          ramp.warmUpSeconds());
      Subscribers subs = ramp.subscribers(vertx, target, channel, sourceAddress);
      say(ClientProcesses.READY);
      if (!ClientProcesses.GO.equals(commands.poll(child.goWithinS, TimeUnit.SECONDS))) {
        System.err.println("connections-client " + child.process + ": no GO within " + child.goWithinS + " s; exiting");
        return 2;
      }
      ramp.open(subs);
      ConnectionShare share = new ConnectionShare(child.process, ramp.connections, subs.confirmed(), subs.errors(),
          subs.disconnects(), subs.disconnectCodes(), subs.setupTimes());
      say(ClientProcesses.RESULT + " " + share.toJson().encode());
      commands.poll(child.holdMaxS, TimeUnit.SECONDS); // CLOSE, the end of stdin, or the longest hold
      Target.await(subs.close(), 60);
      return 0;
    } finally {
      Target.await(vertx.close(), 30);
    }
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** The lines of stdin, on a daemon thread; its end reads as CLOSE. */
  static BlockingQueue<String> stdinLines() {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line.trim());
        }
      } catch (IOException e) {
        // as the end of stdin
      }
      lines.add(ClientProcesses.CLOSE);
    }, "stdin");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }
}
