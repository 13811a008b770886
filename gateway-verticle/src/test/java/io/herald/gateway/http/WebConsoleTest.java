package io.herald.gateway.http;

import io.herald.gateway.testing.TestGatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console at {@code GET /}: its files come from the jar with a Content-Security-Policy of this origin only and
 * revalidating cache headers; {@code console.enabled=false} turns it off (404), and so does production mode unless
 * the setting is true explicitly.
 */
class WebConsoleTest {

  private static final String SECRET = "production-secret-0123456789abcdef";
  private static final Map<String, String> PRODUCTION = Map.of("production", "true", "api.key", "k", "auth.hmac_secret", SECRET);

  @RegisterExtension
  final TestGatewayExtension node = TestGatewayExtension.startedByEachTest();

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void theRootServesThePageWithAContentSecurityPolicyOfThisOriginOnly() {
    node.start(Map.of());
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
    assertThat(page.body()).contains("<title>Herald console</title>").contains("src=\"/console/console.js\"");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
        .contains("connect-src 'self' ws://127.0.0.1:" + node.port() + " wss://127.0.0.1:" + node.port() + ";")
        .doesNotContain("unsafe");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("Last-Modified")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/console/console.js", "/console/sdk/index.js", "/console/sdk/herald.js"})
  void scriptsComeFromTheJarAsJavaScriptAndRevalidate(String path) throws IOException {
    node.start(Map.of());
    HttpResponse<String> script = get(path);

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
    assertThat(script.headers().firstValue("Content-Security-Policy")).isPresent();
    try (InputStream resource = getClass().getResourceAsStream(path)) {
      assertThat(resource).as("the classpath resource").isNotNull();
      assertThat(script.body()).isEqualTo(new String(resource.readAllBytes(), StandardCharsets.UTF_8));
    }
    String lastModified = script.headers().firstValue("Last-Modified").orElseThrow();
    assertThat(get(path, "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
  }

  @Test
  void pathsOutsideTheConsoleAreNotServed() {
    node.start(Map.of());

    assertThat(get("/console/missing.js").statusCode()).isEqualTo(404);
    assertThat(get("/console/../../pom.xml").statusCode()).isEqualTo(404);
    assertThat(get("/index.html").statusCode()).isEqualTo(404);
  }

  @Test
  void consoleEnabledFalseTurnsItOff() {
    node.start(Map.of("console.enabled", "false"));

    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/console/console.js").statusCode()).isEqualTo(404);
  }

  @Test
  void productionModeTurnsItOffByDefault() {
    node.start(PRODUCTION);

    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/console/sdk/index.js").statusCode()).isEqualTo(404);
  }

  @Test
  void productionModeServesItWhenSetExplicitly() {
    Map<String, String> settings = new HashMap<>(PRODUCTION);
    settings.put("console.enabled", "true");
    node.start(settings);

    assertThat(get("/").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
