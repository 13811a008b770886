package io.herald.gateway.testing;

import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayServices;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A {@link TestGateway} and its client Vertx around the tests (see {@link ServerExtension}). */
public final class TestGatewayExtension extends ServerExtension<TestGateway, TestGatewayExtension> {

  private Function<GatewayServices, List<GatewayExtension>> extensions = services -> List.of();

  private TestGatewayExtension(Map<String, String> settings) {
    super(settings);
  }

  /** A gateway with the default configuration. */
  public static TestGatewayExtension withDefaults() {
    return withSettings(Map.of());
  }

  /** A gateway with the defaults plus {@code settings} (config keys to values). */
  public static TestGatewayExtension withSettings(Map<String, String> settings) {
    return new TestGatewayExtension(settings);
  }

  /** Only the client Vertx; each test starts its gateway with {@link #start(Map)}. */
  public static TestGatewayExtension startedByEachTest() {
    return new TestGatewayExtension(null);
  }

  /** The extensions the gateway mounts, made of its services (GraphQL's tests: {@code GraphQLExtension}). */
  public TestGatewayExtension extensions(Function<GatewayServices, List<GatewayExtension>> extensions) {
    this.extensions = extensions;
    return this;
  }

  @Override
  protected TestGateway startServer(Map<String, String> settings, JsonObject namespaces) {
    return TestGateway.start(settings, namespaces, extensions);
  }

  /** The gateway under test (its services, Vertx, ...). */
  public TestGateway gateway() {
    return server();
  }
}
