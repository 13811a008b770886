package io.herald.node.cli;

import io.herald.node.testing.NodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.herald.node.cli.Cli.herald;
import static io.herald.node.cli.Cli.heraldWithin;
import static io.herald.node.cli.Cli.url;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code herald token} signs what a node requiring tokens accepts; {@code sub} with a refused token ends with 1. */
class TokenCommandTest {

  static final String SECRET = "cli-test-secret-of-at-least-thirty-two-bytes";

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("auth.hmac_secret", SECRET, "auth.required", "true"));

  @Test
  void aSignedTokenSubscribesAndARefusedOneEndsTheCommand() throws Exception {
    Cli.Ran token = herald("token", "--sub", "alice", "--set", "auth.hmac_secret=" + SECRET);
    assertThat(token.exitCode()).as(token.err()).isZero();
    String jwt = token.out().strip();
    assertThat(jwt.split("\\.")).hasSize(3);

    String epoch = node.http().publish("cli:auth", "a").getString("epoch");
    Cli.Ran sub = heraldWithin(30, "sub", "cli:auth", "--since", epoch + ":0", "--count", "1", "--token", jwt,
        "--url", url(node));
    assertThat(sub.exitCode()).as(sub.err()).isZero();
    assertThat(sub.lines()).extracting(m -> m.getValue("data")).containsExactly("a");

    Cli.Ran forged = herald("token", "--sub", "mallory", "--set", "auth.hmac_secret=another-secret-another-secret-another");
    Cli.Ran refused = heraldWithin(30, "sub", "cli:auth", "--count", "1", "--token", forged.out().strip(), "--url", url(node));
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("refused the token").contains("4001 invalid signature");
  }
}
