package io.herald.gateway.auth;

import io.herald.core.ChannelName;
import io.herald.core.config.HeraldConfig;
import io.herald.gateway.auth.AuthFailure.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies client JWTs with vertx-auth-jwt against the configured keys (HS256 secret, RS256/ES256 PEM
 * public keys, a JWKS file), then checks the claims itself so each refusal has its own reason:
 * {@code alg: none}, an algorithm no key is configured for, a bad signature, {@code exp}/{@code nbf}
 * (with {@code auth.leeway_s}), {@code aud}/{@code iss} when configured, a missing {@code sub}, a
 * malformed {@code channels} claim. Thread-safe; one per node.
 */
public final class TokenVerifier {

  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private final JWTAuth jwt;
  private final Set<String> algorithms;
  private final String audience;
  private final String issuer;
  private final long leewayS;
  private final boolean requireExp;

  private TokenVerifier(JWTAuth jwt, Set<String> algorithms, HeraldConfig config) {
    this.jwt = jwt;
    this.algorithms = algorithms;
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
  public static TokenVerifier create(Vertx vertx, HeraldConfig config) {
    JWTAuthOptions options = new JWTAuthOptions()
        // exp, nbf, aud and iss are checked below, each with its own reason.
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    Set<String> algorithms = new LinkedHashSet<>();
    String secret = config.get(HeraldConfig.AUTH_HMAC_SECRET);
    if (!secret.isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret));
      algorithms.add("HS256");
    }
    addPemKeys(options, algorithms, config.get(HeraldConfig.AUTH_PUBLIC_KEYS), HeraldConfig.AUTH_PUBLIC_KEYS.key());
    String pemFile = config.get(HeraldConfig.AUTH_PUBLIC_KEY_FILE);
    if (!pemFile.isEmpty()) {
      addPemKeys(options, algorithms, read(pemFile, HeraldConfig.AUTH_PUBLIC_KEY_FILE.key()),
          HeraldConfig.AUTH_PUBLIC_KEY_FILE.key());
    }
    String jwksFile = config.get(HeraldConfig.AUTH_JWKS_FILE);
    if (!jwksFile.isEmpty()) {
      addJwks(options, algorithms, read(jwksFile, HeraldConfig.AUTH_JWKS_FILE.key()));
    }
    if (algorithms.isEmpty()) {
      return new TokenVerifier(null, Set.of(), config);
    }
    try {
      return new TokenVerifier(JWTAuth.create(vertx, options), Set.copyOf(algorithms), config);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("JWT keys could not be loaded: " + e.getMessage(), e);
    }
  }

  /** Whether any key is configured: without one, tokens are not verified and connections are anonymous. */
  public boolean enabled() {
    return jwt != null;
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
    if (jwt == null || token == null || token.isEmpty()) {
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
    Future<User> verified = jwt.authenticate(new TokenCredentials(token));
    // vertx-auth-jwt verifies synchronously: the future is complete when authenticate returns.
    if (!verified.isComplete() || verified.failed()) {
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
  private static void addPemKeys(JWTAuthOptions options, Set<String> algorithms, String pem, String key) {
    if (pem.isBlank()) {
      return;
    }
    Matcher m = PEM.matcher(pem);
    int found = 0;
    while (m.find()) {
      if (!"PUBLIC KEY".equals(m.group(1))) {
        throw new IllegalArgumentException(key + ": only PUBLIC KEY PEM blocks are supported, found " + m.group(1));
      }
      String algorithm = algorithmOf(m.group(2), key);
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(m.group()));
      algorithms.add(algorithm);
      found++;
    }
    if (found == 0) {
      throw new IllegalArgumentException(key + ": no PEM public key found");
    }
  }

  private static String algorithmOf(String base64, String key) {
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": a PEM block is not base64");
    }
    try {
      KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return "RS256";
    } catch (Exception notRsa) {
      try {
        PublicKey ec = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        int bits = ((ECPublicKey) ec).getParams().getCurve().getField().getFieldSize();
        return switch (bits) {
          case 256 -> "ES256";
          case 384 -> "ES384";
          case 521 -> "ES512";
          default -> throw new IllegalArgumentException(key + ": unsupported EC curve of " + bits + " bits");
        };
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (Exception notEc) {
        throw new IllegalArgumentException(key + ": a PEM public key is neither RSA nor EC");
      }
    }
  }

  private static void addJwks(JWTAuthOptions options, Set<String> algorithms, String text) {
    String key = HeraldConfig.AUTH_JWKS_FILE.key();
    JsonArray keys;
    try {
      keys = new JsonObject(text).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + ": not a JWKS document ({\"keys\": [...]})");
    }
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException(key + ": no keys");
    }
    for (Object k : keys) {
      if (!(k instanceof JsonObject jwk) || !(jwk.getValue("alg") instanceof String alg)) {
        throw new IllegalArgumentException(key + ": every key needs an \"alg\"");
      }
      options.addJwk(jwk);
      algorithms.add(alg);
    }
  }
}
