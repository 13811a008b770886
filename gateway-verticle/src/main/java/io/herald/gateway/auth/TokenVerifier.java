package io.herald.gateway.auth;

import io.herald.core.ChannelName;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.AuthFailure.Reason;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies client JWTs against the configured keys (HS256 secret, RS256/ES256 PEM public keys, a JWKS file) with
 * nimbus-jose-jwt, whose verification is a plain synchronous call (connections authenticate inline, on their event
 * loop: nothing may complete later), then checks the claims itself so each refusal has its own reason:
 * {@code alg: none}, an algorithm no key is configured for, a bad signature, {@code exp}/{@code nbf}
 * (with {@code auth.leeway_s}), {@code aud}/{@code iss} when configured, a missing {@code sub}, a
 * malformed {@code channels} claim. Thread-safe; one per node.
 */
public final class TokenVerifier {

  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** Empty when no key is configured. */
  private final List<Key> keys;
  private final Set<String> algorithms;
  private final String audience;
  private final String issuer;
  private final long leewayS;
  private final boolean requireExp;

  /** One configured key: the algorithm it verifies, its {@code kid} (null: any), its verifier (thread-safe). */
  private record Key(String algorithm, String kid, JWSVerifier verifier) {
  }

  private TokenVerifier(List<Key> keys, HeraldConfig config) {
    this.keys = List.copyOf(keys);
    Set<String> algorithms = new LinkedHashSet<>();
    keys.forEach(k -> algorithms.add(k.algorithm()));
    this.algorithms = Set.copyOf(algorithms);
    this.audience = config.get(HeraldConfig.AUTH_AUDIENCE);
    this.issuer = config.get(HeraldConfig.AUTH_ISSUER);
    this.leewayS = config.get(HeraldConfig.AUTH_LEEWAY_S);
    this.requireExp = SecurityPolicy.requireExp(config);
  }

  /**
   * The verifier for the configured keys; a verifier with no key verifies nothing ({@link #enabled()} false).
   *
   * @throws IllegalArgumentException naming the key setting that could not be read
   */
  public static TokenVerifier create(HeraldConfig config) {
    List<Key> keys = new ArrayList<>();
    String secret = config.get(HeraldConfig.AUTH_HMAC_SECRET);
    if (!secret.isEmpty()) {
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      if (bytes.length < SecurityPolicy.MIN_HMAC_SECRET_BYTES) {
        throw new IllegalArgumentException(SecurityPolicy.shortSecret(bytes.length));
      }
      keys.add(new Key("HS256", null, verifier(() -> new MACVerifier(bytes), HeraldConfig.AUTH_HMAC_SECRET.key())));
    }
    addPemKeys(keys, config.get(HeraldConfig.AUTH_PUBLIC_KEYS), HeraldConfig.AUTH_PUBLIC_KEYS.key());
    String pemFile = config.get(HeraldConfig.AUTH_PUBLIC_KEY_FILE);
    if (!pemFile.isEmpty()) {
      addPemKeys(keys, read(pemFile, HeraldConfig.AUTH_PUBLIC_KEY_FILE.key()), HeraldConfig.AUTH_PUBLIC_KEY_FILE.key());
    }
    String jwksFile = config.get(HeraldConfig.AUTH_JWKS_FILE);
    if (!jwksFile.isEmpty()) {
      addJwks(keys, read(jwksFile, HeraldConfig.AUTH_JWKS_FILE.key()));
    }
    return new TokenVerifier(keys, config);
  }

  /** Whether any key is configured: without one, tokens are not verified and connections are anonymous. */
  public boolean enabled() {
    return !keys.isEmpty();
  }

  /** The algorithms tokens may be signed with. */
  public Set<String> algorithms() {
    return algorithms;
  }

  /**
   * Verifies a connection token. A subscription token (one with a {@code channel} claim) is refused: it
   * grants one channel, and must not become a connection's identity (with no channels claim, it would
   * open every channel the user may reach).
   */
  public Identity verify(String token) throws AuthFailure {
    JsonObject claims = claims(token);
    if (claims.containsKey("channel")) {
      throw new AuthFailure(Reason.SUBSCRIPTION_TOKEN);
    }
    return identity(claims);
  }

  /** Builds the identity of verified claims. */
  Identity identity(JsonObject claims) throws AuthFailure {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String user) || user.isEmpty()) {
      throw new AuthFailure(Reason.NO_SUBJECT);
    }
    List<String> channels = null;
    if (claims.containsKey("channels")) {
      if (!(claims.getValue("channels") instanceof JsonArray array)) {
        throw new AuthFailure(Reason.BAD_CHANNELS_CLAIM);
      }
      channels = new ArrayList<>(array.size());
      for (Object pattern : array) {
        if (!(pattern instanceof String s)) {
          throw new AuthFailure(Reason.BAD_CHANNELS_CLAIM);
        }
        channels.add(s);
      }
      channels = List.copyOf(channels);
    }
    return new Identity(user, channels, expiresAtMs(claims), null, subs(claims));
  }

  /** The {@code subs} claim: an array of valid channel names (not patterns), none twice. */
  private static List<String> subs(JsonObject claims) throws AuthFailure {
    if (!claims.containsKey("subs")) {
      return List.of();
    }
    if (!(claims.getValue("subs") instanceof JsonArray array)) {
      throw new AuthFailure(Reason.BAD_SUBS_CLAIM);
    }
    Set<String> subs = new LinkedHashSet<>();
    for (Object channel : array) {
      if (!(channel instanceof String s) || !ChannelName.isValid(s) || !subs.add(s)) {
        throw new AuthFailure(Reason.BAD_SUBS_CLAIM);
      }
    }
    return List.copyOf(subs);
  }

  /** When verified claims stop being valid: {@code exp} plus the leeway, in epoch ms; 0 without {@code exp}. */
  public long expiresAtMs(JsonObject claims) {
    return claims.getValue("exp") instanceof Number exp ? (exp.longValue() + leewayS) * 1000 : 0;
  }

  /** Verifies a token's signature and its time, audience and issuer claims; returns its claims. */
  public JsonObject claims(String token) throws AuthFailure {
    if (keys.isEmpty() || token == null || token.isEmpty()) {
      throw new AuthFailure(Reason.TOKEN_REQUIRED);
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new AuthFailure(Reason.MALFORMED);
    }
    JsonObject header = decodePart(parts[0]);
    // The claims as signed (the User's principal drops some of them); used only once the signature is verified.
    JsonObject claims = decodePart(parts[1]);
    Object alg = header.getValue("alg");
    if (!(alg instanceof String algorithm)) {
      throw new AuthFailure(Reason.MALFORMED);
    }
    if ("none".equals(algorithm.toLowerCase(Locale.ROOT)) || parts[2].isEmpty()) {
      throw new AuthFailure(Reason.UNSIGNED);
    }
    if (!algorithms.contains(algorithm)) {
      throw new AuthFailure(Reason.UNSUPPORTED_ALGORITHM);
    }
    if (!signedByAKey(token, algorithm, header.getValue("kid"))) {
      throw new AuthFailure(Reason.BAD_SIGNATURE);
    }
    checkTimes(claims);
    if (!audience.isEmpty() && !audienceMatches(claims.getValue("aud"))) {
      throw new AuthFailure(Reason.WRONG_AUDIENCE);
    }
    if (!issuer.isEmpty() && !issuer.equals(claims.getValue("iss"))) {
      throw new AuthFailure(Reason.WRONG_ISSUER);
    }
    return claims;
  }

  /**
   * Whether a configured key of the token's algorithm verifies its signature; a token that names a {@code kid} is
   * tried only with keys of that id or of none. At most every configured key is tried (the operator's few).
   */
  private boolean signedByAKey(String token, String algorithm, Object kid) throws AuthFailure {
    JWSObject jws;
    try {
      jws = JWSObject.parse(token);
    } catch (java.text.ParseException e) {
      throw new AuthFailure(Reason.MALFORMED);
    }
    for (Key key : keys) {
      if (key.algorithm().equals(algorithm) && (key.kid() == null || kid == null || key.kid().equals(kid))) {
        try {
          if (jws.verify(key.verifier())) {
            return true;
          }
        } catch (JOSEException | RuntimeException e) {
          // a key this token cannot be checked with (a header it does not support): try the next
        }
      }
    }
    return false;
  }

  private void checkTimes(JsonObject claims) throws AuthFailure {
    long now = System.currentTimeMillis() / 1000;
    Object exp = claims.getValue("exp");
    if (exp != null && !(exp instanceof Number)) {
      throw new AuthFailure(Reason.MALFORMED);
    }
    if (exp == null && requireExp) {
      throw new AuthFailure(Reason.NO_EXPIRY);
    }
    if (exp instanceof Number n && now > n.longValue() + leewayS) {
      throw new AuthFailure(Reason.EXPIRED);
    }
    Object nbf = claims.getValue("nbf");
    if (nbf instanceof Number n && now + leewayS < n.longValue()) {
      throw new AuthFailure(Reason.NOT_YET_VALID);
    }
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) {
      return audience.equals(s);
    }
    return aud instanceof JsonArray array && array.contains(audience);
  }

  private static JsonObject decodePart(String part) throws AuthFailure {
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new AuthFailure(Reason.MALFORMED);
    }
  }

  private static String read(String file, String key) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(key + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Adds every {@code PUBLIC KEY} block; RSA keys verify RS256, EC keys ES256/ES384/ES512 by curve. */
  private static void addPemKeys(List<Key> keys, String pem, String setting) {
    if (pem.isBlank()) {
      return;
    }
    Matcher m = PEM.matcher(pem);
    int found = 0;
    while (m.find()) {
      if (!"PUBLIC KEY".equals(m.group(1))) {
        throw new IllegalArgumentException(setting + ": only PUBLIC KEY PEM blocks are supported, found " + m.group(1));
      }
      keys.add(pemKey(m.group(2), setting));
      found++;
    }
    if (found == 0) {
      throw new IllegalArgumentException(setting + ": no PEM public key found");
    }
  }

  private static Key pemKey(String base64, String setting) {
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": a PEM block is not base64");
    }
    try {
      RSAPublicKey rsa = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return new Key("RS256", null, new RSASSAVerifier(rsa));
    } catch (Exception notRsa) {
      ECPublicKey ec;
      try {
        ec = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception notEc) {
        throw new IllegalArgumentException(setting + ": a PEM public key is neither RSA nor EC");
      }
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      String algorithm = switch (bits) {
        case 256 -> "ES256";
        case 384 -> "ES384";
        case 521 -> "ES512";
        default -> throw new IllegalArgumentException(setting + ": unsupported EC curve of " + bits + " bits");
      };
      return new Key(algorithm, null, verifier(() -> new ECDSAVerifier(ec), setting));
    }
  }

  /** Adds every key of a JWKS document; each must name its {@code alg}. */
  private static void addJwks(List<Key> keys, String text) {
    String setting = HeraldConfig.AUTH_JWKS_FILE.key();
    JWKSet set;
    try {
      set = JWKSet.parse(text);
    } catch (java.text.ParseException | RuntimeException e) {
      throw new IllegalArgumentException(setting + ": not a JWKS document ({\"keys\": [...]}): " + e.getMessage());
    }
    if (set.getKeys().isEmpty()) {
      throw new IllegalArgumentException(setting + ": no keys");
    }
    for (JWK jwk : set.getKeys()) {
      if (jwk.getAlgorithm() == null) {
        throw new IllegalArgumentException(setting + ": every key needs an \"alg\"");
      }
      JWSVerifier verifier = verifier(() -> {
        if (jwk instanceof RSAKey rsa) {
          return new RSASSAVerifier(rsa);
        }
        if (jwk instanceof ECKey ec) {
          return new ECDSAVerifier(ec);
        }
        if (jwk instanceof OctetSequenceKey oct) {
          return new MACVerifier(oct);
        }
        throw new JOSEException("key type " + jwk.getKeyType() + " is not supported");
      }, setting);
      keys.add(new Key(jwk.getAlgorithm().getName(), jwk.getKeyID(), verifier));
    }
  }

  /** A verifier for a key, or the setting's error when the key cannot verify (too short, wrong curve, ...). */
  private static JWSVerifier verifier(VerifierOfKey make, String setting) {
    try {
      return Objects.requireNonNull(make.get());
    } catch (JOSEException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage());
    }
  }

  private interface VerifierOfKey {
    JWSVerifier get() throws JOSEException;
  }
}
