package io.herald.gateway.webhooks;

import io.herald.core.config.HeraldConfig;
import io.herald.core.webhooks.WebhookEvent;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The webhooks.* settings of a node, checked together (docs/configuration.md, Webhooks). */
public record WebhookSettings(String url, byte[] secret, Set<WebhookEvent.Type> events, long timeoutMs, int batchMax,
                              long batchMs, int queueMax, int maxRetries, long retryInitialMs, long retryMaxMs) {

  /** Whether the node sends webhooks at all: webhooks.url is set. */
  public static boolean enabled(HeraldConfig config) {
    return !config.get(HeraldConfig.WEBHOOKS_URL).isBlank();
  }

  /** The settings of a node whose {@link #problems} are none. */
  public static WebhookSettings from(HeraldConfig config) {
    return new WebhookSettings(config.get(HeraldConfig.WEBHOOKS_URL).trim(),
        config.get(HeraldConfig.WEBHOOKS_SECRET).getBytes(StandardCharsets.UTF_8),
        WebhookEvent.Type.parseList(config.get(HeraldConfig.WEBHOOKS_EVENTS)),
        Math.max(1, config.get(HeraldConfig.WEBHOOKS_TIMEOUT_MS)),
        Math.max(1, config.get(HeraldConfig.WEBHOOKS_BATCH_MAX)),
        config.get(HeraldConfig.WEBHOOKS_BATCH_MS),
        Math.max(1, config.get(HeraldConfig.WEBHOOKS_QUEUE_MAX)),
        config.get(HeraldConfig.WEBHOOKS_MAX_RETRIES),
        config.get(HeraldConfig.WEBHOOKS_RETRY_INITIAL_MS),
        config.get(HeraldConfig.WEBHOOKS_RETRY_MAX_MS));
  }

  /**
   * Why the node may not start with these settings, one line each: an unknown event type (even with webhooks off, so
   * a typo is found before the URL is set), a URL that is not absolute http(s), a URL without a secret.
   */
  public static List<String> problems(HeraldConfig config) {
    List<String> problems = new ArrayList<>();
    try {
      WebhookEvent.Type.parseList(config.get(HeraldConfig.WEBHOOKS_EVENTS));
    } catch (IllegalArgumentException e) {
      problems.add(HeraldConfig.WEBHOOKS_EVENTS.key() + ": " + e.getMessage());
    }
    if (!enabled(config)) {
      return problems;
    }
    String url = config.get(HeraldConfig.WEBHOOKS_URL).trim();
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        problems.add(HeraldConfig.WEBHOOKS_URL.key() + ": an absolute http:// or https:// URL is needed, not " + url);
      }
    } catch (Exception e) {
      problems.add(HeraldConfig.WEBHOOKS_URL.key() + ": not a URL: " + url);
    }
    if (config.get(HeraldConfig.WEBHOOKS_SECRET).isEmpty()) {
      problems.add(HeraldConfig.WEBHOOKS_SECRET.key() + ": required with webhooks.url (every POST is signed with it)");
    }
    if (config.get(HeraldConfig.WEBHOOKS_RETRY_MAX_MS) < config.get(HeraldConfig.WEBHOOKS_RETRY_INITIAL_MS)) {
      problems.add(HeraldConfig.WEBHOOKS_RETRY_MAX_MS.key() + ": must not be below webhooks.retry_initial_ms");
    }
    return problems;
  }
}
