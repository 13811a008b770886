package io.herald.graphql.impl;

import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import io.herald.core.Message;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code messages} subscription selects of each Message, and the {@code next} payload that
 * selection makes of a message, written straight from the message's bytes (its raw {@code data}
 * included) instead of running graphql-java per event. Subscriptions with the same selection share
 * one shape per event loop, which encodes each message once for all of them.
 * Used on one event loop only.
 */
final class MessageShape {

  /** Fields of Message, by name, as JSON written from a message. */
  private enum MessageField {
    CHANNEL { void write(Message m, long skipped, Buffer out) { out.appendString("\"").appendString(m.channel()).appendString("\""); } },
    EPOCH { void write(Message m, long skipped, Buffer out) { out.appendString("\"").appendString(m.epoch()).appendString("\""); } },
    OFFSET { void write(Message m, long skipped, Buffer out) { out.appendString(Long.toString(m.offset())); } },
    DATA { void write(Message m, long skipped, Buffer out) { out.appendBuffer(m.data()); } },
    TS { void write(Message m, long skipped, Buffer out) { out.appendString(Long.toString(m.ts())); } },
    /** Messages passed over before this one (namespace option max_rate); 0 for every message otherwise. */
    SKIPPED { void write(Message m, long skipped, Buffer out) { out.appendString(Long.toString(skipped)); } },
    TYPENAME { void write(Message m, long skipped, Buffer out) { out.appendString("\"Message\""); } };

    abstract void write(Message m, long skipped, Buffer out);

    static MessageField of(String name) {
      return name.equals("__typename") ? TYPENAME : valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** The shape's identity: root response key and the selected (response key, field) pairs, in order. */
  private final String key;
  private final String rootKey;
  private final List<String> responseKeys;
  private final List<MessageField> fields;
  private Message lastMessage;
  private Buffer lastPayload;

  private MessageShape(String rootKey, Map<String, MessageField> selection) {
    this.rootKey = rootKey;
    this.responseKeys = new ArrayList<>(selection.keySet());
    this.fields = new ArrayList<>(selection.values());
    this.key = rootKey + selection;
  }

  /**
   * The shape of a validated subscription's root field ({@code messages}). Response keys and field
   * names are GraphQL names, which need no JSON escaping.
   */
  static MessageShape of(Field root, Map<String, FragmentDefinition> fragments, Map<String, Object> variables) {
    Map<String, MessageField> selection = new LinkedHashMap<>();
    collect(root.getSelectionSet(), fragments, variables, selection);
    return new MessageShape(root.getResultKey(), selection);
  }

  private static void collect(SelectionSet set, Map<String, FragmentDefinition> fragments, Map<String, Object> variables,
                              Map<String, MessageField> into) {
    for (Selection<?> s : set.getSelections()) {
      if (s instanceof Field f && OperationLimits.included(f.getDirectives(), variables)) {
        into.putIfAbsent(f.getResultKey(), MessageField.of(f.getName()));
      } else if (s instanceof InlineFragment inline && OperationLimits.included(inline.getDirectives(), variables)) {
        collect(inline.getSelectionSet(), fragments, variables, into);
      } else if (s instanceof FragmentSpread spread && OperationLimits.included(spread.getDirectives(), variables)
          && fragments.containsKey(spread.getName())) {
        collect(fragments.get(spread.getName()).getSelectionSet(), fragments, variables, into);
      }
    }
  }

  String key() {
    return key;
  }

  /**
   * {@code {"data":{"<root>":{...}}}} for {@code message}; encoded once per message, except for a conflated delivery
   * ({@code skipped} above 0) of a shape that selects {@code skipped}, which is its subscriber's own.
   */
  Buffer payload(Message message, long skipped) {
    if (skipped != 0 && fields.contains(MessageField.SKIPPED)) {
      return encode(message, skipped);
    }
    if (message != lastMessage) {
      lastPayload = encode(message, 0);
      lastMessage = message;
    }
    return lastPayload;
  }

  private Buffer encode(Message message, long skipped) {
    Buffer out = Buffer.buffer(message.data().length() + 32 * fields.size() + 32);
    out.appendString("{\"data\":{\"").appendString(rootKey).appendString("\":{");
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendByte((byte) '"').appendString(responseKeys.get(i)).appendString("\":");
      fields.get(i).write(message, skipped, out);
    }
    return out.appendString("}}}");
  }

  /** Whether {@link #payload} has already encoded {@code message} (for counting encodings). */
  boolean encoded(Message message) {
    return message == lastMessage;
  }
}
