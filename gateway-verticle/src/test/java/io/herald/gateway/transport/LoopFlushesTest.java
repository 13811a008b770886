package io.herald.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text frames written on one loop are flushed together by one task: nothing leaves a socket while the writing goes
 * on, everything written leaves when the loop gets to the task, once per socket however many frames it holds.
 * Embedded channels stand in for the sockets (all on this thread, as the sockets of one event loop are).
 */
class LoopFlushesTest {

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void release() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  @Test
  void framesWrittenToSeveralSocketsLeaveTogetherWhenTheLoopRunsItsTasks() {
    List<ClientSocket> sockets = List.of(socket(), socket(), socket());

    for (ClientSocket s : sockets) {
      s.write(Buffer.buffer("{\"n\":1}"));
    }
    sockets.get(1).write(Buffer.buffer("{\"n\":2}"));

    assertThat(channels).allSatisfy(c -> assertThat((Object) c.readOutbound()).as("not flushed yet").isNull());
    channels.get(0).runPendingTasks(); // the first write queued the one task, on its socket's loop

    assertThat(texts(channels.get(0))).containsExactly("{\"n\":1}");
    assertThat(texts(channels.get(1))).containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(texts(channels.get(2))).containsExactly("{\"n\":1}");
    for (EmbeddedChannel c : channels) {
      c.runPendingTasks();
    }
    assertThat(channels).allSatisfy(c -> assertThat((Object) c.readOutbound()).as("nothing twice").isNull());
  }

  @Test
  void aWriteAfterTheTaskRanIsFlushedByTheNextOne() {
    ClientSocket socket = socket();
    socket.write(Buffer.buffer("\"first\""));
    channels.get(0).runPendingTasks();
    assertThat(texts(channels.get(0))).containsExactly("\"first\"");

    socket.write(Buffer.buffer("\"second\""));
    channels.get(0).runPendingTasks();

    assertThat(texts(channels.get(0))).containsExactly("\"second\"");
  }

  private ClientSocket socket() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ClientSocket socket = new ClientSocket(channel, new ClientSocket.Handshake("/ws", null, "127.0.0.1", null), 1 << 20);
    channel.pipeline().addLast(new WebSocket13FrameEncoder(false)).addLast(socket);
    channels.add(channel);
    return socket;
  }

  /** The text frames flushed to {@code channel} so far (small unmasked frames: a 2-byte header each). */
  private static List<String> texts(EmbeddedChannel channel) {
    List<String> texts = new ArrayList<>();
    for (ByteBuf out; (out = channel.readOutbound()) != null; out.release()) {
      while (out.isReadable()) {
        out.skipBytes(1);
        int length = out.readByte() & 0x7f;
        texts.add(out.readCharSequence(length, StandardCharsets.UTF_8).toString());
      }
    }
    return texts;
  }
}
