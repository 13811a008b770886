package io.herald.gateway.webhooks;

import io.herald.core.RandomIds;
import io.herald.core.webhooks.WebhookEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Events sent in one POST, encoded and signed once: every retry sends the same bytes, so each event keeps its
 * {@code id} and a backend can de-duplicate what a retry repeats.
 */
final class WebhookBatch {

  final Buffer body;
  final String signature;
  final int size;
  /** When the oldest event of the batch happened (epoch µs): the delivery latency runs from it. */
  final long oldestMicros;

  WebhookBatch(List<WebhookEvent> events, WebhookSignature signer) {
    JsonArray encoded = new JsonArray();
    long oldest = Long.MAX_VALUE;
    for (WebhookEvent e : events) {
      encoded.add(encode(e));
      oldest = Math.min(oldest, e.tsMicros());
    }
    this.body = new JsonObject().put("events", encoded).toBuffer();
    this.signature = signer.sign(body);
    this.size = events.size();
    this.oldestMicros = oldest;
  }

  /** {@code {"id", "type", "channel"?, "client"?, "user"?, "ts"}}: absent fields are the ones an event does not have. */
  private static JsonObject encode(WebhookEvent e) {
    JsonObject json = new JsonObject().put("id", RandomIds.next(20)).put("type", e.type().wire());
    if (e.channel() != null) {
      json.put("channel", e.channel());
    }
    if (e.client() != null) {
      json.put("client", e.client());
    }
    if (e.user() != null) {
      json.put("user", e.user());
    }
    return json.put("ts", e.ts());
  }
}
