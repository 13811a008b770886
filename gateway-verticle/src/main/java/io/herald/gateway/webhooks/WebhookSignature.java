package io.herald.gateway.webhooks;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@value #HEADER} header of a webhook POST: {@code sha256=<hex HMAC-SHA256 of the body>} keyed with
 * webhooks.secret, so the backend knows the body came from a node that holds the secret, unchanged.
 */
public final class WebhookSignature {

  public static final String HEADER = "X-Herald-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  /** @param secret webhooks.secret's bytes (UTF-8); not empty */
  public WebhookSignature(byte[] secret) {
    this.key = new SecretKeySpec(secret, ALGORITHM);
  }

  /** The header's value for {@code body}. */
  public String sign(Buffer body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
