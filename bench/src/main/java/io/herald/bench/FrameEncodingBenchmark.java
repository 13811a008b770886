package io.herald.bench;

import io.herald.core.Message;
import io.herald.core.RandomIds;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Frame encoding: the /ws {@code message} frame of one message, {@link Message#frame()}, which the gateway encodes
 * once per message and node (the first subscriber's delivery) and every subscriber of the node shares. Each
 * operation makes a new {@link Message} (its frame is cached, as it is on the delivery path, so reusing one would
 * measure the cache) around the same {@code data} buffer and encodes it: the figure includes the Message's own
 * allocation, a few tens of bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameEncodingBenchmark {

  /** Bytes of the message's {@code data} JSON. */
  @Param({"100", "1024"})
  int dataBytes;

  private final String epoch = RandomIds.epoch();
  private Buffer data;
  private long offset;

  @Setup
  public void setUp() {
    data = Payloads.data(dataBytes);
  }

  @Benchmark
  public Buffer messageFrame() {
    return new Message("room", epoch, ++offset, 1_733_260_000_000L, data).frame();
  }
}
