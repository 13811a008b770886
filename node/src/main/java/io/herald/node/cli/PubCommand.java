package io.herald.node.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code herald pub CHANNEL JSON}: one message through {@code POST /api/publish}; prints the node's answer. */
@Command(name = "pub", mixinStandardHelpOptions = true,
    description = "Publishes one message (JSON) on a channel through the node's HTTP API and prints the answer "
        + "({\"channel\",\"epoch\",\"offset\"}). Exit 0 when published, 1 when refused or unreachable.")
public final class PubCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CHANNEL")
  String channel;

  @Parameters(index = "1", paramLabel = "JSON", description = "The message's data, any JSON value, e.g. '{\"text\":\"hi\"}'.")
  String data;

  @Mixin
  ServerOptions server;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Object value;
    try {
      value = Json.decodeValue(data);
    } catch (DecodeException e) {
      spec.commandLine().getErr().println("herald pub: JSON is not valid JSON: " + data);
      return 2;
    }
    String body = new JsonObject().put("channel", channel).put("data", value).encode();
    HttpRequest request = server.request("/api/publish").timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("herald pub: cannot reach " + server.base() + ": " + e.getMessage());
      return 1;
    }
    if (response.statusCode() != 200) {
      spec.commandLine().getErr().println("herald pub: refused (" + response.statusCode() + "): " + response.body());
      return 1;
    }
    spec.commandLine().getOut().println(response.body().strip());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
