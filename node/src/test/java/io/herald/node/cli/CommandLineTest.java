package io.herald.node.cli;

import io.herald.node.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.herald.node.cli.Cli.herald;
import static io.herald.node.cli.Cli.heraldWithin;
import static io.herald.node.cli.Cli.url;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against a real node, run as {@code ./herald} runs it: {@code pub}, {@code sub}, {@code check-config},
 * {@code token} without a secret. {@link SubReconnectTest} and {@link TokenCommandTest} cover the rest.
 */
class CommandLineTest {

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  @Test
  void pubPublishesAndPrintsTheAnswer() {
    Cli.Ran ran = herald("pub", "cli:pub", "{\"text\":\"hi\"}", "--url", url(node));

    assertThat(ran.exitCode()).as(ran.err()).isZero();
    JsonObject answer = new JsonObject(ran.out().strip());
    assertThat(answer.getLong("offset")).isEqualTo(1);
    JsonObject history = node.http().get("/api/channels/cli:pub/history").json();
    assertThat(history.getJsonArray("messages").getJsonObject(0).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("text", "hi"));
  }

  @Test
  void pubSaysWhyWhenRefusedOrGivenBadJson() {
    Cli.Ran refused = herald("pub", "not a channel!", "1", "--url", url(node));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("refused (400)").contains("invalid_channel");

    Cli.Ran badJson = herald("pub", "cli:x", "{nope", "--url", url(node));
    assertThat(badJson.exitCode()).isEqualTo(2);
    assertThat(badJson.err()).contains("not valid JSON");

    Cli.Ran unreachable = herald("pub", "cli:x", "1", "--url", "http://127.0.0.1:1");
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach");
  }

  @Test
  void subPrintsEachMessageAsOneJsonLineFromItsSince() throws Exception {
    String epoch = node.http().publish("cli:sub", 1).getString("epoch");
    node.http().publish("cli:sub", 2);
    node.http().publish("cli:sub", 3);

    Cli.Ran ran = heraldWithin(30, "sub", "cli:sub", "--since", epoch + ":0", "--count", "3", "--url", url(node));

    assertThat(ran.exitCode()).as(ran.err()).isZero();
    assertThat(ran.lines()).extracting(m -> m.getLong("offset")).containsExactly(1L, 2L, 3L);
    assertThat(ran.lines()).extracting(m -> m.getValue("data")).containsExactly(1, 2, 3);
    assertThat(ran.lines()).allSatisfy(m -> assertThat(m.getString("type")).isEqualTo("message"));
    assertThat(ran.err()).contains("subscribed to cli:sub");
  }

  @Test
  void subWithAPositionHistoryNoLongerHoldsSaysSoAndGoesOn() throws Exception {
    node.http().publish("cli:lost", 1);
    Cli.Running sub = Cli.start("sub", "cli:lost", "--since", "gone:1", "--count", "1", "--url", url(node));
    // recovery_failed, then subscribed from the latest offset (1): the next publish is the one printed.
    sub.awaitErr("subscribed to cli:lost", 1);
    JsonObject next = node.http().publish("cli:lost", 2);

    Cli.Ran ran = sub.result(30);
    assertThat(ran.exitCode()).as(ran.err()).isZero();
    assertThat(ran.err()).contains("recovery_failed");
    assertThat(ran.lines()).extracting(m -> m.getLong("offset")).containsExactly(next.getLong("offset"));
  }

  @Test
  void checkConfigSaysOkOrWhyANodeWouldRefuse() {
    Cli.Ran ok = herald("check-config");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("OK (development mode, standalone, port 8080)").contains("warning:");

    Cli.Ran unknown = herald("check-config", "--set", "ws.no_such_setting=1");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("ws.no_such_setting");

    Cli.Ran production = herald("check-config", "--set", "production=true");
    assertThat(production.exitCode()).isEqualTo(2);
    assertThat(production.err()).contains("would refuse to start").contains("production mode:");
  }

  @Test
  void tokenNeedsASecret() {
    Cli.Ran ran = herald("token", "--sub", "alice");
    assertThat(ran.exitCode()).isEqualTo(2);
    assertThat(ran.err()).contains("no auth.hmac_secret");
  }
}
