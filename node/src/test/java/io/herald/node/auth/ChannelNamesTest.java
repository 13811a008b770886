package io.herald.node.auth;

import io.herald.gateway.testing.HttpApiClient.Response;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The channel-name extensions that carry permissions: a leading {@code $} (private) and a namespaced
 * name's {@code #user1,user2} suffix (user-limited) are valid names; malformed uses stay {@code invalid_channel}.
 */
class ChannelNamesTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  private static Response publish(String channel) {
    return node.http().post("/api/publish", new JsonObject().put("channel", channel).put("data", 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"$private:room", "$x", "chat:dm#alice,bob", "chat:dm#alice", "$private:dm#a.b@c,d-e", "ns:#u"})
  void permissionCarryingNamesAreValid(String channel) {
    assertThat(publish(channel).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"$", "$$x", "a$b", "room#alice", "a#b", "chat:dm#", "chat:dm#alice,,bob", "chat:dm#alice,",
      "chat:dm#al ice", "chat:dm#a#b", "chat:dm#a:b", "chat:x,y"})
  void malformedUsesAreInvalidChannels(String channel) {
    Response r = publish(channel);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_channel");
  }
}
