package io.herald.gateway.auth;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who a connection is, from its verified token or the connect hook's answer.
 *
 * @param user        the token's {@code sub}, or the user the connect hook named
 * @param channels    the token's {@code channels} claim (channel patterns), or null when it has none
 * @param expiresAtMs when the token (or the connect hook's {@code expire_at}) expires (epoch ms, leeway included),
 *                    or 0 when it has no {@code exp}
 * @param info        what the connect hook attached to the connection ({@code info}), or null
 * @param subs        the token's {@code subs} claim: channels the connection is subscribed to on connect (empty
 *                    when it has none)
 */
public record Identity(String user, List<String> channels, long expiresAtMs, JsonObject info, List<String> subs) {

  /** A token's identity: no info, no subs. */
  public Identity(String user, List<String> channels, long expiresAtMs) {
    this(user, channels, expiresAtMs, null, List.of());
  }

  /** This identity with {@code info} attached (null keeps the current one). */
  public Identity withInfo(JsonObject info) {
    return info == null ? this : new Identity(user, channels, expiresAtMs, info, subs);
  }

  /** Whether the {@code channels} claim allows {@code channel} (a claim-less identity allows none). */
  public boolean claims(String channel) {
    if (channels == null) {
      return false;
    }
    for (String pattern : channels) {
      if (matches(pattern, channel)) {
        return true;
      }
    }
    return false;
  }

  /** Glob match: {@code *} stands for any run of characters, everything else is literal. */
  static boolean matches(String pattern, String channel) {
    int p = 0;
    int c = 0;
    int star = -1;
    int mark = 0;
    while (c < channel.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = c;
      } else if (p < pattern.length() && pattern.charAt(p) == channel.charAt(c)) {
        p++;
        c++;
      } else if (star >= 0) {
        p = star + 1;
        c = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
