package io.herald.gateway.auth;

/**
 * Why a token (or its absence) was refused. The reason text is what the client sees in the close
 * frame (4001 on /ws) and what the auth-failure log line says; it never contains the token.
 */
public final class AuthFailure extends Exception {

  /** The distinct reasons, each with its close-frame text. */
  public enum Reason {
    TOKEN_REQUIRED("token required"),
    MALFORMED("malformed token"),
    UNSIGNED("unsigned token (alg none)"),
    UNSUPPORTED_ALGORITHM("unsupported algorithm"),
    BAD_SIGNATURE("invalid signature"),
    EXPIRED("token expired"),
    NOT_YET_VALID("token not yet valid"),
    WRONG_AUDIENCE("wrong audience"),
    WRONG_ISSUER("wrong issuer"),
    NO_SUBJECT("missing sub claim"),
    NO_EXPIRY("missing exp claim"),
    SUBSCRIPTION_TOKEN("subscription token used as connection token"),
    BAD_CHANNELS_CLAIM("invalid channels claim"),
    BAD_SUBS_CLAIM("invalid subs claim"),
    USER_CHANGED("token user changed"),
    TIMEOUT("auth timeout");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  private final Reason reason;

  public AuthFailure(Reason reason) {
    super(reason.text(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
