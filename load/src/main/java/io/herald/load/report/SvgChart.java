package io.herald.load.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG chart: labelled x positions at equal spacing, a linear y axis from 0 (or the lowest
 * value, if negative) to a round number, and series drawn as lines or bars. Enough for the report's
 * latency curves, per-step delivery rates and memory samples, with no library.
 */
public final class SvgChart {

  static final int WIDTH = 640;
  static final int HEIGHT = 320;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 36;
  private static final int BOTTOM = 56;
  private static final int Y_TICKS = 5;
  private static final int MAX_X_LABELS = 12;
  private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

  private enum Kind { LINE, BARS }

  private record Series(String name, double[] values, Kind kind) {
  }

  private final String title;
  private final String xTitle;
  private final String yTitle;
  private final List<String> xLabels;
  private final List<Series> series = new ArrayList<>();

  public SvgChart(String title, String xTitle, String yTitle, List<String> xLabels) {
    if (xLabels.isEmpty()) {
      throw new IllegalArgumentException("a chart needs at least one x position");
    }
    this.title = title;
    this.xTitle = xTitle;
    this.yTitle = yTitle;
    this.xLabels = List.copyOf(xLabels);
  }

  /** A series drawn as a line through one value per x label. */
  public SvgChart line(String name, double[] values) {
    return add(new Series(name, values.clone(), Kind.LINE));
  }

  /** A series drawn as one bar per x label (several bar series stand side by side). */
  public SvgChart bars(String name, double[] values) {
    return add(new Series(name, values.clone(), Kind.BARS));
  }

  private SvgChart add(Series s) {
    if (s.values.length != xLabels.size()) {
      throw new IllegalArgumentException(s.name + ": " + s.values.length + " values for " + xLabels.size() + " x labels");
    }
    for (double v : s.values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(s.name + ": values must be finite numbers");
      }
    }
    series.add(s);
    return this;
  }

  /** The top of the y axis: the smallest 1, 2, 2.5 or 5 times a power of ten at or above {@code max}. */
  static double niceCeiling(double max) {
    if (max <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * power >= max * (1 - 1e-12)) {
        return step * power;
      }
    }
    return 10 * power;
  }

  public String toSvg() {
    double max = series.stream().flatMapToDouble(s -> Arrays.stream(s.values)).max().orElse(0);
    double min = series.stream().flatMapToDouble(s -> Arrays.stream(s.values)).min().orElse(0);
    Plot plot = new Plot(xLabels.size(), min < 0 ? -niceCeiling(-min) : 0, niceCeiling(max));
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    text(svg, WIDTH / 2.0, 20, "middle", "font-size=\"14\" font-weight=\"bold\"", title);
    axes(svg, plot);
    int barSeries = (int) series.stream().filter(s -> s.kind == Kind.BARS).count();
    int barIndex = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String colour = COLOURS[i % COLOURS.length];
      if (s.kind == Kind.BARS) {
        bars(svg, plot, s, colour, barIndex++, barSeries);
      } else {
        line(svg, plot, s, colour);
      }
      legend(svg, i, s.name, colour);
    }
    return svg.append("</svg>\n").toString();
  }

  private void axes(StringBuilder svg, Plot plot) {
    for (int t = 0; t <= Y_TICKS; t++) {
      double value = plot.bottom + (plot.top - plot.bottom) * t / Y_TICKS;
      double y = plot.y(value);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          LEFT, y, WIDTH - RIGHT, y));
      text(svg, LEFT - 6, y + 4, "end", "", number(value));
    }
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        LEFT, TOP, LEFT, HEIGHT - BOTTOM));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n",
        LEFT, plot.y(Math.max(0, plot.bottom)), WIDTH - RIGHT, plot.y(Math.max(0, plot.bottom))));
    int every = (xLabels.size() + MAX_X_LABELS - 1) / MAX_X_LABELS;
    for (int i = 0; i < xLabels.size(); i += every) {
      text(svg, plot.x(i), HEIGHT - BOTTOM + 16, "middle", "", xLabels.get(i));
    }
    text(svg, (LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - BOTTOM + 36, "middle", "", xTitle);
    double middle = (TOP + HEIGHT - BOTTOM) / 2.0;
    text(svg, 14, middle, "middle", String.format(Locale.ROOT, "transform=\"rotate(-90 14 %.1f)\"", middle), yTitle);
  }

  private static void line(StringBuilder svg, Plot plot, Series s, String colour) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < s.values.length; i++) {
      points.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", plot.x(i), plot.y(s.values[i])));
    }
    svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
        colour, points));
    for (int i = 0; i < s.values.length; i++) {
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
          plot.x(i), plot.y(s.values[i]), colour));
    }
  }

  private static void bars(StringBuilder svg, Plot plot, Series s, String colour, int index, int count) {
    double width = plot.slot * 0.7 / count;
    for (int i = 0; i < s.values.length; i++) {
      double x = plot.x(i) - plot.slot * 0.35 + index * width;
      double y0 = plot.y(0);
      double y1 = plot.y(s.values[i]);
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
          x, Math.min(y0, y1), width, Math.abs(y0 - y1), colour));
    }
  }

  private static void legend(StringBuilder svg, int index, String name, String colour) {
    int y = TOP + 4 + index * 14;
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
        LEFT + 10, y, colour));
    text(svg, LEFT + 24, y + 9, "start", "", name);
  }

  private static void text(StringBuilder svg, double x, double y, String anchor, String extra, String content) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n",
        x, y, anchor, extra.isEmpty() ? "" : " " + extra, escape(content)));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  /** An x label for a number: as given, without trailing zeros ({@code 99.99}, {@code 250}). */
  public static String label(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** A tick value with at most three significant digits and no trailing zeros. */
  static String number(double v) {
    return v == 0 ? "0" : new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** Maps x indexes and y values to pixels inside the margins. */
  private record Plot(int positions, double bottom, double top, double slot) {
    Plot(int positions, double bottom, double top) {
      this(positions, bottom, top, (WIDTH - LEFT - RIGHT) / (double) positions);
    }

    double x(int index) {
      return LEFT + slot * (index + 0.5);
    }

    double y(double value) {
      return HEIGHT - BOTTOM - (value - bottom) / (top - bottom) * (HEIGHT - TOP - BOTTOM);
    }
  }
}
