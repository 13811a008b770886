package io.herald.gateway.session;

import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.core.config.HeraldConfig;
import io.herald.core.config.NamespaceOptions.ProxyOptions;
import io.herald.gateway.GatewayLoop;
import io.herald.gateway.hooks.HookAnswer;
import io.herald.gateway.hooks.HookKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The subscribe and publish hooks, run before a client's subscribe or publish on a channel of a namespace that opted
 * in ({@code proxy_subscribe}, {@code proxy_publish}). The operation goes on only once the backend allowed it;
 * a refusal reaches the client as an error with the backend's code; a failed call refuses it with {@code internal},
 * unless the namespace fails open ({@code proxy_fail_open}), when it goes on as if allowed.
 */
public final class ChannelHook {

  /** Going on as if allowed, unchanged: what a failed call of a namespace that fails open gives. */
  private static final HookAnswer.Allow UNCHANGED = new HookAnswer.Allow(null, 0, null, java.util.List.of(), null);

  private ChannelHook() {
  }

  /**
   * The namespace's proxy options when {@code kind}'s hook runs for {@code channel} (its URL is set and the namespace
   * opted in), else null. Costs a map lookup only when the hook's URL is set.
   */
  public static ProxyOptions optedIn(GatewayLoop loop, HookKind kind, String channel) {
    if (!loop.hooks().enabled(kind)) {
      return null;
    }
    ProxyOptions proxy = loop.services().config().namespaces().forChannel(channel).proxy();
    return (kind == HookKind.SUBSCRIBE ? proxy.subscribe() : proxy.publish()) ? proxy : null;
  }

  /**
   * Refuses ({@code permission_denied}) an operation on {@code channel} whose hook would run for it but has no client
   * connection to ask about ({@code POST /graphql}), rather than letting it bypass the backend.
   */
  public static void refuseUnhooked(HeraldConfig config, HookKind kind, String channel) {
    if (config.get(kind.url()).isBlank()) {
      return;
    }
    ProxyOptions proxy = config.namespaces().forChannel(channel).proxy();
    if (kind == HookKind.SUBSCRIBE ? proxy.subscribe() : proxy.publish()) {
      throw new HeraldException(ErrorCode.PERMISSION_DENIED, channel + ": this namespace's " + kind.tag()
          + "s go through the " + kind.tag() + " hook, which /ws runs: " + kind.tag() + " over /ws");
    }
  }

  /** Asks the subscribe hook; completes as {@link #settled}. */
  public static Future<HookAnswer.Allow> subscribe(ClientSession session, String channel, ProxyOptions proxy) {
    JsonObject payload = new JsonObject().put("client", session.id()).put("user", session.user()).put("channel", channel);
    return settled(session, session.loop().hooks().call(HookKind.SUBSCRIBE, payload.toBuffer()), proxy);
  }

  /** Asks the publish hook about {@code data} (raw JSON, sent as it is); completes as {@link #settled}. */
  public static Future<HookAnswer.Allow> publish(ClientSession session, String channel, Buffer data, ProxyOptions proxy) {
    Buffer head = new JsonObject().put("client", session.id()).put("user", session.user()).put("channel", channel).toBuffer();
    Buffer payload = Buffer.buffer(head.length() + data.length() + 10).appendBuffer(head, 0, head.length() - 1)
        .appendString(",\"data\":").appendBuffer(data).appendString("}");
    return settled(session, session.loop().hooks().call(HookKind.PUBLISH, payload), proxy);
  }

  /**
   * The hook's answer as the operation needs it: the {@link HookAnswer.Allow} to go on with; null when the connection
   * is closed (by a {@code disconnect} answer, or gone meanwhile) and nothing is to be done; failed with the
   * backend's error for a refusal, with {@code internal} for a failed call (unless the namespace fails open).
   */
  private static Future<HookAnswer.Allow> settled(ClientSession session, Future<HookAnswer> call, ProxyOptions proxy) {
    return call.transform(ar -> {
      if (session.gone()) {
        return Future.succeededFuture();
      }
      if (ar.failed()) {
        return proxy.failOpen() ? Future.succeededFuture(UNCHANGED) : Future.failedFuture(ar.cause());
      }
      if (ar.result() instanceof HookAnswer.Refuse r) {
        return Future.failedFuture(new HeraldException(r.code(), r.message()));
      }
      if (ar.result() instanceof HookAnswer.Disconnect d) {
        session.close(d.code(), d.reason());
        return Future.succeededFuture();
      }
      return Future.succeededFuture((HookAnswer.Allow) ar.result());
    });
  }
}
