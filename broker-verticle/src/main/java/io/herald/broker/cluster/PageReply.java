package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.HistoryPage;

import java.io.IOException;

/** The answer of a {@link ChannelLogOps.Read} from the partition owner: a page of the channel's history. */
public final class PageReply implements DataSerializable {

  /** The page's messages carry it; it travels once, not with each. */
  private String channel;
  private HistoryPage page;

  /** For Hazelcast's deserialization only. */
  public PageReply() {
  }

  PageReply(String channel, HistoryPage page) {
    this.channel = channel;
    this.page = page;
  }

  HistoryPage page() {
    return page;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(channel);
    HazelcastWire.writePage(out, page);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    channel = in.readString();
    page = HazelcastWire.readPage(in, channel);
  }
}
