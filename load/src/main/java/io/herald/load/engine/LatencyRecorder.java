package io.herald.load.engine;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * Delivery latencies in microseconds, each measured from the message's <em>intended</em> send time
 * (open model), so a publisher that falls behind shows up as latency instead of vanishing from it
 * (coordinated omission). Safe to record from several event loops at once.
 */
public final class LatencyRecorder {

  /** Up to one hour, three significant digits. */
  private final Histogram histogram = new ConcurrentHistogram(3_600_000_000L, 3);

  /** Records one delivery: {@code receivedMicros - intendedMicros}, negative clock skew counted as 0. */
  public void record(long intendedMicros, long receivedMicros) {
    recordMicros(receivedMicros - intendedMicros);
  }

  /** Records one duration measured elsewhere (connect + subscribe, ping to pong), clamped to 0..1 hour. */
  public void recordMicros(long micros) {
    histogram.recordValue(Math.max(0, Math.min(micros, histogram.getHighestTrackableValue())));
  }

  public void add(LatencyRecorder other) {
    histogram.add(other.histogram);
  }

  /** The histogram in HdrHistogram's compressed form, base64: to send it from a client process to another. */
  public String encode() {
    Histogram copy = histogram.copy();
    ByteBuffer buffer = ByteBuffer.allocate(copy.getNeededByteBufferCapacity());
    int length = copy.encodeIntoCompressedByteBuffer(buffer, 9);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A recorder holding what {@link #encode} wrote. */
  public static LatencyRecorder decode(String base64) {
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
      LatencyRecorder r = new LatencyRecorder();
      r.histogram.add(h);
      return r;
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an encoded latency histogram: " + e.getMessage(), e);
    }
  }

  public long count() {
    return histogram.getTotalCount();
  }

  public Summary summary() {
    Histogram h = histogram;
    return new Summary(h.getTotalCount(), ms(h.getMinValue()), ms(h.getMaxValue()), h.getMean() / 1000.0,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)),
        h.getStdDeviation() / 1000.0);
  }

  /** The latency curve: (percentile, milliseconds) points, for charts. */
  public double[][] percentileCurve() {
    double[] percentiles = {0, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};
    double[][] curve = new double[percentiles.length][];
    for (int i = 0; i < percentiles.length; i++) {
      curve[i] = new double[] {percentiles[i], ms(histogram.getValueAtPercentile(percentiles[i]))};
    }
    return curve;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /** Milliseconds, as the report prints them. */
  public record Summary(long count, double min, double max, double mean, double median, double p95, double p99,
                        double stddev) {
  }
}
