package io.herald.node.hostile;

import io.herald.gateway.testing.HttpApiClient;
import io.herald.gateway.testing.WsClient;
import io.herald.node.testing.NodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random fuzzing of the HTTP API's body and query parsing (and POST /graphql's) for
 * {@code -Dherald.fuzz.seconds} (default 10): bodies almost right for their endpoint, mutated and truncated
 * JSON, deep nesting, huge numbers and strings, invalid UTF-8, bodies over http.max_body_bytes, odd query
 * parameters and path segments, other methods. Every answer must be 2xx or a documented 4xx, and every
 * /api error the documented {@code {"error":{"code","message"}}} with a documented code; never a 5xx. The seed
 * is printed; {@code -Dherald.fuzz.seed=<seed>} replays it. Afterwards a well-behaved client is served.
 */
class FuzzHttpApiTest {

  static final long SECONDS = Long.getLong("herald.fuzz.seconds", 10);
  static final long SEED = Long.getLong("herald.fuzz.seed", System.nanoTime());

  private static final Set<Integer> STATUSES = Set.of(200, 400, 404, 405, 409, 413, 415);
  /**
   * Refused by the HTTP codec before any route (request line over 4,096 bytes, headers over 8 KiB): these
   * have an empty body, not the API's error object (docs/security.md).
   */
  private static final Set<Integer> CODEC_STATUSES = Set.of(414, 431);
  private static final Set<String> ERROR_CODES = Set.of("bad_request", "invalid_channel", "not_found",
      "method_not_allowed", "recovery_failed", "message_too_large", "unsupported_media_type");
  private static final String[] POSTS = {"/api/publish", "/api/broadcast", "/api/disconnect", "/api/unsubscribe", "/graphql"};
  private static final String[] FIELDS = {"channel", "channels", "data", "client", "user", "query", "variables",
      "operationName"};

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withSettings(Map.of("http.max_body_bytes", "100000"));

  private final HostileInput input = new HostileInput(SEED);
  private final Map<String, Integer> stats = new TreeMap<>();

  @Test
  void randomRequestsGetOnlyDocumentedAnswersAndTheNodeServesOn() {
    System.out.println("FuzzHttpApiTest: seed " + SEED + " (-Dherald.fuzz.seed=" + SEED + "), " + SECONDS + " s");
    HttpApiClient http = node.newHttp();
    long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
    int requests = 0;
    String last = null;
    try {
      while (System.nanoTime() < deadline) {
        requests++;
        HttpMethod method;
        String path;
        Buffer body = null;
        switch (input.nextInt(10)) {
          case 0, 1 -> {
            method = HttpMethod.GET;
            path = query();
          }
          case 2 -> {
            method = input.pick(new HttpMethod[] {HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.GET});
            path = input.pick(POSTS);
            body = Buffer.buffer(input.request());
          }
          default -> {
            method = HttpMethod.POST;
            path = input.pick(POSTS);
            body = body();
          }
        }
        last = method + " " + abbreviated(path) + (body == null ? "" : " (" + body.length() + " bytes)");
        check(path, http.request(method, path, body, null));
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("fuzz failed with seed " + SEED + " at request " + requests + " (" + last + "): "
          + e.getMessage(), e);
    } finally {
      System.out.println("FuzzHttpApiTest: " + requests + " requests, statuses " + stats);
    }
    assertWellBehavedClientIsServed();
  }

  private void check(String path, HttpApiClient.Response response) {
    stats.merge(path.replaceAll("\\?.*", "").replaceAll("/api/channels/.+/", "/api/channels/*/") + " " + response.status(),
        1, Integer::sum);
    if (CODEC_STATUSES.contains(response.status())) {
      assertThat(path.length()).as("only a long request line gets %d", response.status()).isGreaterThan(4_000);
      return;
    }
    assertThat(response.status()).as("status of %s: %s", abbreviated(path), response.body()).isIn(STATUSES);
    if (response.status() != 200 && path.startsWith("/api/")) {
      JsonObject error = response.json().getJsonObject("error");
      assertThat(error).as("error body %s", response.body()).isNotNull();
      assertThat(error.getString("code")).isIn(ERROR_CODES);
      assertThat(error.getString("message")).isNotNull();
    } else if (path.startsWith("/graphql")) {
      assertThat(response.json()).as("GraphQL answers JSON").isNotNull();
    }
  }

  private static String abbreviated(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
  }

  /** A body for a POST: an object of the endpoints' fields, or something worse. */
  private Buffer body() {
    return switch (input.nextInt(9)) {
      case 0, 1, 2 -> Buffer.buffer(fields());
      case 3 -> Buffer.buffer(input.mutate(fields()));
      case 4 -> Buffer.buffer(input.nested(1 + input.nextInt(20_000)));
      case 5 -> Buffer.buffer(input.value(4));
      case 6 -> Buffer.buffer(input.bytes(input.nextInt(300)));
      case 7 -> Buffer.buffer("{\"channel\":\"fuzz\",\"data\":" + HostileInput.quoted(input.string(input.nextInt(120_000))) + "}");
      default -> Buffer.buffer(input.nextInt(2) == 0 ? "" : "{\"channel\":\"fuzz\",\"data\":" + input.hugeNumber() + "}");
    };
  }

  private String fields() {
    StringBuilder b = new StringBuilder("{");
    int n = 1 + input.nextInt(3);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append(HostileInput.quoted(input.pick(FIELDS))).append(':').append(input.value(2));
    }
    return b.append('}').toString();
  }

  /** A GET with odd path segments and query parameters. */
  private String query() {
    String channel = switch (input.nextInt(4)) {
      case 0 -> "fuzz";
      case 1 -> URLEncoder.encode(input.string(input.nextInt(300)), StandardCharsets.UTF_8);
      case 2 -> "%" + input.string(2).replaceAll("[^A-Za-z0-9]", "Z");
      default -> URLEncoder.encode(input.value(1), StandardCharsets.UTF_8);
    };
    String param = URLEncoder.encode(input.nextInt(2) == 0 ? input.value(0) : input.hugeNumber(), StandardCharsets.UTF_8);
    return switch (input.nextInt(4)) {
      case 0 -> "/api/channels?prefix=" + param;
      case 1 -> "/api/channels/" + channel + "/presence";
      case 2 -> "/api/info?" + param;
      default -> "/api/channels/" + channel + "/history?" + input.pick(new String[] {"since_offset", "limit", "epoch"}) + "="
          + param + "&" + input.pick(new String[] {"since_offset", "limit", "epoch"}) + "=" + param;
    };
  }

  private static void assertWellBehavedClientIsServed() {
    try (WsClient subscriber = node.connect()) {
      assertThat(subscriber.subscribe(1, "after-http-fuzz").getString("type")).isEqualTo("subscribed");
      assertThat(node.http().publish("after-http-fuzz", "fine").getLong("offset")).isPositive();
      assertThat(subscriber.next("message").getString("data")).isEqualTo("fine");
    }
  }
}
