package io.herald.broker.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
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
      out.writeString(p.client.client());
      out.writeString(p.client.user());
      out.writeString(p.client.node());
      out.writeString(p.member);
      out.writeString(p.client.info());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int count = in.readInt();
    clients = new LinkedHashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      String id = in.readString();
      String user = in.readString();
      String node = in.readString();
      String member = in.readString();
      clients.put(id, new Present(new ClientInfo(id, user, node, in.readString()), member));
    }
  }

  private record Present(ClientInfo client, String member) {
  }

  /** Puts a client, connected to {@code member}, in the channel's presence. */
  public static final class Add implements EntryProcessor<String, ChannelPresence, Void>, DataSerializable {
    private ClientInfo client;
    private String member;

    public Add() {
    }

    Add(ClientInfo client, String member) {
      this.client = client;
      this.member = member;
    }

    @Override
    public Void process(Map.Entry<String, ChannelPresence> entry) {
      ChannelPresence presence = entry.getValue() != null ? entry.getValue() : new ChannelPresence();
      presence.clients.put(client.client(), new Present(client, member));
      entry.setValue(presence);
      return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(client.client());
      out.writeString(client.user());
      out.writeString(client.node());
      out.writeString(member);
      out.writeString(client.info());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      String id = in.readString();
      String user = in.readString();
      String node = in.readString();
      member = in.readString();
      client = new ClientInfo(id, user, node, in.readString());
    }
  }

  /** Removes one client, or (with a member) every client of a member that left; drops emptied channels. */
  public static final class Remove implements EntryProcessor<String, ChannelPresence, Void>, DataSerializable {
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

  /** A copy of the channel's presence (empty for an unknown channel); changes nothing. */
  public static final class Snapshot implements EntryProcessor<String, ChannelPresence, ChannelPresence>, ReadOnly {

    @Override
    public ChannelPresence process(Map.Entry<String, ChannelPresence> entry) {
      ChannelPresence copy = new ChannelPresence();
      if (entry.getValue() != null) {
        copy.clients.putAll(entry.getValue().clients);
      }
      return copy;
    }

    @Override
    public EntryProcessor<String, ChannelPresence, ChannelPresence> getBackupProcessor() {
      return null;
    }
  }

  /** How many clients the channel has; changes nothing. */
  public static final class Count implements EntryProcessor<String, ChannelPresence, Integer>, ReadOnly {

    @Override
    public Integer process(Map.Entry<String, ChannelPresence> entry) {
      return entry.getValue() == null ? 0 : entry.getValue().size();
    }

    @Override
    public EntryProcessor<String, ChannelPresence, Integer> getBackupProcessor() {
      return null;
    }
  }
}
