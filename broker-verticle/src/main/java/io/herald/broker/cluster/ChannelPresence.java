package io.herald.broker.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.herald.core.ClientInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients subscribed to one channel across the cluster, with the member each is connected to (so
 * the entries of a member that dies can be removed), and the entry processors that change it on the
 * partition owner. Each processor is deterministic, so its backup replay gives the same entry.
 */
public final class ChannelPresence implements DataSerializable {

  /** Client id to the client and its member. */
  private LinkedHashMap<String, Present> clients = new LinkedHashMap<>();

  /** For Hazelcast's deserialization only. */
  public ChannelPresence() {
  }

  List<ClientInfo> clients() {
    List<ClientInfo> list = new ArrayList<>(clients.size());
    clients.values().forEach(p -> list.add(p.client));
    return list;
  }

  int size() {
    return clients.size();
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(clients.size());
    for (Present p : clients.values()) {
      p.writeTo(out);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int count = in.readInt();
    clients = new LinkedHashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      Present p = Present.readFrom(in);
      clients.put(p.client.client(), p);
    }
  }

  /** A client and the member it is connected to. */
  private record Present(ClientInfo client, String member) {

    void writeTo(ObjectDataOutput out) throws IOException {
      out.writeString(client.client());
      out.writeString(client.user());
      out.writeString(client.node());
      out.writeString(member);
      out.writeString(client.info());
    }

    static Present readFrom(ObjectDataInput in) throws IOException {
      String id = in.readString();
      String user = in.readString();
      String node = in.readString();
      String member = in.readString();
      return new Present(new ClientInfo(id, user, node, in.readString()), member);
    }
  }

  /** Puts a client, connected to {@code member}, in the channel's presence. */
  public static final class Add extends EntryOp<ChannelPresence, Void> {
    private Present present;

    public Add() {
    }

    Add(ClientInfo client, String member) {
      this.present = new Present(client, member);
    }

    @Override
    public Void process(Map.Entry<String, ChannelPresence> entry) {
      ChannelPresence presence = entry.getValue() != null ? entry.getValue() : new ChannelPresence();
      presence.clients.put(present.client.client(), present);
      entry.setValue(presence);
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      present.writeTo(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      present = Present.readFrom(in);
    }
  }

  /** Removes one client, or (with a member) every client of a member that left; drops emptied channels. */
  public static final class Remove extends EntryOp<ChannelPresence, Void> {
    private String client;
    private String member;

    public Remove() {
    }

    static Remove client(String client) {
      Remove r = new Remove();
      r.client = client;
      return r;
    }

    static Remove member(String member) {
      Remove r = new Remove();
      r.member = member;
      return r;
    }

    @Override
    public Void process(Map.Entry<String, ChannelPresence> entry) {
      ChannelPresence presence = entry.getValue();
      if (presence == null) {
        return null;
      }
      boolean removed = client != null
          ? presence.clients.remove(client) != null
          : presence.clients.values().removeIf(p -> p.member.equals(member));
      if (removed) {
        entry.setValue(presence.clients.isEmpty() ? null : presence);
      }
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(client);
      out.writeString(member);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      client = in.readString();
      member = in.readString();
    }
  }

  /** A copy of the channel's presence (empty for an unknown channel). */
  public static final class Snapshot extends ReadOnlyEntryOp<ChannelPresence, ChannelPresence> {

    @Override
    public ChannelPresence process(Map.Entry<String, ChannelPresence> entry) {
      ChannelPresence copy = new ChannelPresence();
      if (entry.getValue() != null) {
        copy.clients.putAll(entry.getValue().clients);
      }
      return copy;
    }
  }

  /** How many clients the channel has. */
  public static final class Count extends ReadOnlyEntryOp<ChannelPresence, Integer> {

    @Override
    public Integer process(Map.Entry<String, ChannelPresence> entry) {
      return entry.getValue() == null ? 0 : entry.getValue().size();
    }
  }
}
