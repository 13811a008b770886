package io.herald.node.cluster;

import com.hazelcast.config.Config;
import io.herald.broker.cluster.MemberIds;
import io.herald.core.Addresses;
import io.herald.core.PublishRequest;
import io.herald.core.SequencerOp;
import io.herald.core.codec.Codecs;
import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.k8s.Manifests;
import io.herald.node.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event-bus TLS between members ({@code cluster.tls.*}): members with certificates of the cluster's CA
 * deliver across nodes, and a process that joined the Hazelcast cluster (which Hazelcast OSS cannot
 * prevent: anyone reaching the member port joins) cannot get a publish into a node's sequencer over the
 * bus unless it holds a certificate of that CA. The forger is a Vert.x instance clustered through
 * Hazelcast as a lite member (it owns no partitions), sending the request a member's gateway would send.
 */
class ClusterBusTlsTest {

  @TempDir
  static Path dir;
  private static ClusterCertificates cluster;
  private static ClusterCertificates rogue;
  private static Vertx client;

  @BeforeAll
  static void certificates() {
    cluster = ClusterCertificates.create(dir, "cluster");
    rogue = ClusterCertificates.create(dir, "rogue");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close();
  }

  @Test
  void membersWithCertificatesOfTheClusterCaDeliverAcrossNodes() {
    int memberPort = NodeProcess.freePortRange();
    String name = "tls-" + UUID.randomUUID();
    try (TestNode a = startMember(name, memberPort, true); TestNode b = startMember(name, memberPort, true)) {
      assertThat(a.node().members()).isEqualTo(2);
      String channel = "tls:" + UUID.randomUUID();
      try (WsClient onA = a.connect(client); WsClient onB = b.connect(client)) {
        onA.subscribe(1, channel);
        onB.subscribe(1, channel);
        b.http(client).publish(channel, new JsonObject().put("n", 1));
        a.http(client).publish(channel, new JsonObject().put("n", 2));

        for (WsClient ws : List.of(onA, onB)) {
          assertThat(ws.next("message").getJsonObject("data").getInteger("n")).isEqualTo(1);
          assertThat(ws.next("message").getJsonObject("data").getInteger("n")).isEqualTo(2);
        }
      }
    }
  }

  /** The forger's bus: plain, or TLS with a certificate of the cluster's CA or of another one. */
  enum Forger { PLAIN, OTHER_CA, CLUSTER_CA }

  @ParameterizedTest(name = "cluster TLS {0}, forger {1}: {2}")
  @CsvSource({
      "false, PLAIN,      sequenced",  // without TLS whoever joins Hazelcast can publish (documented)
      "true,  PLAIN,      refused",
      "true,  OTHER_CA,   refused",    // trusts the cluster's CA, but its own certificate is not the cluster's
      "true,  CLUSTER_CA, sequenced",  // control: it is the CA that admits a member
  })
  void aProcessThatJoinedHazelcastCanPublishOverTheBusOnlyWithACertificateOfTheClusterCa(boolean tls, Forger forger,
                                                                                        String outcome) throws Exception {
    int memberPort = NodeProcess.freePortRange();
    String name = "forge-" + UUID.randomUUID();
    String channel = "forged:" + UUID.randomUUID();
    try (TestNode node = startMember(name, memberPort, tls)) {
      HazelcastClusterManager manager = new HazelcastClusterManager(liteMember(name, memberPort));
      Vertx attacker = Vertx.builder().with(new VertxOptions().setEventBusOptions(bus(forger)))
          .withClusterManager(manager).buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      try {
        Codecs.register(attacker.eventBus());
        String target = manager.getHazelcastInstance().getCluster().getMembers().stream()
            .filter(m -> !m.isLiteMember()).map(MemberIds::of).findFirst().orElseThrow();

        Future<?> reply = attacker.eventBus().request(Addresses.sequencerShard(target, 0),
            new PublishRequest(channel, Buffer.buffer("{\"forged\":true}")),
            new DeliveryOptions().setSendTimeout(5_000).addHeader(SequencerOp.HEADER, SequencerOp.PUBLISH.name()));
        boolean answered = reply.toCompletionStage().toCompletableFuture().handle((r, t) -> t == null).get(30, TimeUnit.SECONDS);

        long sequenced = history(node.http(client), channel);
        if (outcome.equals("sequenced")) {
          assertThat(answered).isTrue();
          assertThat(sequenced).isEqualTo(1);
        } else {
          assertThat(answered).as("the forged publish got no answer").isFalse();
          assertThat(sequenced).as("nothing was sequenced").isZero();
        }
      } finally {
        attacker.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static TestNode startMember(String name, int memberPort, boolean tls) {
    Map<String, String> settings = new HashMap<>(Map.of("cluster", "true", "cluster.name", name,
        "cluster.port", Integer.toString(memberPort), "cluster.members", "127.0.0.1:" + memberPort));
    if (tls) {
      settings.putAll(cluster.settings());
    }
    return TestNode.start(settings);
  }

  /** A Hazelcast member that holds no data, joining like any member: the cluster name is its only check. */
  private static Config liteMember(String name, int memberPort) throws Exception {
    Config config = Config.loadFromFile(Manifests.ROOT.resolve("cluster.xml").toFile());
    config.setClusterName(name).setLiteMember(true);
    config.getNetworkConfig().setPort(memberPort).getJoin().getTcpIpConfig().setMembers(List.of("127.0.0.1:" + memberPort));
    return config;
  }

  private static EventBusOptions bus(Forger forger) {
    EventBusOptions options = new EventBusOptions().setHost("127.0.0.1");
    ClusterCertificates own = forger == Forger.CLUSTER_CA ? cluster : rogue;
    if (forger != Forger.PLAIN) {
      options.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(own.key().toString()).setCertPath(own.cert().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(cluster.ca().toString()).addCertPath(rogue.ca().toString()));
    }
    return options;
  }

  /** The channel's latest offset on the node: 0 while nothing was sequenced. */
  private static long history(HttpApiClient http, String channel) {
    return http.get("/api/channels/" + channel + "/history").json().getLong("offset");
  }
}
