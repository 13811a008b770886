package io.herald.gateway.auth;

import java.util.List;

/**
 * Who a connection is, from its verified token.
 *
 * @param user        the token's {@code sub}
 * @param channels    the token's {@code channels} claim (channel patterns), or null when it has none
 * @param expiresAtMs when the token expires (epoch ms, leeway included), or 0 when it has no {@code exp}
 * @param subs        the token's {@code subs} claim: channels the connection is subscribed to on connect (empty
 *                    when it has none)
 */
public record Identity(String user, List<String> channels, long expiresAtMs, List<String> subs) {

  public Identity(String user, List<String> channels, long expiresAtMs) {
    this(user, channels, expiresAtMs, List.of());
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
