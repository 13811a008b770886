package io.herald.load.peer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nchan's side of the load tool: its publish request and answers, and how a subscriber reads its raw frames. */
class NchanPeerTest {

  private static final URI NODE = URI.create("http://127.0.0.1:8081");
  private final NchanPeer nchan = new NchanPeer();

  @Test
  void measuredFrameIsKeyedByThePublishIndex() {
    Peer.Frame frame = nchan.parse("{\"t\":1700000000123456,\"i\":41}", "c");

    assertThat(frame.type()).isEqualTo(Peer.Frame.Type.MESSAGE);
    assertThat(frame.key()).isEqualTo(41);
    assertThat(frame.data()).isEqualTo(new JsonObject().put("t", 1700000000123456L).put("i", 41));
  }

  @Test
  void markerIsAMessageWithoutSendTime() {
    Peer.Frame frame = nchan.parse("{\"marker\":true}", "c");

    assertThat(frame.type()).isEqualTo(Peer.Frame.Type.MESSAGE);
    assertThat(frame.data()).isInstanceOfSatisfying(JsonObject.class, d -> assertThat(d.containsKey("t")).isFalse());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "", "[1,2]", "42", "\"text\"", "{\"t\":1}", "{\"t\":1,\"i\":\"x\"}",
      "{\"t\":\"x\",\"i\":1}"})
  void anythingElseIsAnError(String text) {
    assertThat(nchan.parse(text, "c").type()).isEqualTo(Peer.Frame.Type.ERROR);
  }

  @Test
  void countsByPublishIndexWithoutSubscribeConfirmation() {
    assertThat(nchan.keysByOffset()).isFalse();
    assertThat(nchan.confirmsSubscription()).isFalse();
    assertThat(nchan.openingFrames("c")).isEmpty();
  }

  @Test
  void publishesTheRawDataToPubWithTheChannelAsId() {
    assertThat(nchan.publishRequest(NODE, "load-throughput-1").getURI()).isEqualTo("/pub?id=load-throughput-1");
    assertThat(nchan.publishRequest(NODE, "a b:c").getURI()).isEqualTo("/pub?id=a+b%3Ac");
    assertThat(nchan.publishRequest(NODE, "c").getMethod()).isEqualTo(HttpMethod.POST);
    assertThat(nchan.publishRequest(NODE, "c").getPort()).isEqualTo(8081);
    assertThat(nchan.publishBody("c", "{\"t\":1,\"i\":2}").toString()).isEqualTo("{\"t\":1,\"i\":2}");
  }

  @Test
  void subscribesOnSubChannel() {
    assertThat(nchan.subscribeOptions(NODE, "load-throughput-1").getURI()).isEqualTo("/sub/load-throughput-1");
    assertThat(nchan.subscribeOptions(NODE, "c").getHost()).isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 202})
  void createdAndAcceptedArePublished(int status) {
    assertThat(nchan.publishAnswer(status, Buffer.buffer("queued messages: 1\n"))).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 400, 403, 404, 413, 500, 507})
  void otherStatusesAreFailedPublishes(int status) {
    assertThatThrownBy(() -> nchan.publishAnswer(status, Buffer.buffer("no")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(String.valueOf(status));
  }

  @Test
  void readsSharedMemoryFromTheStubStatus() {
    String page = "total published messages: 3\nstored messages: 3\nshared memory used: 52K\n"
        + "shared memory limit: 131072K\nchannels: 1\n";

    assertThat(NchanStatus.sharedMemoryUsedBytes(page)).isEqualTo(52 * 1024);
    assertThat(NchanStatus.sharedMemoryUsedBytes("channels: 1\n")).isEqualTo(-1);
    assertThat(NchanStatus.sharedMemoryUsedBytes("shared memory used: lots\n")).isEqualTo(-1);
  }

  @Test
  void peerNamesAreLowerCase() {
    assertThat(Peer.Kind.parse("nchan")).isEqualTo(Peer.Kind.NCHAN);
    assertThat(Peer.Kind.parse("Herald")).isEqualTo(Peer.Kind.HERALD);
    assertThatThrownBy(() -> Peer.Kind.parse("centrifugo")).isInstanceOf(IllegalArgumentException.class);
  }
}
