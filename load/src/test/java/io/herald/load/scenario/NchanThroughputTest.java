package io.herald.load.scenario;

import io.herald.load.LoadTool;
import io.herald.load.engine.FanoutRun;
import io.herald.load.engine.LocalAudience;
import io.herald.load.engine.Publisher;
import io.herald.load.engine.Subscribers;
import io.herald.load.peer.NchanPeer;
import io.herald.load.peer.NchanProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code throughput --peer nchan} against a real Nchan started with load/peers/nchan/run-nchan.sh: every
 * message reaches every subscriber, counted by the publish index {@code data.i}. Skipped (with the reason)
 * where nginx + libnginx-mod-nchan are not installed; .ci/run installs them.
 */
class NchanThroughputTest {

  @TempDir
  static Path dir;

  static NchanProcess nchan;

  /** Starts Nchan once for the class; each test reports itself skipped, with the reason, if it is not installed. */
  @BeforeEach
  void nchanRunning() throws Exception {
    NchanProcess.assumeInstalled();
    if (nchan == null) {
      nchan = NchanProcess.start(dir.resolve("nchan"));
    }
  }

  @AfterAll
  static void stopNchan() throws Exception {
    if (nchan != null) {
      nchan.close();
    }
  }

  @Test
  void everyMessageReachesEverySubscriberByPublishIndex() throws Exception {
    Path json = dir.resolve("throughput.json");

    // One publish connection: Nchan's order is the order its publishes arrive in, and over several connections
    // a loaded machine can swap two of them, which the ledger (keyed by data.i) rightly counts as out of order.
    int exit = new CommandLine(new LoadTool()).execute("throughput", "--peer", "nchan",
        "--peer-url", nchan.url().toString(), "--subscribers", "20", "--rate", "50", "--duration", "2",
        "--drain-ms", "5000", "--publish-connections", "1", "--json", json.toString());

    assertThat(exit).isZero();
    JsonObject r = new JsonObject(Files.readString(json)).getJsonObject("results");
    assertThat(r.getString("peer")).isEqualTo("nchan");
    assertThat(r.getLong("published")).isEqualTo(100);
    assertThat(r.getLong("expected")).isEqualTo(20 * 100);
    assertThat(r.getLong("delivered")).isEqualTo(20 * 100);
    assertThat(r.getDouble("delivery_rate_pct")).isEqualTo(100.0);
    assertThat(r.getLong("missing")).isZero();
    assertThat(r.getLong("duplicated")).isZero();
    assertThat(r.getLong("out_of_order")).isZero();
    assertThat(r.getLong("publish_errors")).isZero();
    assertThat(r.getLong("not_sent")).isZero();
    assertThat(r.getLong("connection_errors")).isZero();
    assertThat(r.getLong("latency_count")).isEqualTo(20 * 100);
  }

  /** Nchan confirms no subscription: a client process counts a subscriber open once its handshake is done. */
  @Test
  void subscribersInTwoClientProcessesCountByPublishIndexToo() throws Exception {
    Path json = dir.resolve("processes.json");

    int exit = new CommandLine(new LoadTool()).execute("throughput", "--peer", "nchan",
        "--peer-url", nchan.url().toString(), "--subscribers", "6", "--rate", "40", "--duration", "0.5",
        "--publish-connections", "1", "--client-processes", "2", "--peer-pid", String.valueOf(nchan.pid()),
        "--json", json.toString());

    assertThat(exit).isZero();
    JsonObject r = new JsonObject(Files.readString(json)).getJsonObject("results");
    assertThat(r.getInteger("client_processes")).isEqualTo(2);
    assertThat(r.getLong("expected")).isEqualTo(6 * 20);
    assertThat(r.getLong("delivered")).isEqualTo(6 * 20);
    assertThat(r.getLong("missing") + r.getLong("duplicated") + r.getLong("out_of_order")).isZero();
    assertThat(r.getJsonArray("per_process").getJsonObject(0).getLong("delivered")).isEqualTo(3 * 20);
    assertThat(r.containsKey("server_cpu_us_per_delivery")).as("nginx's CPU, from --peer-pid").isTrue();
  }

  /** fanout-max steps the rate on one channel: each step must count its own publish indexes, not restart at 0. */
  @Test
  void consecutiveRunsOnOneChannelCountTheirOwnIndexes() throws Exception {
    Vertx vertx = Vertx.vertx();
    String channel = "load-test-" + System.nanoTime();
    NchanPeer peer = new NchanPeer();
    Subscribers subs = new Subscribers(vertx, List.of(nchan.url()), peer, channel);
    Publisher publisher = new Publisher(vertx, peer, nchan.url(), channel, 1); // one connection: see above
    try {
      Target.await(subs.open(5, 1000), 30);
      for (int run = 1; run <= 2; run++) {
        FanoutRun.Figures f = Target.await(FanoutRun.run(vertx, new LocalAudience(vertx, subs), publisher, 100, 25, 5000), 30);

        assertThat(f.expected()).isEqualTo(5 * 25);
        assertThat(f.delivered()).as("run %d delivered", run).isEqualTo(5 * 25);
        assertThat(f.missing() + f.duplicated() + f.outOfOrder()).as("run %d missing+dup+ooo", run).isZero();
        assertThat(subs.lastOffsetSeen()).as("highest data.i after run %d", run).isEqualTo(run * 25L - 1);
      }
      assertThat(publisher.nextIndex()).isEqualTo(50);
    } finally {
      subs.close();
      publisher.close();
      Target.await(vertx.close(), 30);
    }
  }
}
