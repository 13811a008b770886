package io.herald.load.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the Markdown report: the facts of the run, the targets with a PASS/FAIL column, then each
 * run's figures and charts (SVG files beside the Markdown, named after it).
 */
public final class ReportWriter {

  private final Path markdown;
  private final String stem;
  private final Targets targets;
  private final Map<Targets.Status, Integer> tally = new EnumMap<>(Targets.Status.class);

  public ReportWriter(Path markdown, Targets targets) {
    this.markdown = markdown;
    String name = markdown.getFileName().toString();
    this.stem = name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
    this.targets = targets;
  }

  /** A file beside the Markdown, named after it: {@code <stem>-<suffix>} (a run's JSON, a chart). */
  public Path file(String suffix) {
    return markdown.toAbsolutePath().getParent().resolve(stem + "-" + suffix);
  }

  /** Writes the report and its charts; {@code facts} are the bullet lines under the title. */
  public void write(List<String> facts, List<Outcome> outcomes) throws IOException {
    Files.createDirectories(markdown.toAbsolutePath().getParent());
    StringBuilder md = new StringBuilder("# Herald load report\n\n");
    facts.forEach(f -> md.append("- ").append(f).append('\n'));
    md.append("\n## Targets\n\n");
    targetTable(md, outcomes);
    md.append("\n## Runs\n\n| run | scenario | scale | result | seconds |\n|---|---|---|---|---|\n");
    for (Outcome o : outcomes) {
      md.append(row(o.run(), o.scenario(), o.scale(), o.status(), String.format(Locale.ROOT, "%.1f", o.seconds())));
    }
    for (Outcome o : outcomes) {
      if (o.ran()) {
        runSection(md, o);
      }
    }
    Files.writeString(markdown, md.toString());
  }

  private void targetTable(StringBuilder md, List<Outcome> outcomes) {
    md.append("| measurement | run | scale | report's figure | target | measured | result |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Targets.Goal goal : targets.goals()) {
      boolean any = false;
      for (Outcome o : outcomes) {
        boolean made = o.exitCode() >= 0; // a run left out has no row; one that failed has "no data"
        boolean reports = o.results() != null && o.results().containsKey(goal.metric());
        if (made && goal.appliesTo(o.run(), o.scale()) && (!goal.run().equals("*") || reports)) {
          Targets.Verdict v = goal.evaluate(o.results());
          tally.merge(v.status(), 1, Integer::sum);
          md.append(row(goal.measurement(), o.run(), o.scale(), goal.reportFigure(), goal.describe(),
              Targets.format(v.measured()), v.status() == Targets.Status.NO_DATA ? "no data" : v.status().name()));
          any = true;
        }
      }
      if (!any) {
        md.append(row(goal.measurement(), goal.run(), goal.scale(), goal.reportFigure(), goal.describe(), "-",
            "not run"));
      }
    }
    md.append(String.format(Locale.ROOT, "%nMet: %d PASS, %d FAIL, %d without data.%n",
        tally.getOrDefault(Targets.Status.PASS, 0), tally.getOrDefault(Targets.Status.FAIL, 0),
        tally.getOrDefault(Targets.Status.NO_DATA, 0)));
  }

  private void runSection(StringBuilder md, Outcome o) throws IOException {
    md.append("\n### ").append(o.run()).append(" (").append(o.scale()).append(" scale)\n\n`herald load ")
        .append(String.join(" ", o.command())).append("`\n\n| figure | value |\n|---|---|\n");
    List<String> tables = new ArrayList<>();
    for (Map.Entry<String, Object> e : o.results()) {
      if (e.getValue() instanceof JsonArray rows) {
        if (!rows.isEmpty() && rows.getValue(0) instanceof JsonObject) {
          tables.add(e.getKey());
        }
      } else {
        md.append(row(e.getKey(), value(e.getValue())));
      }
    }
    for (String table : tables) {
      rowsTable(md, table, o.results().getJsonArray(table));
    }
    for (Map.Entry<String, SvgChart> chart : Charts.of(o.run() + " (" + o.scale() + ")", o.results()).entrySet()) {
      Path file = file(o.scale() + "-" + o.run() + "-" + chart.getKey() + ".svg");
      Files.writeString(file, chart.getValue().toSvg());
      md.append("\n![").append(o.run()).append(' ').append(chart.getKey()).append("](")
          .append(file.getFileName()).append(")\n");
    }
  }

  private static void rowsTable(StringBuilder md, String name, JsonArray rows) {
    List<String> columns = List.copyOf(rows.getJsonObject(0).fieldNames());
    md.append("\n").append(name).append(":\n\n").append(row(columns.toArray(String[]::new)))
        .append("|---".repeat(columns.size())).append("|\n");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.getJsonObject(i);
      md.append(row(columns.stream().map(c -> value(r.getValue(c))).toArray(String[]::new)));
    }
  }

  private static String value(Object v) {
    return v instanceof Double d ? Targets.format(d) : String.valueOf(v);
  }

  private static String row(String... cells) {
    StringBuilder out = new StringBuilder("|");
    for (String c : cells) {
      out.append(' ').append(c.replace("|", "\\|").replace("\n", " ")).append(" |");
    }
    return out.append('\n').toString();
  }
}
