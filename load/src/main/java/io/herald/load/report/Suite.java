package io.herald.load.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runs {@code herald load report} makes (suite.json beside this class): each is a scenario with
 * its arguments at the report's scale ({@code report}, usually none: the defaults are that scale),
 * at a large scale ({@code large}) and for a seconds-long smoke run ({@code quick}). A run without
 * arguments for a scale is not made at that scale. A {@code peer} run compares Herald with Nchan: it is
 * given {@code --peer-url}, or left out (see {@code report --skip-peers}).
 */
public final class Suite {

  /** One run of a scenario; {@code id} names it in the report and in the targets file. */
  public record Run(String id, String scenario, boolean peer, JsonObject argsByScale) {
    public Optional<List<String>> args(String scale) {
      JsonArray args = argsByScale.getJsonArray(scale);
      return args == null ? Optional.empty() : Optional.of(args.stream().map(String::valueOf).toList());
    }
  }

  private final List<Run> runs;

  private Suite(List<Run> runs) {
    this.runs = List.copyOf(runs);
  }

  public List<Run> runs() {
    return runs;
  }

  public static Suite parse(String json) {
    JsonArray array = new JsonArray(json);
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject r = array.getJsonObject(i);
      runs.add(new Run(r.getString("run"), r.getString("scenario"), r.getBoolean("peer", false),
          r.getJsonObject("args")));
    }
    return new Suite(runs);
  }

  public static Suite standard() {
    try (InputStream in = Suite.class.getResourceAsStream("suite.json")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
