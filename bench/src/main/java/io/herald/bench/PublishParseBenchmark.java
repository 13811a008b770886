package io.herald.bench;

import io.herald.core.Json;
import io.herald.core.PublishBody;
import io.herald.core.config.HeraldConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Publish body parsing: what the HTTP API does with a request body before the message goes to its sequencer, for
 * the body the load tool sends (a timestamp in microseconds and a sequence number). Two readings of it:
 * <ul>
 *   <li>{@code jsonObject}: {@link Json#object} (the whole body into a JsonObject), {@link Json#data} (the raw bytes
 *   of {@code data} cut out of the body by a second, streaming pass, size-checked against
 *   message.max_data_bytes) and {@link Json#channel} (the name, validated). {@code POST /api/publish} read its
 *   body so until batch publishing; other endpoints with a {@code data} field (broadcast) still do.</li>
 *   <li>{@code publishBody}: {@link PublishBody#parse}, one streaming pass and no tree, which
 *   {@code POST /api/publish} uses since.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PublishParseBenchmark {

  private final Buffer body = Buffer.buffer("{\"channel\":\"room\",\"data\":{\"t\":1733260000000000,\"i\":12345}}");
  private final HeraldConfig config = HeraldConfig.defaults();
  private final int maxDataBytes = config.get(HeraldConfig.MAX_DATA_BYTES);
  private final int maxBatch = config.get(HeraldConfig.API_MAX_BATCH);

  @Benchmark
  public void jsonObject(Blackhole bh) {
    JsonObject request = Json.object(body);
    bh.consume(Json.data(request, body, maxDataBytes));
    bh.consume(Json.channel(request, "channel"));
  }

  @Benchmark
  public PublishBody publishBody() {
    return PublishBody.parse(body, maxBatch, maxDataBytes);
  }
}
