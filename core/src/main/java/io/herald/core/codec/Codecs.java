package io.herald.core.codec;

import io.herald.core.HistoryPage;
import io.herald.core.HistoryQuery;
import io.herald.core.Message;
import io.herald.core.PublishRequest;
import io.herald.core.Publication;
import io.herald.core.PublishBatch;
import io.herald.core.PublishOutcomes;
import io.herald.core.StreamPosition;
import io.vertx.core.eventbus.EventBus;

/** Registers every Herald codec as the default codec of its type; call once per Vert.x instance. */
public final class Codecs {

  private Codecs() {
  }

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(Message.class, new MessageCodec());
    bus.registerDefaultCodec(PublishRequest.class, new PublishRequestCodec());
    bus.registerDefaultCodec(StreamPosition.class, new StreamPositionCodec());
    bus.registerDefaultCodec(Publication.class, new PublicationCodec());
    bus.registerDefaultCodec(PublishBatch.class, new PublishBatchCodec());
    bus.registerDefaultCodec(PublishOutcomes.class, new PublishOutcomesCodec());
    bus.registerDefaultCodec(HistoryQuery.class, new HistoryQueryCodec());
    bus.registerDefaultCodec(HistoryPage.class, new HistoryPageCodec());
  }
}
