package io.herald.load.report;

import io.herald.load.Svg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SvgChartTest {

  private static final String SVG_NS = "http://www.w3.org/2000/svg";

  @Test
  void lineSeriesIsOnePolylineThroughEveryValueInsideTheChart() throws Exception {
    Document doc = Svg.parse(new SvgChart("latency", "percentile", "ms", List.of("50", "99", "99.9"))
        .line("p", new double[] {1, 4, 9}).toSvg());

    assertThat(Svg.count(doc, "polyline")).isEqualTo(1);
    String[] points = ((Element) doc.getElementsByTagNameNS(SVG_NS, "polyline").item(0)).getAttribute("points").split(" ");
    assertThat(points).hasSize(3);
    double previousY = Double.MAX_VALUE;
    for (String p : points) {
      double x = Double.parseDouble(p.split(",")[0]);
      double y = Double.parseDouble(p.split(",")[1]);
      assertThat(x).isBetween(0.0, (double) SvgChart.WIDTH);
      assertThat(y).isBetween(0.0, (double) SvgChart.HEIGHT).isLessThan(previousY); // growing values go up
      previousY = y;
    }
  }

  @Test
  void barSeriesIsOneBarPerValueWithHeightsInProportion() throws Exception {
    Document doc = Svg.parse(new SvgChart("steps", "rate", "deliveries/s", List.of("100", "200"))
        .bars("delivered", new double[] {500, 1000}).toSvg());

    // the white background, the two bars, then the legend's swatch
    assertThat(Svg.count(doc, "rect")).isEqualTo(4);
    Element small = (Element) doc.getElementsByTagNameNS(SVG_NS, "rect").item(1);
    Element large = (Element) doc.getElementsByTagNameNS(SVG_NS, "rect").item(2);
    double ratio = Double.parseDouble(large.getAttribute("height")) / Double.parseDouble(small.getAttribute("height"));
    assertThat(ratio).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void textIsEscapedSoTheDocumentStaysWellFormed() throws Exception {
    String svg = new SvgChart("a <b> & \"c\" 'd'", "x", "y", List.of("<1>")).line("s&t", new double[] {1}).toSvg();

    Document doc = Svg.parse(svg);
    assertThat(doc.getDocumentElement().getTextContent()).contains("a <b> & \"c\" 'd'", "<1>", "s&t");
  }

  @Test
  void yAxisEndsAtARoundNumberAboveTheHighestValue() throws Exception {
    Document doc = Svg.parse(new SvgChart("t", "x", "y", List.of("a", "b")).line("s", new double[] {3, 87}).toSvg());

    assertThat(doc.getDocumentElement().getTextContent()).contains("100").doesNotContain("87");
  }

  @ParameterizedTest
  @CsvSource({"87, 100", "100, 100", "101, 200", "0.3, 0.5", "2400, 2500", "0, 1", "-5, 1", "250000, 250000"})
  void niceCeiling(double max, double expected) {
    assertThat(SvgChart.niceCeiling(max)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "20, 20", "0.5, 0.5", "99.99, 100", "12345.678, 12300", "250000, 250000"})
  void tickNumbersHaveAtMostThreeSignificantDigits(double value, String text) {
    assertThat(SvgChart.number(value)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "99.99, 99.99", "250.0, 250", "4000, 4000", "0.125, 0.125"})
  void labelsKeepEveryDigit(double value, String text) {
    assertThat(SvgChart.label(value)).isEqualTo(text);
  }

  @Test
  void negativeValuesGetAnAxisBelowZero() throws Exception {
    Document doc = Svg.parse(new SvgChart("growth", "cycle", "%", List.of("1", "2")).line("g", new double[] {-3, 4})
        .toSvg());

    assertThat(doc.getDocumentElement().getTextContent()).contains("-5", "5");
  }

  @Test
  void refusesSeriesThatDoNotMatchTheLabelsOrAreNotNumbers() {
    SvgChart chart = new SvgChart("t", "x", "y", List.of("a", "b"));

    assertThatThrownBy(() -> chart.line("short", new double[] {1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> chart.bars("nan", new double[] {1, Double.NaN})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SvgChart("t", "x", "y", List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
