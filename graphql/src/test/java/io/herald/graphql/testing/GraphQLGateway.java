package io.herald.graphql.testing;

import io.herald.gateway.testing.TestGateway;
import io.herald.gateway.testing.TestGatewayExtension;
import io.herald.graphql.GraphQLExtension;

import java.util.List;
import java.util.Map;

/**
 * The gateway with GraphQL mounted ({@code /graphql}, graphql-transport-ws, GraphiQL), as a node serves it: the
 * gateway's {@link TestGateway} with a {@link GraphQLExtension} of its services. This module's tests cannot start
 * {@code HeraldNode}: {@code node} depends on this module.
 */
public final class GraphQLGateway {

  private GraphQLGateway() {
  }

  /** A gateway with GraphQL and the default configuration. */
  public static TestGatewayExtension withDefaults() {
    return withSettings(Map.of());
  }

  /** A gateway with GraphQL and the defaults plus {@code settings} (config keys to values). */
  public static TestGatewayExtension withSettings(Map<String, String> settings) {
    return TestGatewayExtension.withSettings(settings).extensions(services -> List.of(new GraphQLExtension(services)));
  }

  /** Only the client Vertx; each test starts its gateway (with GraphQL) with {@code start(Map)}. */
  public static TestGatewayExtension startedByEachTest() {
    return TestGatewayExtension.startedByEachTest().extensions(services -> List.of(new GraphQLExtension(services)));
  }
}
