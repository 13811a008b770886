package io.herald.node.graphql;

import io.herald.node.testing.Commands;
import io.herald.node.testing.NodeExtension;
import io.herald.node.testing.NodeScripts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Third-party GraphQL clients against a real node: the scripts of {@code interop/graphql-ws} run the
 * {@code graphql-ws} client library ({@code interop.mjs}: subscription, complete, query, mutation) and
 * Apollo Client with its GraphQLWsLink ({@code apollo.mjs}: subscription, query) under Node.js. Each
 * script checks what it receives and ends with a one-line summary and exit code 0. Needs {@code node}
 * and {@code npm} on the PATH ({@code .ci/run} installs them); the packages come from the committed
 * lock file, installed with {@code npm ci} when {@code node_modules} is missing or older than it.
 */
class GraphQLWsInteropTest {

  /** The scripts bound themselves to 20 s; this covers Node's start on a busy machine on top. */
  static final long SCRIPT_TIMEOUT_S = 60;
  static final NodeScripts INTEROP = new NodeScripts("interop/graphql-ws");

  @RegisterExtension
  static final NodeExtension node = NodeExtension.withDefaults();

  @BeforeAll
  static void installPackages() throws Exception {
    INTEROP.installPackages();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "interop.mjs, graphql-ws interop OK: ",
      "apollo.mjs,  apollo interop OK: ",
  })
  void clientLibraryTalksToTheNode(String script, String summary) throws Exception {
    Commands.Run run = INTEROP.run(List.of("node", script, "http://127.0.0.1:" + node.port()), Map.of(), SCRIPT_TIMEOUT_S);

    assertThat(run.exitCode()).as("exit code of node %s; output:%n%s", script, run.output()).isZero();
    assertThat(run.output().lines().filter(line -> line.startsWith(summary)))
        .as("summary line of node %s; output:%n%s", script, run.output())
        .hasSize(1);
  }
}
