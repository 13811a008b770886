package io.herald.gateway.testing;

import io.herald.gateway.GatewayExtension;
import io.herald.gateway.GatewayServices;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A {@link TestGateway} and its client Vertx around the tests (see {@link ServerExtension}). */
public final class GatewayUnderTest extends ServerExtension<TestGateway, GatewayUnderTest> {

  private Function<GatewayServices, List<GatewayExtension>> extensions = services -> List.of();

  private GatewayUnderTest(Map<String, String> settings) {
    super(settings);
  }

  /** A gateway with the default configuration. */
  public static GatewayUnderTest withDefaults() {
    return withSettings(Map.of());
  }

  /** A gateway with the defaults plus {@code settings} (config keys to values). */
  public static GatewayUnderTest withSettings(Map<String, String> settings) {
    return new GatewayUnderTest(settings);
  }

  /** Only the client Vertx; each test starts its gateway with {@link #start(Map)}. */
  public static GatewayUnderTest startedByEachTest() {
    return new GatewayUnderTest(null);
  }

  /** The extensions the gateway mounts, made of its services (GraphQL's tests: {@code GraphQLExtension}). */
  public GatewayUnderTest extensions(Function<GatewayServices, List<GatewayExtension>> extensions) {
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
