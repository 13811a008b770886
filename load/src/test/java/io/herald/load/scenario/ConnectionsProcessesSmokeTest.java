package io.herald.load.scenario;

import io.herald.load.SmokeNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code connections} spread over two child JVMs of the tool (50 connections each, from two loopback
 * source addresses) against a node in this JVM, heap read after a GC of this JVM: the parent adds the
 * children's counts and histograms up, and the server saw every connection while they were held.
 */
class ConnectionsProcessesSmokeTest {

  @RegisterExtension
  static final SmokeNode NODE = new SmokeNode();

  @TempDir
  Path dir;

  @Test
  void twoClientProcessesHoldFiftyConnectionsEach() throws Exception {
    JsonObject r = NODE.run(dir.resolve("connections.json"), "connections", "--connections", "100",
        "--connect-rate", "500", "--processes", "2", "--source-addresses", "127.0.0.1,127.0.0.2",
        "--server-pid", String.valueOf(ProcessHandle.current().pid()));
    assertThat(r.getInteger("client_processes")).isEqualTo(2);
    assertThat(r.getLong("subscribed")).isEqualTo(100);
    assertThat(r.getLong("errors") + r.getLong("error_events") + r.getLong("client_disconnects")).isZero();
    assertThat(r.getLong("connect_count")).isEqualTo(100);
    assertThat(r.getDouble("connect_max_ms")).isGreaterThanOrEqualTo(r.getDouble("connect_p99_ms"));
    assertThat(r.getLong("server_connections_before")).isZero();
    assertThat(r.getLong("server_connections_active")).isEqualTo(100);
    assertThat(r.getLong("held")).isEqualTo(100);
    assertThat(r.getJsonObject("client_disconnect_codes")).isEmpty();
    assertThat(r.getString("heap_reading")).isEqualTo("after_gc");
    JsonArray perProcess = r.getJsonArray("per_process");
    assertThat(perProcess).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonObject p = perProcess.getJsonObject(i);
      assertThat(p.getInteger("process")).isEqualTo(i);
      assertThat(p.getLong("connections")).isEqualTo(50);
      assertThat(p.getLong("subscribed")).isEqualTo(50);
    }
  }

  @Test
  void aSourceAddressOffLoopbackIsRefused() {
    assertThat(io.herald.load.LoadTool.commandLine().execute("connections", "--connections", "2", "--processes", "2",
        "--source-addresses", "10.0.0.1", "--url", NODE.url())).isEqualTo(2);
  }
}
