package io.herald.core.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Configuration layering (defaults < file < environment < overrides), validation and namespaces. */
class HeraldConfigTest {

  private static HeraldConfig load(String file, Map<String, String> env, Map<String, String> overrides) {
    return HeraldConfig.load(new JsonObject(file), env, overrides);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    HeraldConfig c = HeraldConfig.defaults();

    assertThat(c.get(HeraldConfig.PORT)).isEqualTo(8080);
    assertThat(c.get(HeraldConfig.WS_MAX_FRAME_BYTES)).isEqualTo(65_536);
    assertThat(c.get(HeraldConfig.MAX_DATA_BYTES)).isEqualTo(32_768);
    assertThat(c.get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES)).isEqualTo(1_048_576);
    assertThat(c.get(HeraldConfig.WS_MAX_SUBSCRIPTIONS)).isEqualTo(1_024);
    assertThat(c.get(HeraldConfig.WS_PING_INTERVAL_MS)).isEqualTo(25_000L);
    assertThat(c.get(HeraldConfig.WS_PONG_TIMEOUT_MS)).isEqualTo(10_000L);
    assertThat(c.get(HeraldConfig.HTTP_MAX_BODY_BYTES)).isEqualTo(1_048_576);
    assertThat(c.get(HeraldConfig.API_KEY)).isEmpty();
    assertThat(c.get(HeraldConfig.SHUTDOWN_DRAIN_MS)).isEqualTo(5_000L);
    assertThat(c.get(HeraldConfig.HISTORY_DEFAULT_LIMIT)).isEqualTo(100);
    for (Setting<?> s : HeraldConfig.SETTINGS) {
      assertThat(c.get(s)).as(s.key()).isEqualTo(s.defaultValue());
      assertThat(s.doc()).as(s.key()).isNotBlank();
    }
  }

  @Test
  void eachLayerOverridesTheOneBelow() {
    HeraldConfig c = load("{\"ws.max_frame_bytes\": 1000, \"ws.max_subscriptions\": 10, \"port\": 9000, \"api.key\": \"file\"}",
        Map.of("HERALD_WS_MAX_FRAME_BYTES", "2000", "HERALD_PORT", "9001", "HERALD_API_KEY", "env"),
        Map.of("port", "9002"));

    assertThat(c.get(HeraldConfig.WS_MAX_SUBSCRIPTIONS)).as("file over default").isEqualTo(10);
    assertThat(c.get(HeraldConfig.WS_MAX_FRAME_BYTES)).as("env over file").isEqualTo(2000);
    assertThat(c.get(HeraldConfig.API_KEY)).as("env over file").isEqualTo("env");
    assertThat(c.get(HeraldConfig.PORT)).as("override over env").isEqualTo(9002);
    assertThat(c.get(HeraldConfig.WS_OUTBOUND_QUEUE_BYTES)).as("untouched default").isEqualTo(1_048_576);
  }

  @Test
  void aSettingCountsAsSetWhenAnyLayerGivesItAValueEvenItsDefault() {
    HeraldConfig c = load("{\"ws.max_subscriptions\": 1024}", Map.of("HERALD_CONSOLE_ENABLED", "true"), Map.of("port", "9000"));

    assertThat(c.isSet(HeraldConfig.WS_MAX_SUBSCRIPTIONS)).as("file, equal to the default").isTrue();
    assertThat(c.isSet(HeraldConfig.CONSOLE_ENABLED)).as("environment, equal to the default").isTrue();
    assertThat(c.isSet(HeraldConfig.PORT)).as("override").isTrue();
    assertThat(c.isSet(HeraldConfig.HOST)).as("untouched").isFalse();
    assertThat(HeraldConfig.defaults().isSet(HeraldConfig.CONSOLE_ENABLED)).isFalse();
    assertThat(HeraldConfig.defaults().with(HeraldConfig.CONSOLE_ENABLED, true).isSet(HeraldConfig.CONSOLE_ENABLED)).isTrue();
    assertThat(c.withNamespaces(new JsonObject()).isSet(HeraldConfig.PORT)).isTrue();
  }

  @Test
  void environmentNamesAreDerivedFromKeys() {
    assertThat(HeraldConfig.WS_MAX_FRAME_BYTES.envName()).isEqualTo("HERALD_WS_MAX_FRAME_BYTES");
    assertThat(HeraldConfig.MAX_DATA_BYTES.envName()).isEqualTo("HERALD_MESSAGE_MAX_DATA_BYTES");
    assertThat(HeraldConfig.NODE_ID.envName()).isEqualTo("HERALD_NODE_ID");
    assertThat(HeraldConfig.PORT.envName()).isEqualTo("HERALD_PORT");
  }

  static Stream<Arguments> settings() {
    return HeraldConfig.SETTINGS.stream().map(s -> arguments(s.key(), s));
  }

  /** A text value different from the default, and what it parses to. */
  private static Object[] otherValue(Setting<?> s) {
    Object d = s.defaultValue();
    if (d instanceof Integer i) {
      return new Object[] {Integer.toString(i + 7), i + 7};
    }
    if (d instanceof Long l) {
      return new Object[] {Long.toString(l + 7), l + 7};
    }
    if (d instanceof Boolean b) {
      return new Object[] {Boolean.toString(!b), !b};
    }
    // The log.* settings take only their own words.
    Map<Setting<?>, String> checked = Map.of(HeraldConfig.LOG_FORMAT, "json", HeraldConfig.LOG_LEVEL, "debug",
        HeraldConfig.LOG_LEVELS, "io.herald=debug");
    if (checked.containsKey(s)) {
      return new Object[] {checked.get(s), checked.get(s)};
    }
    if (d instanceof Double r) {
      return new Object[] {Double.toString(r / 2), r / 2};
    }
    return new Object[] {"value-" + s.key(), "value-" + s.key()};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void everySettingIsReadFromItsEnvironmentVariableAndFromOverrides(String key, Setting<?> setting) {
    Object[] v = otherValue(setting);

    assertThat(HeraldConfig.load(new JsonObject(), Map.of(setting.envName(), (String) v[0]), Map.of()).get(setting))
        .isEqualTo(v[1]);
    assertThat(HeraldConfig.load(new JsonObject(), Map.of(), Map.of(key, (String) v[0])).get(setting))
        .isEqualTo(v[1]);
    assertThat(HeraldConfig.load(new JsonObject().put(key, v[1]), Map.of(), Map.of()).get(setting))
        .isEqualTo(v[1]);
  }

  @Test
  void environmentVariablesWithoutTheHeraldPrefixAreIgnored() {
    HeraldConfig c = HeraldConfig.load(new JsonObject(), Map.of("PATH", "/bin", "ws.max_frame_bytes", "5",
        "herald_port", "1", "MY_HERALD_PORT", "2"), Map.of());

    assertThat(c.get(HeraldConfig.WS_MAX_FRAME_BYTES)).isEqualTo(65_536);
    assertThat(c.get(HeraldConfig.PORT)).isEqualTo(8080);
  }

  /** A HERALD_* variable that is no setting is a mistake (a misspelt or outdated name): the node refuses to start. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource({
      "HERALD_NOT_A_SETTING",
      "HERALD_JWT_SECRET",           // the name k8s/ used once; the setting is HERALD_AUTH_HMAC_SECRET
      "HERALD_JWT_PUBLIC_KEY",
      "HERALD_SERVICE_HOST",         // what Kubernetes injects for a Service named herald without enableServiceLinks: false
      "HERALD_PORT_8080_TCP_ADDR",
      "HERALD_",
  })
  void unknownHeraldEnvironmentVariablesAreRefusedByName(String name) {
    assertThatThrownBy(() -> HeraldConfig.load(new JsonObject(), Map.of(name, "x"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown environment variable " + name + " ");
  }

  @Test
  void theDocumentedNonSettingVariablesAndNamespacesAreAccepted() {
    Map<String, String> env = new HashMap<>();
    HeraldConfig.NON_SETTING_ENV.forEach(name -> env.put(name, "1"));
    env.put(HeraldConfig.NAMESPACES_ENV, "{}");
    HeraldConfig.SETTINGS.forEach(s -> env.put(s.envName(), String.valueOf(s.defaultValue())));

    assertThat(HeraldConfig.load(new JsonObject(), env, Map.of()).get(HeraldConfig.PORT)).isEqualTo(8080);
    assertThat(HeraldConfig.NON_SETTING_ENV).containsExactly("HERALD_URL", "HERALD_REQUIRE_NCHAN", "HERALD_REQUIRE_BROWSER",
        "HERALD_REQUIRE_NODE", "HERALD_REQUIRE_KUBECTL", "HERALD_REQUIRE_PODMAN", "HERALD_REQUIRE_NETNS");
  }

  @Test
  void textValuesAreTrimmedAndBooleansAcceptCommonSpellings() {
    assertThat(load("{}", Map.of("HERALD_WS_MAX_SUBSCRIPTIONS", " 64 "), Map.of()).get(HeraldConfig.WS_MAX_SUBSCRIPTIONS))
        .isEqualTo(64);
    for (String yes : new String[] {"true", "TRUE", "1", "yes", "on"}) {
      assertThat(load("{}", Map.of(), Map.of("namespace.join_leave", yes)).get(HeraldConfig.NAMESPACE_JOIN_LEAVE)).as(yes).isTrue();
    }
    for (String no : new String[] {"false", "0", "no", "Off"}) {
      assertThat(load("{}", Map.of(), Map.of("namespace.presence", no)).get(HeraldConfig.NAMESPACE_PRESENCE)).as(no).isFalse();
    }
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        arguments("unknown file key", "{\"ws.max_frame_byte\": 5}", Map.of(), Map.of(), "ws.max_frame_byte"),
        arguments("unknown override key", "{}", Map.of(), Map.of("nope", "1"), "nope"),
        arguments("negative in file", "{\"ws.max_subscriptions\": -1}", Map.of(), Map.of(), "ws.max_subscriptions"),
        arguments("negative in env", "{}", Map.of("HERALD_WS_PING_INTERVAL_MS", "-5"), Map.of(), "ws.ping_interval_ms"),
        arguments("negative override", "{}", Map.of(), Map.of("port", "-1"), "port"),
        arguments("not a number in file", "{\"ws.max_subscriptions\": \"abc\"}", Map.of(), Map.of(), "ws.max_subscriptions"),
        arguments("not a number in env", "{}", Map.of("HERALD_PORT", "eighty"), Map.of(), "port"),
        arguments("boolean for a number", "{\"ws.max_subscriptions\": true}", Map.of(), Map.of(), "ws.max_subscriptions"),
        arguments("fraction for an integer", "{\"ws.max_subscriptions\": 1.5}", Map.of(), Map.of(), "ws.max_subscriptions"),
        arguments("integer out of range", "{\"ws.max_subscriptions\": 3000000000}", Map.of(), Map.of(), "ws.max_subscriptions"),
        arguments("integer out of range in env", "{}", Map.of("HERALD_PORT", "4294967297"), Map.of(), "port"),
        arguments("long out of range", "{\"shutdown.drain_ms\": 99999999999999999999}", Map.of(), Map.of(), "shutdown.drain_ms"),
        arguments("number for a string", "{\"api.key\": 5}", Map.of(), Map.of(), "api.key"),
        arguments("number for a boolean", "{\"namespace.presence\": 1.5}", Map.of(), Map.of(), "namespace.presence"),
        arguments("not a boolean", "{}", Map.of(), Map.of("namespace.presence", "maybe"), "namespace.presence"),
        arguments("a ratio over 1", "{\"tracing.sample_ratio\": 1.5}", Map.of(), Map.of(), "tracing.sample_ratio must be from 0 to 1"),
        arguments("a negative ratio in env", "{}", Map.of("HERALD_TRACING_SAMPLE_RATIO", "-0.1"), Map.of(), "tracing.sample_ratio"),
        arguments("NaN for a ratio", "{}", Map.of(), Map.of("tracing.sample_ratio", "NaN"), "tracing.sample_ratio: not a number"),
        arguments("a string for a ratio", "{\"tracing.sample_ratio\": \"half\"}", Map.of(), Map.of(), "tracing.sample_ratio"),
        arguments("a boolean for a ratio", "{\"tracing.sample_ratio\": true}", Map.of(), Map.of(), "tracing.sample_ratio"),
        arguments("namespaces not an object", "{\"namespaces\": 5}", Map.of(), Map.of(), "namespaces"),
        arguments("namespaces env not JSON", "{}", Map.of("HERALD_NAMESPACES", "{chat"), Map.of(), "namespaces"),
        arguments("namespace not an object", "{\"namespaces\": {\"chat\": 5}}", Map.of(), Map.of(), "chat"),
        arguments("unknown namespace option", "{\"namespaces\": {\"chat\": {\"histroy_size\": 5}}}", Map.of(), Map.of(),
            "histroy_size"),
        arguments("a batching window over a second", "{\"namespaces\": {\"chat\": {\"batch_ms\": 1001}}}", Map.of(),
            Map.of(), "namespaces.chat.batch_ms must be at most 1000"),
        arguments("a default batching window over a second", "{}", Map.of(), Map.of("namespace.batch_ms", "5000"),
            "namespace.batch_ms must be at most 1000"),
        arguments("a negative max_rate", "{\"namespaces\": {\"chat\": {\"max_rate\": -1}}}", Map.of(), Map.of(),
            "max_rate"),
        arguments("negative namespace option", "{\"namespaces\": {\"chat\": {\"history_size\": -1}}}", Map.of(), Map.of(),
            "history_size"),
        arguments("wrong type of namespace option", "{\"namespaces\": {\"chat\": {\"history_size\": \"5\"}}}", Map.of(),
            Map.of(), "chat"),
        arguments("string for a namespace boolean", "{\"namespaces\": {\"chat\": {\"presence\": \"yes\"}}}", Map.of(),
            Map.of(), "chat"),
        arguments("unknown log format", "{}", Map.of("HERALD_LOG_FORMAT", "logfmt"), Map.of(),
            "log.format: \"logfmt\" is not one of text, json"),
        arguments("unknown log level", "{}", Map.of(), Map.of("log.level", "verbose"),
            "log.level: \"verbose\" is not one of trace, debug, info, warn, error, off"),
        arguments("number for a log level", "{\"log.level\": 3}", Map.of(), Map.of(), "log.level"),
        arguments("unknown level of a logger", "{}", Map.of("HERALD_LOG_LEVELS", "io.herald.limits=warn,com.hazelcast=loud"),
            Map.of(), "log.levels: com.hazelcast: \"loud\" is not one of trace, debug, info, warn, error, off"),
        arguments("a logger without a level", "{\"log.levels\": \"io.herald.limits\"}", Map.of(), Map.of(),
            "log.levels: \"io.herald.limits\" is not logger=level"),
        arguments("a level without a logger", "{}", Map.of(), Map.of("log.levels", "=debug"),
            "log.levels: \"=debug\" is not logger=level"),
        arguments("a logger name with a space", "{}", Map.of(), Map.of("log.levels", "io herald=debug"),
            "log.levels: \"io herald=debug\" is not logger=level"));
  }

  /** The log.* settings read from any layer, in any case, with spaces around; log.levels in the order given. */
  @ParameterizedTest(name = "{0}={1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "log.format | json            | json",
      "log.format | ' TEXT '        | text",
      "log.level  | WARN            | warn",
      "log.level  | off             | off",
      "log.level  | trace           | trace",
      "log.levels | ''              | ''",
      "log.levels | ' a.b=Debug , c=off ,' | 'a.b=Debug , c=off ,'",
  })
  void logSettingsAreReadInAnyCase(String key, String given, String read) {
    Setting<?> setting = HeraldConfig.SETTINGS.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();

    assertThat(load("{}", Map.of(), Map.of(key, given)).get(setting)).isEqualTo(read);
    assertThat(load("{}", Map.of(setting.envName(), given), Map.of()).get(setting)).isEqualTo(read);
  }

  @Test
  void logLevelsPerLoggerKeepTheirOrderAndTheLastOfARepeatedLoggerWins() {
    assertThat(LogLevels.perLogger(" io.herald.limits=WARN, com.hazelcast = info,,io.herald.limits=error"))
        .containsExactly(Map.entry("io.herald.limits", "error"), Map.entry("com.hazelcast", "info"));
    assertThat(LogLevels.perLogger("")).isEmpty();
  }

  @Test
  void logDefaultsAreTextAtInfo() {
    HeraldConfig c = HeraldConfig.defaults();

    assertThat(c.get(HeraldConfig.LOG_FORMAT)).isEqualTo("text");
    assertThat(c.get(HeraldConfig.LOG_LEVEL)).isEqualTo("info");
    assertThat(c.get(HeraldConfig.LOG_LEVELS)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidValuesAreRejectedNamingTheKey(String name, String file, Map<String, String> env,
                                            Map<String, String> overrides, String mentioned) {
    assertThatThrownBy(() -> load(file, env, overrides))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(mentioned);
  }

  @Test
  void ratiosAreDecimalsFromZeroToOne() {
    assertThat(HeraldConfig.defaults().get(HeraldConfig.TRACING_SAMPLE_RATIO)).isEqualTo(1.0);
    assertThat(load("{\"tracing.sample_ratio\": 0}", Map.of(), Map.of()).get(HeraldConfig.TRACING_SAMPLE_RATIO)).isEqualTo(0.0);
    assertThat(load("{}", Map.of("HERALD_TRACING_SAMPLE_RATIO", " 1e-3 "), Map.of()).get(HeraldConfig.TRACING_SAMPLE_RATIO))
        .isEqualTo(0.001);
    assertThat(load("{}", Map.of(), Map.of("tracing.sample_ratio", "1")).get(HeraldConfig.TRACING_SAMPLE_RATIO)).isEqualTo(1.0);
  }

  @Test
  void namespacesOverrideTheNamespaceDefaultsPerNamespace() {
    HeraldConfig c = load("{\"namespace.history_size\": 10, \"namespace.join_leave\": false,"
        + " \"namespaces\": {\"chat\": {\"history_size\": 5, \"join_leave\": true, \"client_publish\": false},"
        + " \"default\": {\"presence\": false}}}", Map.of(), Map.of());
    Namespaces ns = c.namespaces();

    assertThat(ns.forChannel("chat:room-1")).isEqualTo(new NamespaceOptions(5, 300_000, false, true, true));
    assertThat(ns.forChannel("other:x")).isEqualTo(new NamespaceOptions(10, 300_000, true, true, false));
    assertThat(ns.forChannel("chatroom")).as("no ':' -> default namespace").isEqualTo(new NamespaceOptions(10, 300_000, true, false, false));
  }

  @Test
  void deliveryModesAreOffByDefaultAndSetPerNamespace() {
    HeraldConfig c = load("{\"namespaces\": {\"mobile\": {\"max_rate\": 50, \"batch_ms\": 50}}}", Map.of(), Map.of());
    assertThat(c.namespaces().forChannel("mobile:x").maxRate()).isEqualTo(50);
    assertThat(c.namespaces().forChannel("mobile:x").batchMs()).isEqualTo(50);
    assertThat(c.namespaces().forChannel("other:x").maxRate()).isZero();
    assertThat(c.namespaces().forChannel("other:x").batchMs()).isZero();
  }

  @Test
  void cacheIsOffByDefaultAndSetPerNamespaceOrForAll() {
    HeraldConfig c = load("{\"namespaces\": {\"state\": {\"cache\": true}}}", Map.of(), Map.of());
    assertThat(c.namespaces().forChannel("state:x").cache()).isTrue();
    assertThat(c.namespaces().forChannel("other:x").cache()).isFalse();

    HeraldConfig all = load("{}", Map.of("HERALD_NAMESPACE_CACHE", "true"), Map.of());
    assertThat(all.namespaces().forChannel("other:x").cache()).isTrue();
  }

  @Test
  void namespacesComeFromTheHighestLayerThatGivesThem() {
    String file = "{\"namespaces\": {\"chat\": {\"history_size\": 1}}}";
    Map<String, String> env = Map.of("HERALD_NAMESPACES", "{\"chat\": {\"history_size\": 2}}");

    assertThat(load(file, Map.of(), Map.of()).namespaces().forChannel("chat:a").historySize()).isEqualTo(1);
    assertThat(load(file, env, Map.of()).namespaces().forChannel("chat:a").historySize()).isEqualTo(2);
    assertThat(load(file, env, Map.of("namespaces", "{\"chat\": {\"history_size\": 3}}")).namespaces()
        .forChannel("chat:a").historySize()).isEqualTo(3);
  }

  @Test
  void namespaceDefaultsFollowTheDefaultLayersEvenWhenSetAfterTheNamespaces() {
    HeraldConfig c = load("{\"namespaces\": {\"chat\": {\"presence\": false}}}",
        Map.of("HERALD_NAMESPACE_HISTORY_TTL_MS", "1234"), Map.of());

    assertThat(c.namespaces().forChannel("chat:a").historyTtlMs()).isEqualTo(1234);
    assertThat(c.namespaces().forChannel("chat:a").presence()).isFalse();
  }

  @Test
  void withReplacesOneValueAndKeepsNamespaces() {
    HeraldConfig base = load("{\"namespaces\": {\"chat\": {\"history_size\": 5}}}", Map.of(), Map.of());

    HeraldConfig changed = base.with(HeraldConfig.WS_MAX_SUBSCRIPTIONS, 3);

    assertThat(changed.get(HeraldConfig.WS_MAX_SUBSCRIPTIONS)).isEqualTo(3);
    assertThat(base.get(HeraldConfig.WS_MAX_SUBSCRIPTIONS)).isEqualTo(1_024);
    assertThat(changed.namespaces().forChannel("chat:x").historySize()).isEqualTo(5);
    assertThat(changed.withNamespaces(new JsonObject()).namespaces().forChannel("chat:x").historySize()).isEqualTo(256);
  }

  @ParameterizedTest
  @ValueSource(strings = {"history_size", "history_ttl_ms", "client_publish", "presence", "join_leave"})
  void everyNamespaceOptionIsAccepted(String option) {
    Object value = option.startsWith("history") ? (Object) 1 : (Object) Boolean.TRUE;
    JsonObject file = new JsonObject().put("namespaces", new JsonObject().put("ns", new JsonObject().put(option, value)));

    assertThat(HeraldConfig.load(file, new HashMap<>(), Map.of()).namespaces().forChannel("ns:a")).isNotNull();
  }
}
