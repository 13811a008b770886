package io.herald.node.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import io.herald.core.config.HeraldConfig;
import io.herald.node.ConfigSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code herald token --sub USER}: a connection token signed with the node's HS256 secret ({@code auth.hmac_secret},
 * from the same file, environment and flags the node reads), for trying auth. Tokens for production come from the
 * application's own issuer; with RS256/ES256 keys the node holds only the public half, so this command cannot sign.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Signs a JWT (HS256) with the configured auth.hmac_secret and prints it: for trying auth locally.")
public final class TokenCommand implements Callable<Integer> {

  @Option(names = "--sub", required = true, paramLabel = "USER", description = "The user (the token's sub).")
  String user;

  @Option(names = "--channels", split = ",", paramLabel = "PATTERN",
      description = "The channels claim: channels (or namespace:* patterns) the user may use; default: unrestricted.")
  List<String> channels;

  @Option(names = "--ttl", paramLabel = "SECONDS", description = "Lifetime; the token's exp (default 3600; 0: no exp).")
  long ttlSeconds = 3600;

  @Mixin
  ConfigSource source;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Optional<HeraldConfig> config = source.loadFor("herald token", Map.of(), spec.commandLine().getErr());
    if (config.isEmpty()) {
      return 2;
    }
    String secret = config.get().get(HeraldConfig.AUTH_HMAC_SECRET);
    if (secret.isEmpty()) {
      spec.commandLine().getErr().println("herald token: no auth.hmac_secret configured (HERALD_AUTH_HMAC_SECRET, "
          + "--set auth.hmac_secret=..., or --config FILE): nothing to sign with");
      return 2;
    }
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", user).put("iat", now);
    if (channels != null) {
      claims.put("channels", new JsonArray(channels));
    }
    if (ttlSeconds > 0) {
      claims.put("exp", now + ttlSeconds);
    }
    JWSObject token = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
        new Payload(claims.encode()));
    try {
      token.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      spec.commandLine().getErr().println("herald token: auth.hmac_secret cannot sign: " + e.getMessage());
      return 2;
    }
    spec.commandLine().getOut().println(token.serialize());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
