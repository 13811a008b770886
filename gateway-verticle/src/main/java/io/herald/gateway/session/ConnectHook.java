package io.herald.gateway.session;

import io.herald.core.CloseCode;
import io.herald.core.ErrorCode;
import io.herald.core.HeraldException;
import io.herald.gateway.auth.AuthFailure;
import io.herald.gateway.hooks.HookAnswer;
import io.herald.gateway.hooks.HookKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;

/**
 * The connect hook for one connection, the same for every protocol: asks proxy.connect_url whether the connection
 * may be, and applies the answer. Allowed: the connection gets its identity (the named user, counted like a token's
 * user; its {@code info} and {@code expire_at}), and the protocol says {@code connected} and subscribes the
 * answer's {@code subs}. Refused: the connection is closed as a refused token is. Disconnect: closed with the
 * backend's code. A connection that closed while the call was in flight gets nothing applied.
 */
public final class ConnectHook {

  /** What the protocol does once the connection is admitted: it is connected, then subscribed to {@code subs}. */
  public record Admitted(List<String> subs) {
  }

  private ConnectHook() {
  }

  /**
   * Calls the connect hook for {@code session} (authenticated by a token already, or not yet), with the client's
   * {@code data} (any JSON value, or null). Completes on the session's loop with {@link Admitted}, or with null when the
   * connection was closed (refused, disconnected, or gone meanwhile); fails with {@code internal} when the hook did
   * not answer usably (the connection is left as it was: the protocol tells the client).
   */
  public static Future<Admitted> run(ClientSession session, Object data) {
    JsonObject payload = new JsonObject().put("client", session.id()).put("transport", session.protocolName())
        .put("headers", new JsonObject(new HashMap<>(session.forwardedHeaders())));
    if (session.user() != null) {
      payload.put("user", session.user());
    }
    if (data != null) {
      payload.put("data", data);
    }
    return session.loop().hooks().call(HookKind.CONNECT, payload.toBuffer()).compose(answer -> {
      if (session.gone()) {
        // The client left during the call. A session not yet open (an event stream) hears no close: end it here, so
        // what a verified token counted is given back.
        session.close(CloseCode.NORMAL);
        return Future.succeededFuture();
      }
      if (answer instanceof HookAnswer.Refuse r) {
        session.auth().refuse(r.message());
        return Future.succeededFuture();
      }
      if (answer instanceof HookAnswer.Disconnect d) {
        session.close(d.code(), d.reason());
        return Future.succeededFuture();
      }
      return admit(session, (HookAnswer.Allow) answer);
    });
  }

  private static Future<Admitted> admit(ClientSession session, HookAnswer.Allow allow) {
    String tokenUser = session.user();
    if (tokenUser != null && allow.user() != null && !allow.user().equals(tokenUser)) {
      return Future.failedFuture(new HeraldException(ErrorCode.INTERNAL,
          "backend unavailable: the connect hook named another user than the token's"));
    }
    if (tokenUser == null && allow.user() == null) {
      return Future.failedFuture(new HeraldException(ErrorCode.INTERNAL, "backend unavailable: result.user missing"));
    }
    long expiresAtMs = allow.expireAtS() * 1000;
    if (tokenUser == null && allow.user().isEmpty()) {
      // The backend lets the connection in anonymously: there is no identity to hold info or an expiry.
      if (session.loop().auth().required()) {
        session.auth().refuse(AuthFailure.Reason.TOKEN_REQUIRED.text());
        return Future.succeededFuture();
      }
      return Future.succeededFuture(new Admitted(allow.subs()));
    }
    if (tokenUser == null && expiresAtMs != 0 && expiresAtMs <= System.currentTimeMillis()) {
      session.auth().refuse(AuthFailure.Reason.EXPIRED.text());
      return Future.succeededFuture();
    }
    if (!session.auth().admit(tokenUser != null ? tokenUser : allow.user(), expiresAtMs, allow.info())) {
      return Future.succeededFuture(); // closed with 4009
    }
    return Future.succeededFuture(new Admitted(allow.subs()));
  }
}
