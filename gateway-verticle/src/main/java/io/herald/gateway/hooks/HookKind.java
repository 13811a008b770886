package io.herald.gateway.hooks;

import io.herald.core.config.HeraldConfig;
import io.herald.core.config.Setting;

import java.util.Locale;

/** The proxy hooks a node may call, each with the setting that names its URL. */
public enum HookKind {
  CONNECT(HeraldConfig.PROXY_CONNECT_URL),
  REFRESH(HeraldConfig.PROXY_REFRESH_URL),
  SUBSCRIBE(HeraldConfig.PROXY_SUBSCRIBE_URL),
  PUBLISH(HeraldConfig.PROXY_PUBLISH_URL);

  private final Setting<String> url;

  HookKind(Setting<String> url) {
    this.url = url;
  }

  public Setting<String> url() {
    return url;
  }

  /** The hook's name in metrics and logs. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
