package io.herald.gateway.webhooks;

import io.herald.core.config.HeraldConfig;
import io.herald.core.webhooks.WebhookEvent.Type;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSettingsTest {

  private static HeraldConfig config(Map<String, String> settings) {
    return HeraldConfig.load(new JsonObject(), Map.of(), settings);
  }

  @Test
  void offByDefaultWithTheOccupancyEvents() {
    HeraldConfig defaults = HeraldConfig.defaults();
    assertThat(WebhookSettings.enabled(defaults)).isFalse();
    assertThat(WebhookSettings.problems(defaults)).isEmpty();
    assertThat(WebhookSettings.from(defaults).events()).containsExactlyInAnyOrder(Type.CHANNEL_OCCUPIED, Type.CHANNEL_VACATED);
  }

  @Test
  void eventTypesAreReadFromACommaSeparatedList() {
    HeraldConfig config = config(Map.of("webhooks.events", " join, leave ,,connect "));
    assertThat(WebhookSettings.from(config).events()).containsExactlyInAnyOrder(Type.JOIN, Type.LEAVE, Type.CONNECT);
    assertThat(WebhookSettings.from(config(Map.of("webhooks.events", ""))).events()).isEmpty();
  }

  @Test
  void eachProblemIsNamed() {
    assertThat(WebhookSettings.problems(config(Map.of("webhooks.events", "Join"))))
        .as("an unknown type, even with webhooks off").singleElement().asString().contains("webhooks.events", "\"Join\"");
    assertThat(WebhookSettings.problems(config(Map.of("webhooks.url", "http://backend/hooks"))))
        .singleElement().asString().startsWith("webhooks.secret");
    assertThat(WebhookSettings.problems(config(Map.of("webhooks.url", "/hooks", "webhooks.secret", "s"))))
        .singleElement().asString().startsWith("webhooks.url");
    assertThat(WebhookSettings.problems(config(Map.of("webhooks.url", "https://backend:8443/hooks", "webhooks.secret", "s"))))
        .isEmpty();
  }
}
