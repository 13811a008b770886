package io.herald.gateway.session;

import io.herald.gateway.hooks.HookAnswer;
import io.herald.gateway.hooks.HookKind;
import io.vertx.core.json.JsonObject;

/**
 * The refresh hook: when a connection the connect hook admitted with an {@code expire_at} expires, proxy.refresh_url
 * is asked whether it lives on. A {@code result} with a later {@code expire_at} extends it (and may replace its
 * {@code info}); a {@code disconnect} closes it with that code; anything else (a refusal, no new expiry, a failed
 * call) closes it as an expired token: 1008 "token expired". The connection keeps running while the call is in flight.
 */
public final class RefreshHook {

  private RefreshHook() {
  }

  /** Asks the refresh hook about {@code session}, whose admission just expired. */
  public static void run(ClientSession session) {
    JsonObject payload = new JsonObject().put("client", session.id()).put("transport", session.protocolName())
        .put("user", session.user());
    session.loop().hooks().call(HookKind.REFRESH, payload.toBuffer()).onComplete(ar -> {
      if (session.gone()) {
        return;
      }
      if (ar.succeeded() && ar.result() instanceof HookAnswer.Disconnect d) {
        session.close(d.code(), d.reason());
      } else if (ar.succeeded() && ar.result() instanceof HookAnswer.Allow allow
          && allow.expireAtS() * 1000 > System.currentTimeMillis()) {
        session.auth().extend(allow.expireAtS() * 1000, allow.info());
      } else {
        session.auth().expire();
      }
    });
  }
}
