package io.herald.gateway.testing;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CompletableFuture;

/** A real HTTP client for the node's API; every call waits for the whole response. */
public final class HttpApiClient {

  /** Status and body of a response. */
  public record Response(int status, Buffer body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final String host;
  private final int port;
  private final long timeoutMs;

  public HttpApiClient(Vertx vertx, int port) {
    this(vertx, "127.0.0.1", port, 0);
  }

  /** A client of the node at {@code host}; {@code timeoutMs} bounds each request (0: only by the 30-s wait). */
  public HttpApiClient(Vertx vertx, String host, int port, long timeoutMs) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  public Response post(String path, JsonObject body) {
    return request(HttpMethod.POST, path, body.toBuffer(), null);
  }

  public Response post(String path, Buffer body, String apiKey) {
    return request(HttpMethod.POST, path, body, apiKey);
  }

  public Response get(String path) {
    return request(HttpMethod.GET, path, null, null);
  }

  public Response request(HttpMethod method, String path, Buffer body, String apiKey) {
    return TestServer.await(requestAsync(method, path, body, apiKey));
  }

  /** A POST of {@code body} not waited for: for requests that must be in flight together. */
  public CompletableFuture<Response> postAsync(String path, JsonObject body) {
    return requestAsync(HttpMethod.POST, path, body.toBuffer(), null);
  }

  private CompletableFuture<Response> requestAsync(HttpMethod method, String path, Buffer body, String apiKey) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path);
    if (timeoutMs > 0) {
      options.setTimeout(timeoutMs);
    }
    if (apiKey != null) {
      options.putHeader("Authorization", "Bearer " + apiKey);
    }
    // The whole exchange runs on one event-loop context: chained from the calling thread, the
    // response (and its body) could arrive before resp.body() is asked for, and the call would hang.
    Promise<Response> response = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> client.request(options)
        .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body))
        .compose(resp -> resp.body().map(b -> new Response(statusOf(resp), b)))
        .onComplete(response));
    return response.future().toCompletionStage().toCompletableFuture();
  }

  private static int statusOf(HttpClientResponse resp) {
    return resp.statusCode();
  }

  /** Publishes and returns the reply ({@code channel, epoch, offset}). */
  public JsonObject publish(String channel, Object data) {
    Response r = post("/api/publish", new JsonObject().put("channel", channel).put("data", data));
    if (r.status() != 200) {
      throw new AssertionError("publish failed: " + r.status() + " " + r.body());
    }
    return r.json();
  }
}
