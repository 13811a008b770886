package io.herald.gateway.webhooks;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

  @Test
  void theSignatureIsTheHexHmacSha256OfTheBody() {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    WebhookSignature signature = new WebhookSignature("Jefe".getBytes(StandardCharsets.UTF_8));
    assertThat(signature.sign(Buffer.buffer("what do ya want for nothing?")))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
