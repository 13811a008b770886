package io.herald.gateway.testing;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent events client for tests, over the JDK's HTTP client: it parses the stream as the HTML standard's
 * EventSource does (fields {@code event}, {@code data} joined by line feeds, {@code id}; comment lines kept apart) and
 * hands over each event as it arrives. It does not reconnect: a test reconnects with {@link #lastEventId}.
 */
public final class SseClient implements AutoCloseable {

  /** One event; {@code id} is null when the event had none. */
  public record Event(String type, String id, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** Ends the queue: the stream is over. */
  private static final Event END = new Event("", null, "");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private volatile String lastEventId;
  private boolean ended;

  private SseClient(HttpResponse<InputStream> response) {
    this.response = response;
    if (response.statusCode() == 200) {
      Thread reader = new Thread(this::read, "sse-client");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Opens {@code GET pathAndQuery} on the node at {@code port} with {@code headers}; returns once the head arrived. */
  public static SseClient open(int port, String pathAndQuery, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(request::header);
    try {
      return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static SseClient open(int port, String pathAndQuery) {
    return open(port, pathAndQuery, Map.of());
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The body of a refused request: the HTTP API's JSON error. */
  public JsonObject errorBody() {
    try (InputStream in = response.body()) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The id of the last event that carried one: what an EventSource would send as Last-Event-ID. */
  public String lastEventId() {
    return lastEventId;
  }

  /** The next event (waits up to 30 s); fails if the stream ended first. */
  public Event next() {
    Event e = poll();
    if (e == END) {
      throw new AssertionError("the stream ended");
    }
    return e;
  }

  /** The next event, which must be of {@code type}. */
  public Event next(String type) {
    Event e = next();
    if (!type.equals(e.type())) {
      throw new AssertionError("expected event " + type + ", got " + e);
    }
    return e;
  }

  /** The next comment line's text (waits up to 30 s). */
  public String nextComment() {
    try {
      String c = comments.poll(30, TimeUnit.SECONDS);
      if (c == null) {
        throw new AssertionError("no comment line within 30 s");
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every event until the server ends the stream (waits up to 30 s for each). */
  public List<Event> untilEnd() {
    List<Event> rest = new ArrayList<>();
    for (Event e = poll(); e != END; e = poll()) {
      rest.add(e);
    }
    return rest;
  }

  private Event poll() {
    if (ended) {
      return END;
    }
    try {
      Event e = events.poll(30, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no event within 30 s");
      }
      ended = e == END;
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String type = null;
      String id = null;
      StringBuilder data = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            if (id != null) {
              lastEventId = id;
            }
            events.add(new Event(type == null ? "message" : type, id, data.toString()));
          }
          type = null;
          id = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else {
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          if (value.startsWith(" ")) {
            value = value.substring(1);
          }
          switch (field) {
            case "event" -> type = value;
            case "id" -> id = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> { }
          }
        }
      }
    } catch (IOException e) {
      // closed by the test, or the connection dropped: the stream is over either way
    } finally {
      events.add(END);
    }
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // already closed
    }
  }
}
